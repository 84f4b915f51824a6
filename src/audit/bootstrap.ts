import type { Mulberry32 } from '../stats/index.js';

/** A two-sided interval at a stated level. */
export interface Interval {
  lo: number;
  hi: number;
}

/**
 * The rows a bootstrap resamples from: all of them, or a seeded subsample of `maxRows` when there are more.
 * Resampling m of n rows spreads the statistic by about sqrt(n/m) more than the full sample would, so callers
 * shrink the replicates' deviations by `scale` = sqrt(m/n) (valid for the smooth statistics used here:
 * proportions, means, F1, ECE).
 */
export function bootstrapBase(rows: Int32Array, maxRows: number, rng: Mulberry32): { rows: Int32Array; scale: number } {
  if (rows.length <= maxRows) return { rows, scale: 1 };
  const copy = Int32Array.from(rows);
  // Partial Fisher–Yates: the first maxRows entries become a uniform subsample without replacement.
  for (let i = 0; i < maxRows; i++) {
    const j = i + Math.floor(rng.nextDouble53() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return { rows: copy.subarray(0, maxRows), scale: Math.sqrt(maxRows / rows.length) };
}

/**
 * One bootstrap replicate: `out.length` draws with replacement from `rows`, written into `out`. This is the hot
 * loop of every interval (n draws × replicates), so the draws come from a xorshift32 stream seeded once per
 * replicate from the caller's generator — deterministic for a seed, and free of per-draw calls (which cost ~30×
 * more under test runners that sandbox globals such as Math).
 */
export function resampleInto(rows: Int32Array, out: Int32Array, rng: Mulberry32): Int32Array {
  let x = rng.nextUint32() | 1;
  const n = rows.length;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = rows[(((x >>> 0) * n) / 4294967296) | 0]!;
  }
  return out;
}

/** Linear-interpolated quantile of an ascending array (NumPy's default). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Percentile interval of bootstrap replicates around the full-sample `estimate`, with the deviations shrunk by
 * `scale` (see bootstrapBase). Replicates that came out NaN (an empty class in a resample) are left out.
 */
export function percentileInterval(replicates: Float64Array, estimate: number, level: number, scale = 1): Interval {
  const finite = Float64Array.from(replicates.filter((v) => Number.isFinite(v))).sort();
  if (finite.length === 0 || !Number.isFinite(estimate)) return { lo: NaN, hi: NaN };
  const a = (1 - level) / 2;
  const center = scale === 1 ? 0 : quantileSorted(finite, 0.5);
  const lo = quantileSorted(finite, a);
  const hi = quantileSorted(finite, 1 - a);
  if (scale === 1) return { lo, hi };
  return { lo: estimate - (center - lo) * scale, hi: estimate + (hi - center) * scale };
}

/** Uniform doubles in [0, 1) from a xorshift32 stream seeded by the caller's generator (for hot loops, as above). */
export function uniformStream(rng: Mulberry32): () => number {
  let x = rng.nextUint32() | 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}
