import { stableArgsortFloat64 } from '../stats/argsort.js';

/**
 * Isotonic (non-decreasing) least-squares regression by pool-adjacent-violators, as scikit-learn's
 * IsotonicRegression(out_of_bounds='clip'): equal x values are pooled first (weighted mean of their y), the fit is
 * a step function on the distinct x, and prediction interpolates linearly between knots and clips outside them.
 */
export interface IsotonicFit {
  /** Knots, strictly ascending: the first and last x of each pooled block. */
  x: Float64Array;
  /** Fitted value at each knot, non-decreasing. */
  y: Float64Array;
  /**
   * Where to start looking for a value's knot interval: `start[b]` is the last knot below bucket b of
   * [x₀, x_last] cut into `start.length` equal buckets (see predictIsotonic). Built with the fit, so a
   * prediction costs a step or two instead of a binary search over every knot.
   */
  start: Int32Array;
  bucketScale: number;
}

/** Indices of x in ascending order, ties in index order (NaN left out): pass to fitIsotonic to refit without sorting. */
export function ascendingOrder(x: ArrayLike<number>): Int32Array {
  return stableArgsortFloat64(Float64Array.from(x));
}

/**
 * x and y gathered in ascending order of x (`order` = ascendingOrder(x)), so that refits under many weightings
 * (a bootstrap) walk memory in order: see fitIsotonicSorted.
 */
export interface SortedPairs {
  order: Int32Array;
  x: Float64Array;
  y: Float64Array;
}

export function sortedPairs(x: ArrayLike<number>, y: ArrayLike<number>, order: Int32Array = ascendingOrder(x)): SortedPairs {
  const m = order.length;
  const xs = new Float64Array(m);
  const ys = new Float64Array(m);
  for (let t = 0; t < m; t++) {
    xs[t] = x[order[t]!]!;
    ys[t] = y[order[t]!]!;
  }
  return { order, x: xs, y: ys };
}

/**
 * Fit on (x, y) pairs with optional weights (a bootstrap passes resample counts; weight 0 leaves a row out);
 * inputs are not mutated. NaN rows are ignored. `order` is ascendingOrder(x), computed here when absent.
 */
export function fitIsotonic(x: ArrayLike<number>, y: ArrayLike<number>, weight?: ArrayLike<number>, order: Int32Array = ascendingOrder(x)): IsotonicFit {
  const pairs = sortedPairs(x, y, order);
  return fitIsotonicSorted(pairs, weight ? Float64Array.from(order, (i) => weight[i]!) : undefined);
}

/** fitIsotonic on pairs already in ascending order of x; `sortedWeight[t]` weighs pair t (default 1). */
export function fitIsotonicSorted(pairs: SortedPairs, sortedWeight?: Float64Array): IsotonicFit {
  const { x, y } = pairs;
  const m = x.length;
  const xs = new Float64Array(m);
  const ys = new Float64Array(m);
  const ws = new Float64Array(m);
  let len = 0;
  for (let t = 0; t < m; t++) {
    const w = sortedWeight ? sortedWeight[t]! : 1;
    const yi = y[t]!;
    if (!(w > 0) || yi !== yi) continue;
    if (len > 0 && xs[len - 1] === x[t]) {
      // Pool ties in x.
      ys[len - 1] = (ys[len - 1]! * ws[len - 1]! + yi * w) / (ws[len - 1]! + w);
      ws[len - 1]! += w;
    } else {
      xs[len] = x[t]!;
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
  // knots make every prediction shorter (scikit-learn drops the same redundant points).
  let knots = 0;
  for (let b = 0; b <= top; b++) knots += size[b]! > 1 ? 2 : 1;
  const kx = new Float64Array(knots);
  const ky = new Float64Array(knots);
  let at = 0;
  let j = 0;
  for (let b = 0; b <= top; b++) {
    kx[j] = xs[at]!;
    ky[j++] = value[b]!;
    if (size[b]! > 1) {
      kx[j] = xs[at + size[b]! - 1]!;
      ky[j++] = value[b]!;
    }
    at += size[b]!;
  }
  return withBuckets(kx, ky);
}

const MAX_BUCKETS = 1 << 16;

/**
 * The bucket index of a fit: a value v inside (x₀, x_last) falls in bucket ⌊(v − x₀)·scale⌋, a non-decreasing
 * function of v, so every knot of a lower bucket is below v and every knot of a higher bucket above it: v's
 * interval starts at or after the last knot of the lower buckets and ends at or before the first knot of the higher ones.
 */
function withBuckets(x: Float64Array, y: Float64Array): IsotonicFit {
  const n = x.length;
  const buckets = n < 2 ? 1 : Math.min(MAX_BUCKETS, 2 ** Math.ceil(Math.log2(2 * n)));
  const span = n < 2 ? 0 : x[n - 1]! - x[0]!;
  const bucketScale = span > 0 && Number.isFinite(buckets / span) ? buckets / span : 0;
  const start = new Int32Array(buckets);
  let k = 0;
  for (let b = 0; b < buckets; b++) {
    // Knots whose bucket is below b: the last of them starts b's scan (knot 0 is always below any inner value).
    while (k + 1 < n && bucketOf(x[k + 1]!, x[0]!, bucketScale, buckets) < b) k++;
    start[b] = k;
  }
  return { x, y, start, bucketScale };
}

function bucketOf(v: number, x0: number, scale: number, buckets: number): number {
  return Math.min(buckets - 1, Math.floor((v - x0) * scale));
}

/** Evaluate the fit: linear interpolation between knots, clipped to the end values outside them. */
export function predictIsotonic(fit: IsotonicFit, v: number): number {
  const { x, y, start } = fit;
  const n = x.length;
  if (n === 0) return NaN;
  if (v <= x[0]!) return y[0]!;
  if (v >= x[n - 1]!) return y[n - 1]!;
  if (v !== v) return NaN;
  // The last knot at or below v (unique: knots are strictly ascending), by binary search between the last knot of
  // the lower buckets (at or below v) and the first knot of the higher ones (above v): a step or two where knots are
  // spread out, never more than a search over every knot where they crowd into one bucket.
  const b = bucketOf(v, x[0]!, fit.bucketScale, start.length);
  let lo = start[b]!;
  let hi = b + 1 < start.length ? Math.min(n - 1, start[b + 1]! + 1) : n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid]! <= v) lo = mid;
    else hi = mid;
  }
  const t = (v - x[lo]!) / (x[hi]! - x[lo]!);
  return y[lo]! + t * (y[hi]! - y[lo]!);
}
