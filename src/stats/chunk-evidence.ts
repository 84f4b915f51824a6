/**
 * Evidence over time: per-chunk statistics (e.g. the operational − baseline accuracy difference of each time
 * chunk, with its standard error) combined into one test with its own α, so that a persistent moderate decline
 * that no single chunk shows at α reaches a decision, and evidence adds up across runs.
 *
 * - stoufferTest: inverse-variance weighted z (fixed-effect meta-analysis; Stouffer with weights 1/se). Under
 *   "no change in any chunk" with independent, approximately normal chunk estimates, Z ~ N(0, 1): rejecting at
 *   p ≤ α errs at rate α. Checked against scipy.stats.combine_pvalues(method='stouffer', weights).
 * - chunkTTest: one-sample t over the chunk estimates (each chunk one observation): valid when chunk effects vary
 *   (heterogeneity the z above ignores) at the price of k − 1 degrees of freedom. Checked against
 *   scipy.stats.ttest_1samp.
 * - cusumTest: one-sided CUSUM of the standardized chunk statistics, S_t = max(0, S_{t−1} + x_t − k), with the
 *   exact false-alarm probability P(max_{t ≤ T} S_t ≥ h) under i.i.d. N(0, 1) chunks computed by a Nyström
 *   (Gauss–Legendre) solution of the CUSUM's integral recursion: the p-value of the observed maximum, and the
 *   threshold h for a stated false-alarm rate over T chunks (cusumThreshold). Checked against an independent
 *   SciPy quadrature and a Monte Carlo run.
 * - mergeChunkHistory: per-chunk figures of earlier runs and this one, each time window counted once.
 * All tests take `alternative` relative to 0: 'less' = the chunk statistic is below 0 (e.g. performance fell).
 */
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import { normSf } from './norm-sf.js';

export interface ChunkStatistic {
  /** The chunk's estimate, e.g. operational − baseline accuracy (negative = worse). */
  estimate: number;
  /** Its standard error (> 0). */
  standardError: number;
}

export type ChunkAlternative = 'less' | 'greater' | 'two-sided';

export interface ChunkTestResult {
  method: string;
  alternative: ChunkAlternative;
  statistic: number;
  pValue: number;
  /** The combined estimate (weighted or plain mean) and its standard error. */
  estimate: number;
  standardError: number;
  chunks: number;
  df?: number;
}

function zTail(z: number, alternative: ChunkAlternative): number {
  if (alternative === 'less') return normSf(-z);
  if (alternative === 'greater') return normSf(z);
  return Math.min(1, 2 * normSf(Math.abs(z)));
}

/** Inverse-variance weighted z over chunks: Z = Σ(e/se²) / √Σ(1/se²). Chunks without a positive, finite se are skipped. */
export function stoufferTest(chunks: readonly ChunkStatistic[], alternative: ChunkAlternative = 'less'): ChunkTestResult {
  let sw = 0;
  let swe = 0;
  let k = 0;
  for (const c of chunks) {
    if (!(c.standardError > 0 && Number.isFinite(c.standardError) && Number.isFinite(c.estimate))) continue;
    const w = 1 / (c.standardError * c.standardError);
    sw += w;
    swe += w * c.estimate;
    k++;
  }
  const method = 'inverse-variance weighted z over chunks (Stouffer)';
  if (k === 0) return { method, alternative, statistic: NaN, pValue: NaN, estimate: NaN, standardError: NaN, chunks: 0 };
  const statistic = swe / Math.sqrt(sw);
  return { method, alternative, statistic, pValue: zTail(statistic, alternative), estimate: swe / sw, standardError: 1 / Math.sqrt(sw), chunks: k };
}

/** One-sample t over the chunk estimates against 0 (fewer than two chunks, or no spread: p = NaN). */
export function chunkTTest(estimates: readonly number[], alternative: ChunkAlternative = 'less'): ChunkTestResult {
  const x = estimates.filter(Number.isFinite);
  const k = x.length;
  const method = 'one-sample t over chunks';
  const mean = k ? x.reduce((a, b) => a + b, 0) / k : NaN;
  let ss = 0;
  for (const v of x) ss += (v - mean) ** 2;
  const se = k > 1 ? Math.sqrt(ss / (k - 1) / k) : NaN;
  if (!(se > 0)) return { method, alternative, statistic: NaN, pValue: NaN, estimate: mean, standardError: se, chunks: k, df: k - 1 };
  const t = mean / se;
  const df = k - 1;
  const lower = tCdf(t, df);
  const upper = tCdf(-t, df);
  const pValue = alternative === 'less' ? lower : alternative === 'greater' ? upper : Math.min(1, 2 * Math.min(lower, upper));
  return { method, alternative, statistic: t, pValue, estimate: mean, standardError: se, chunks: k, df };
}

/** Gauss–Legendre nodes and weights on [a, b] (Newton on P_m; Numerical Recipes' gauleg). */
function gaussLegendre(m: number, a: number, b: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(m);
  const w = new Float64Array(m);
  const mid = (a + b) / 2;
  const half = (b - a) / 2;
  for (let i = 0; i < Math.ceil(m / 2); i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (m + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p1 = 1;
      let p2 = 0;
      for (let j = 1; j <= m; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
      }
      dp = (m * (z * p1 - p2)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-15) break;
    }
    x[i] = mid - half * z;
    x[m - 1 - i] = mid + half * z;
    w[i] = w[m - 1 - i] = (2 * half) / ((1 - z * z) * dp * dp);
  }
  return { x, w };
}

