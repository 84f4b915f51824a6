/**
 * k-sample Anderson–Darling test (Scholz & Stephens 1987), as `scipy.stats.anderson_ksamp`: the standardised
 * statistic, critical values for significance levels 25%…0.1%, and SciPy's interpolated p-value (quadratic
 * fit of log level against critical values), which is capped to [0.001, 0.25] — `pValueBound` says when.
 * Where SciPy raises (a single distinct value, an empty sample, N < 4 where the variance is undefined) the
 * statistic and p-value are NaN with a reason.
 */
import { assertUsableSample, type Sample } from './sample.js';
import { sortedCopy } from './sort.js';

export interface AndersonResult {
  method: 'midrank' | 'right';
  statistic: number;
  criticalValues: number[];
  /** The significance levels that criticalValues belong to. */
  significanceLevels: number[];
  pValue: number;
  /** 'lower' when the true p-value is above 0.25 (capped), 'upper' when below 0.001 (floored). */
  pValueBound?: 'lower' | 'upper';
  reason?: string;
}

const SIG = [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001];
const B0 = [0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085];
const B1 = [-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615];
const B2 = [-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154];

export function andersonKsamp(samples: readonly Sample[], options: { midrank?: boolean } = {}): AndersonResult {
  samples.forEach((s, i) => assertUsableSample(s, `samples[${i}]`));
  return andersonKsampSorted(samples.map(sortedCopy), options);
}

export function andersonKsampSorted(sorted: readonly Float64Array[], options: { midrank?: boolean } = {}): AndersonResult {
  const midrank = options.midrank ?? true;
  const method = midrank ? 'midrank' : 'right';
  const k = sorted.length;
  const m = k - 1;
  const criticalValues = B0.map((b0, i) => b0 + B1[i]! / Math.sqrt(m) + B2[i]! / m);
  const base = { method, criticalValues, significanceLevels: SIG.slice() } as const;
  const nan = (reason: string): AndersonResult => ({ ...base, statistic: NaN, pValue: NaN, reason });
  if (k < 2) return nan('needs at least two samples');
  const n = sorted.map((s) => s.length);
  const N = n.reduce((a, b) => a + b, 0);
  if (n.some((ni) => ni === 0)) return nan('a sample has no observations');

  // One walk over the distinct pooled values Z* (ascending), accumulating each sample's sum on the fly.
  // Midrank (Scholz & Stephens eq. 7) uses lj = 1 when there are no ties — then every lj is 1 anyway.
  const pos = new Array<number>(k).fill(0);
  const eq = new Array<number>(k).fill(0);
  const inner = new Float64Array(k);
  let below = 0;
  let distinct = 0;
  for (;;) {
    let v: number | undefined;
    for (let i = 0; i < k; i++) {
      const c = pos[i]! < n[i]! ? sorted[i]![pos[i]!]! : undefined;
      if (c !== undefined && (v === undefined || c < v)) v = c;
    }
    if (v === undefined) break;
    let lj = 0;
    let remaining = false;
    for (let i = 0; i < k; i++) {
      const s = sorted[i]!;
      const start = pos[i]!;
      let p = start;
      while (p < n[i]! && s[p] === v) p++;
      pos[i] = p;
      eq[i] = p - start;
      lj += p - start;
      if (p < n[i]!) remaining = true;
    }
    distinct++;
    if (midrank) {
      const bj = below + lj / 2;
      const denom = bj * (N - bj) - (N * lj) / 4;
      for (let i = 0; i < k; i++) {
        const mij = pos[i]! - eq[i]! / 2;
        inner[i]! += ((lj / N) * (N * mij - bj * n[i]!) ** 2) / denom;
      }
    } else if (remaining) {
      // Right-continuous version (eq. 6) runs over Z* without its last value.
      const bj = below + lj;
      for (let i = 0; i < k; i++) inner[i]! += ((lj / N) * (N * pos[i]! - bj * n[i]!) ** 2) / (bj * (N - bj));
    }
    below += lj;
  }
  if (distinct < 2) return nan('all observations are identical');
  if (N < 4) return nan(`N = ${N} pooled observations: the variance of the statistic is undefined below 4`);
  let a2kn = 0;
  for (let i = 0; i < k; i++) a2kn += inner[i]! / n[i]!;
  if (midrank) a2kn *= (N - 1) / N;

  const H = n.reduce((acc, ni) => acc + 1 / ni, 0);
  // h = Σ_{i=1}^{N−1} 1/i and g = Σ_{i<j<N} 1/((N−i)·j), accumulated as SciPy's cumsum does.
  let cs = 0;
  let g = 0;
  for (let i = N - 1, idx = 0; i > 1; i--, idx++) {
    cs += 1 / i;
    g += cs / (idx + 2);
  }
  const h = cs + 1;
  const a = (4 * g - 6) * (k - 1) + (10 - 6 * g) * H;
  const b = (2 * g - 4) * k * k + 8 * h * k + (2 * g - 14 * h - 4) * H - 8 * h + 4 * g - 6;
  const c = (6 * h + 2 * g - 2) * k * k + (4 * h - 4 * g + 6) * k + (2 * h - 6) * H + 4 * h;
  const d = (2 * h + 6) * k * k - 4 * h * k;
  const sigmasq = (a * N ** 3 + b * N ** 2 + c * N + d) / ((N - 1) * (N - 2) * (N - 3));
  const statistic = (a2kn - m) / Math.sqrt(sigmasq);

  const cmin = Math.min(...criticalValues);
  const cmax = Math.max(...criticalValues);
  if (statistic < cmin) return { ...base, statistic, pValue: 0.25, pValueBound: 'lower', reason: 'p-value capped: true value larger than 0.25' };
  if (statistic > cmax) return { ...base, statistic, pValue: 0.001, pValueBound: 'upper', reason: 'p-value floored: true value smaller than 0.001' };
  const [c2, c1, c0] = quadraticFit(criticalValues, SIG.map(Math.log));
  return { ...base, statistic, pValue: Math.exp((c2 * statistic + c1) * statistic + c0) };
}

