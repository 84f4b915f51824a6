/**
 * Isotonic (non-decreasing) least-squares regression by pool-adjacent-violators, as scikit-learn's
 * IsotonicRegression(out_of_bounds='clip'): equal x values are pooled first (weighted mean of their y), the fit is
 * a step function on the distinct x, and prediction interpolates linearly between knots and clips outside them.
 */
export interface IsotonicFit {
  /** Knots, ascending: the first and last x of each pooled block. */
  x: Float64Array;
  /** Fitted value at each knot, non-decreasing. */
  y: Float64Array;
}

/** Indices of x in ascending order (NaN left out): pass to fitIsotonic to refit under many weightings without sorting. */
export function ascendingOrder(x: ArrayLike<number>): Int32Array {
  return Int32Array.from(
    Array.from({ length: x.length }, (_, i) => i)
      .filter((i) => !Number.isNaN(x[i]!))
      .sort((a, b) => x[a]! - x[b]!),
  );
}

/**
 * Fit on (x, y) pairs with optional weights (a bootstrap passes resample counts; weight 0 leaves a row out);
 * inputs are not mutated. NaN rows are ignored. `order` is ascendingOrder(x), computed here when absent.
 */
export function fitIsotonic(x: ArrayLike<number>, y: ArrayLike<number>, weight?: ArrayLike<number>, order: Int32Array = ascendingOrder(x)): IsotonicFit {
  // Typed buffers throughout: bootstrap refits call this hundreds of times.
  const m = order.length;
  const xs = new Float64Array(m);
  const ys = new Float64Array(m);
  const ws = new Float64Array(m);
  let len = 0;
  for (let t = 0; t < m; t++) {
    const i = order[t]!;
    const w = weight ? weight[i]! : 1;
    const yi = y[i]!;
    if (!(w > 0) || yi !== yi) continue;
    if (len > 0 && xs[len - 1] === x[i]) {
      // Pool ties in x.
      ys[len - 1] = (ys[len - 1]! * ws[len - 1]! + yi * w) / (ws[len - 1]! + w);
      ws[len - 1]! += w;
    } else {
      xs[len] = x[i]!;
      ys[len] = yi;
      ws[len++] = w;
    }
  }
  // Pool adjacent violators: a stack of blocks (value, weight, size).
  const value = new Float64Array(len);
  const mass = new Float64Array(len);
  const size = new Int32Array(len);
  let top = -1;
  for (let i = 0; i < len; i++) {
    value[++top] = ys[i]!;
    mass[top] = ws[i]!;
    size[top] = 1;
    while (top > 0 && value[top - 1]! > value[top]!) {
      const merged = mass[top - 1]! + mass[top]!;
      value[top - 1] = (value[top - 1]! * mass[top - 1]! + value[top]! * mass[top]!) / merged;
      mass[top - 1] = merged;
      size[top - 1]! += size[top]!;
      top--;
    }
  }
  // Keep only each block's first and last x: interpolation between them gives the same function, and far fewer
  // knots make every prediction's binary search shorter (scikit-learn drops the same redundant points).
  const kx: number[] = [];
  const ky: number[] = [];
  let at = 0;
  for (let b = 0; b <= top; b++) {
    kx.push(xs[at]!);
    ky.push(value[b]!);
    if (size[b]! > 1) {
      kx.push(xs[at + size[b]! - 1]!);
      ky.push(value[b]!);
    }
    at += size[b]!;
  }
  return { x: Float64Array.from(kx), y: Float64Array.from(ky) };
}

/** Evaluate the fit: linear interpolation between knots, clipped to the end values outside them. */
export function predictIsotonic(fit: IsotonicFit, v: number): number {
  const { x, y } = fit;
  const n = x.length;
  if (n === 0) return NaN;
  if (v <= x[0]!) return y[0]!;
  if (v >= x[n - 1]!) return y[n - 1]!;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid]! <= v) lo = mid;
    else hi = mid;
  }
  const t = (v - x[lo]!) / (x[hi]! - x[lo]!);
  return y[lo]! + t * (y[hi]! - y[lo]!);
}