const phi = (v: number) => Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI);
const Phi = (v: number) => normSf(-v);

/**
 * P(max_{t ≤ steps} S_t ≥ h) for S_0 = 0, S_t = max(0, S_{t−1} + X_t − k), X_t i.i.d. N(0, 1): the false-alarm
 * probability of a CUSUM with reference value k and threshold h over `steps` chunks. S_t's law on [0, h) is an
 * atom at 0 plus a smooth density, carried forward by Gauss–Legendre quadrature (error far below 1e-10 with
 * ≥ 12 nodes per unit of h).
 */
export function cusumFalseAlarm(h: number, k: number, steps: number): number {
  if (!(h > 0)) return steps > 0 ? 1 : 0;
  if (steps <= 0) return 0;
  const m = Math.max(48, Math.ceil(12 * h));
  const { x, w } = gaussLegendre(m, 0, h);
  // Kernel K[i][j] = φ(x_i − x_j + k): density of moving from x_j to x_i; toZero[j] = Φ(k − x_j).
  const kernel = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) kernel[i * m + j] = phi(x[i]! - x[j]! + k) * w[j]!;
  const toZero = Float64Array.from(x, (s, j) => Phi(k - s) * w[j]!);
  const fromZero = Float64Array.from(x, (y) => phi(y + k));
  const stayZero = Phi(k);
  let atom = 1;
  let g = new Float64Array(m);
  let next = new Float64Array(m);
  for (let t = 0; t < steps; t++) {
    let nextAtom = atom * stayZero;
    for (let j = 0; j < m; j++) nextAtom += g[j]! * toZero[j]!;
    for (let i = 0; i < m; i++) {
      let s = atom * fromZero[i]!;
      for (let j = 0; j < m; j++) s += kernel[i * m + j]! * g[j]!;
      next[i] = s;
    }
    atom = nextAtom;
    [g, next] = [next, g];
  }
  let survive = atom;
  for (let j = 0; j < m; j++) survive += w[j]! * g[j]!;
  return Math.min(1, Math.max(0, 1 - survive));
}

/** The CUSUM threshold h whose false-alarm probability over `steps` chunks is `alpha` (bisection to 1e-9). */
export function cusumThreshold(alpha: number, k: number, steps: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must lie in (0, 1); got ${alpha}`);
  let lo = 0;
  let hi = 1;
  while (cusumFalseAlarm(hi, k, steps) > alpha) hi *= 2;
  while (hi - lo > 1e-9 * hi) {
    const mid = (lo + hi) / 2;
    if (cusumFalseAlarm(mid, k, steps) > alpha) lo = mid;
    else hi = mid;
  }
  return hi;
}

export interface CusumResult {
  method: 'one-sided CUSUM of standardized chunk statistics';
  alternative: 'less' | 'greater';
  /** max_t S_t. */
  statistic: number;
  /** P(max S ≥ statistic) over as many N(0, 1) chunks: the false-alarm rate of a threshold at the observed maximum. */
  pValue: number;
  /** First chunk (0-based) where S reached its maximum; −1 when it never left 0. */
  peakIndex: number;
  /** The CUSUM path S_1 … S_T. */
  path: Float64Array;
  k: number;
  chunks: number;
}

/**
 * CUSUM over standardized chunk statistics z_t (estimate / se): 'less' accumulates −z_t (declines), 'greater' z_t.
 * `k` (default 0.5) is the reference value: the CUSUM is tuned to detect a shift of 2k standard errors per chunk.
 */
export function cusumTest(z: readonly number[], options: { alternative?: 'less' | 'greater'; k?: number } = {}): CusumResult {
  const alternative = options.alternative ?? 'less';
  const k = options.k ?? 0.5;
  const sign = alternative === 'less' ? -1 : 1;
  const values = z.filter(Number.isFinite);
  const path = new Float64Array(values.length);
  let s = 0;
  let max = 0;
  let peakIndex = -1;
  values.forEach((v, t) => {
    s = Math.max(0, s + sign * v - k);
    path[t] = s;
    if (s > max) {
      max = s;
      peakIndex = t;
    }
  });
  const pValue = max > 0 ? cusumFalseAlarm(max, k, values.length) : 1;
  return { method: 'one-sided CUSUM of standardized chunk statistics', alternative, statistic: max, pValue, peakIndex, path, k, chunks: values.length };
}

export interface ChunkRecord extends ChunkStatistic {
  /** The window the chunk covers, [start, end) (epoch ms or row numbers, one convention per series). */
  start: number;
  end: number;
}

/**
 * Per-chunk figures from earlier runs (oldest first) and this run, merged in time order with each window counted
 * once: a chunk overlapping a chunk of a later run is dropped (the later run saw at least as much of it).
 */
export function mergeChunkHistory(runs: readonly (readonly ChunkRecord[])[]): { chunks: ChunkRecord[]; dropped: number } {
  const kept: ChunkRecord[] = [];
  let dropped = 0;
  for (let r = runs.length - 1; r >= 0; r--) {
    const later = kept.slice();
    for (const c of runs[r]!) {
      if (later.some((o) => c.start < o.end && o.start < c.end)) dropped++;
      else kept.push(c);
    }
  }
  kept.sort((a, b) => a.start - b.start || a.end - b.end);
  return { chunks: kept, dropped };
}