/** Least-squares quadratic y ≈ c2·x² + c1·x + c0 via Householder QR (as np.polyfit, without its rcond). */
function quadraticFit(x: readonly number[], y: readonly number[]): [number, number, number] {
  const rows = x.length;
  // Columns scaled like np.polyfit does, to keep the Vandermonde matrix well conditioned.
  const A = x.map((xi) => [xi * xi, xi, 1]);
  const scale = [0, 1, 2].map((j) => Math.sqrt(A.reduce((s, r) => s + r[j]! ** 2, 0)));
  for (const r of A) for (let j = 0; j < 3; j++) r[j]! /= scale[j]!;
  const bvec = y.slice();
  for (let j = 0; j < 3; j++) {
    let norm = 0;
    for (let i = j; i < rows; i++) norm += A[i]![j]! ** 2;
    norm = Math.sqrt(norm);
    const alpha = A[j]![j]! > 0 ? -norm : norm;
    const v = new Array<number>(rows).fill(0);
    for (let i = j; i < rows; i++) v[i] = A[i]![j]!;
    v[j]! -= alpha;
    const vv = v.reduce((s, vi) => s + vi * vi, 0);
    if (vv === 0) continue;
    for (let col = j; col < 3; col++) {
      let dot = 0;
      for (let i = j; i < rows; i++) dot += v[i]! * A[i]![col]!;
      for (let i = j; i < rows; i++) A[i]![col]! -= (2 * dot * v[i]!) / vv;
    }
    let dot = 0;
    for (let i = j; i < rows; i++) dot += v[i]! * bvec[i]!;
    for (let i = j; i < rows; i++) bvec[i]! -= (2 * dot * v[i]!) / vv;
  }
  const coef = [0, 0, 0];
  for (let j = 2; j >= 0; j--) {
    let s = bvec[j]!;
    for (let col = j + 1; col < 3; col++) s -= A[j]![col]! * coef[col]!;
    coef[j] = s / A[j]![j]!;
  }
  return [coef[0]! / scale[0]!, coef[1]! / scale[1]!, coef[2]! / scale[2]!];
}
