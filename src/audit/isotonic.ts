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
  return fitIsotonicSorted(sortedPairs(x, y, order), weight ? Float64Array.from(weight) : undefined);
}

interface BlockStack {
  value: Float64Array;
  mass: Float64Array;
  first: Float64Array;
  last: Float64Array;
  /** The blocks' first and last x with their values, in order (two per block at most). */
  knotX: Float64Array;
  knotY: Float64Array;
}

/** The pool-adjacent-violators stack, kept between fits: a bootstrap refits hundreds of times on the same rows. */
let stack = blockStack(0);

function blockStack(m: number): BlockStack {
  return { value: new Float64Array(m), mass: new Float64Array(m), first: new Float64Array(m), last: new Float64Array(m), knotX: new Float64Array(2 * m), knotY: new Float64Array(2 * m) };
}

/**
 * fitIsotonic on pairs already in ascending order of x; `weight[i]` weighs the pair of row i (pair t is row
 * `pairs.order[t]`; default 1), so that a bootstrap passes its resample counts as they are.
 */
export function fitIsotonicSorted(pairs: SortedPairs, weight?: Float64Array): IsotonicFit {
  const { x, y, order } = pairs;
  const m = x.length;
  if (stack.value.length < m) stack = blockStack(m);
  // Pool adjacent violators in one pass: a stack of blocks (value, weight, first and last x), fed with each run of
  // tied x once it is pooled (weighted mean of its y).
  let top = -1;
  let tieX = NaN;
  let tieY = 0;
  let tieW = 0;
  for (let t = 0; t < m; t++) {
    const w = weight ? weight[order[t]!]! : 1;
    const yi = y[t]!;
    if (!(w > 0) || yi !== yi) continue;
    const xi = x[t]!;
    if (xi === tieX) {
      tieY = (tieY * tieW + yi * w) / (tieW + w);
      tieW += w;
      continue;
    }
    if (tieW > 0) top = pushBlock(stack, top, tieY, tieW, tieX);
    tieX = xi;
    tieY = yi;
    tieW = w;
  }
  if (tieW > 0) top = pushBlock(stack, top, tieY, tieW, tieX);
  // Knots: each block's first and last x, less those inside a run of equal values (scikit-learn's X_thresholds_
  // drop them too). Interpolating across such a run gives the same value bit for bit (y + t·0), and fewer knots make
  // every prediction shorter: binary outcomes give a few hundred levels from 100k rows, not a knot per block.
  const { value, first, last, knotX, knotY } = stack;
  let all = 0;
  for (let b = 0; b <= top; b++) {
    knotX[all] = first[b]!;
    knotY[all++] = value[b]!;
    if (last[b]! !== first[b]!) {
      knotX[all] = last[b]!;
      knotY[all++] = value[b]!;
    }
  }
  const inRun = (j: number) => j > 0 && j < all - 1 && knotY[j] === knotY[j - 1] && knotY[j] === knotY[j + 1];
  let kept = 0;
  for (let j = 0; j < all; j++) if (!inRun(j)) kept++;
  const kx = new Float64Array(kept);
  const ky = new Float64Array(kept);
  for (let j = 0, at = 0; j < all; j++) {
    if (inRun(j)) continue;
    kx[at] = knotX[j]!;
    ky[at++] = knotY[j]!;
  }
  return withBuckets(kx, ky);
}

/** Push a block above `top` and merge it down while it violates the order; returns the new top. */
function pushBlock(s: BlockStack, top: number, v: number, w: number, at: number): number {
  const { value, mass, first, last } = s;
  value[++top] = v;
  mass[top] = w;
  first[top] = last[top] = at;
  while (top > 0 && value[top - 1]! > value[top]!) {
    const merged = mass[top - 1]! + mass[top]!;
    value[top - 1] = (value[top - 1]! * mass[top - 1]! + value[top]! * mass[top]!) / merged;
    mass[top - 1] = merged;
    last[top - 1] = last[top]!;
    top--;
  }
  return top;
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
