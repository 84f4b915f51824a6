/**
 * Ridge regression in closed form on standardised features (the regression proxy model): solves
 * (ZᵀWZ + λI) β = ZᵀW(y − ȳ) by Cholesky. Deterministic; O(n·d² + d³), so callers bound d (a few hundred).
 */
export interface RidgeModel {
  features: number;
  coef: Float64Array;
  intercept: number;
  mean: Float64Array;
  scale: Float64Array;
}

export function fitRidge(x: Float64Array, y: Float64Array, options: { lambda?: number; sampleWeight?: Float64Array } = {}): RidgeModel {
  const n = y.length;
  const d = n === 0 ? 0 : x.length / n;
  const lambda = options.lambda ?? 1;
  const w = options.sampleWeight;
  let wsum = 0;
  let ybar = 0;
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i]! : 1;
    wsum += wi;
    ybar += wi * y[i]!;
    for (let j = 0; j < d; j++) mean[j]! += wi * x[i * d + j]!;
  }
  ybar /= wsum || 1;
  for (let j = 0; j < d; j++) mean[j]! /= wsum || 1;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i]! : 1;
    for (let j = 0; j < d; j++) scale[j]! += (wi * (x[i * d + j]! - mean[j]!) ** 2) / (wsum || 1);
  }
  for (let j = 0; j < d; j++) scale[j] = Math.sqrt(scale[j]!) || 1;
  const a = new Float64Array(d * d);
  const b = new Float64Array(d);
  const z = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i]! : 1;
    if (wi === 0) continue;
    for (let j = 0; j < d; j++) z[j] = (x[i * d + j]! - mean[j]!) / scale[j]!;
    const r = y[i]! - ybar;
    for (let j = 0; j < d; j++) {
      const zj = wi * z[j]!;
      b[j]! += zj * r;
      for (let k = 0; k <= j; k++) a[j * d + k]! += zj * z[k]!;
    }
  }
  for (let j = 0; j < d; j++) a[j * d + j]! += lambda;
  // Cholesky: a = L Lᵀ (lower triangle), then two triangular solves.
  for (let j = 0; j < d; j++) {
    let s = a[j * d + j]!;
    for (let k = 0; k < j; k++) s -= a[j * d + k]! ** 2;
    const ljj = Math.sqrt(Math.max(s, 1e-12));
    a[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let t = a[i * d + j]!;
      for (let k = 0; k < j; k++) t -= a[i * d + k]! * a[j * d + k]!;
      a[i * d + j] = t / ljj;
    }
  }
  const coef = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= a[i * d + k]! * coef[k]!;
    coef[i] = s / a[i * d + i]!;
  }
  for (let i = d - 1; i >= 0; i--) {
    let s = coef[i]!;
    for (let k = i + 1; k < d; k++) s -= a[k * d + i]! * coef[k]!;
    coef[i] = s / a[i * d + i]!;
  }
  return { features: d, coef, intercept: ybar, mean, scale };
}

export function predictRidge(model: RidgeModel, x: Float64Array): Float64Array {
  const d = model.features;
  const n = d === 0 ? 0 : x.length / d;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = model.intercept;
    for (let j = 0; j < d; j++) s += (model.coef[j]! * (x[i * d + j]! - model.mean[j]!)) / model.scale[j]!;
    out[i] = s;
  }
  return out;
}
