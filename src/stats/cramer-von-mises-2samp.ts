/**
 * Two-sample Cramér–von Mises test, as `scipy.stats.cramervonmises_2samp`: 'exact' enumerates the null
 * distribution (Xiao, Gordon & Yakovlev 2006), 'asymptotic' uses the limiting distribution (Csörgő & Faraway
 * 1996) with SciPy's series truncation; 'auto' is exact iff max(n1, n2) <= 20. SciPy raises when a sample has
 * fewer than two values; we return NaN statistic and p-value with a reason.
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import { besselK } from './bessel-k.js';
import { gcd } from './gcd.js';
import type { Sample } from './sample.js';
import { forEachTieGroup, sortPair, type SortedPair } from './sorted-pair.js';

export type CvmMethod = 'auto' | 'exact' | 'asymptotic';

export interface CvmResult {
  method: 'exact' | 'asymptotic';
  statistic: number;
  pValue: number;
  n1: number;
  n2: number;
  reason?: string;
}

// SciPy's 'auto' rule: exact iff max(n1, n2) <= 20.
const AUTO_EXACT_MAX_N = 20;
// The exact enumeration keeps up to lcm²·(n1+n2) states per step (≈0.5 s at n = 20 each); a forced 'exact'
// beyond this falls back to asymptotic and says so.
const EXACT_LIMIT_N = 25;

export function cramerVonMises2samp(x: Sample, y: Sample, options: { method?: CvmMethod } = {}): CvmResult {
  return cramerVonMises2sampSorted(sortPair(x, y), options);
}

export function cramerVonMises2sampSorted({ xs, ys }: SortedPair, options: { method?: CvmMethod } = {}): CvmResult {
  // u = nx·Σ(rank(x_i) − i)² + ny·Σ(rank(y_j) − j)², ranks averaged over ties in the pooled sample. Ranks are
  // half-integers at worst, so 4·Σ(…)² = Σ(2·rank − 2i)² is an integer: summed exactly (see exactSumLimit).
  const limit = exactSumLimit(xs.length + ys.length);
  let sx = 0;
  let sxHigh = 0n;
  let sy = 0;
  let syHigh = 0n;
  forEachTieGroup(xs, ys, (_v, cx, cy, xBefore, yBefore) => {
    const avg2 = 2 * (xBefore + yBefore) + cx + cy + 1;
    for (let t = 1; t <= cx; t++) {
      const d = avg2 - 2 * (xBefore + t);
      sx += d * d;
      if (sx >= limit) {
        sxHigh += BigInt(sx);
        sx = 0;
      }
    }
    for (let t = 1; t <= cy; t++) {
      const d = avg2 - 2 * (yBefore + t);
      sy += d * d;
      if (sy >= limit) {
        syHigh += BigInt(sy);
        sy = 0;
      }
    }
  });
  return cvmFromRankSums(xs.length, ys.length, sxHigh + BigInt(sx), syHigh + BigInt(sy), options);
}

/**
 * Where a running double sum of integer terms (each at most (2N)², the largest squared doubled rank gap) must be
 * moved into a BigInt so that it stays exact: below 2^53 every integer is a double. With heavy ties (200k vs 200k,
 * ten distinct values) the rank sums pass 2^53, and the statistic is the difference of two numbers ~1e5 apart
 * from it, so a rounded sum cost 9e-7 relative; exact sums leave one rounding in the final division.
 * Beyond N ≈ 4.7e7 a single term can exceed 2^53 (then each term is flushed, rounded once: still 1e-16 relative).
 */
export function exactSumLimit(n: number): number {
  return Math.max(0, 2 ** 53 - 4 * n * n);
}

/**
 * The test from the two rank-deviation sums, each given ×4 as an exact integer (split out so a fused walk over a
 * sorted pair can supply them): sx4 = Σ(2·rank(x_i) − 2i)², sy4 likewise.
 */
export function cvmFromRankSums(nx: number, ny: number, sx4: bigint, sy4: bigint, options: { method?: CvmMethod } = {}): CvmResult {
  const requested = options.method ?? 'auto';
  let method: 'exact' | 'asymptotic' = requested === 'auto' ? (Math.max(nx, ny) > AUTO_EXACT_MAX_N ? 'asymptotic' : 'exact') : requested;
  if (nx < 2 || ny < 2) {
    return { method, statistic: NaN, pValue: NaN, n1: nx, n2: ny, reason: 'each sample needs at least two observations' };
  }
  const k = nx * ny;
  const N = nx + ny;
  // T = u/(kN) − (4k − 1)/(6N) = (6·4u − 4k(4k − 1)) / (24kN), numerator and denominator exact in BigInt.
  const u4 = BigInt(nx) * sx4 + BigInt(ny) * sy4;
  const bigK = BigInt(k);
  const statistic = Number(6n * u4 - 4n * bigK * (4n * bigK - 1n)) / Number(24n * bigK * BigInt(N));
  const u = Number(u4) / 4;
  let reason: string | undefined;
  if (method === 'exact' && Math.max(nx, ny) > EXACT_LIMIT_N) {
    method = 'asymptotic';
    reason = `exact distribution too costly for n1=${nx}, n2=${ny}; used asymptotic`;
  }
  let pValue: number;
  if (method === 'exact') {
    pValue = cvmExactSf(u, nx, ny);
  } else {
    const et = (1 + 1 / N) / 6;
    const vt = ((N + 1) * (4 * k * N - 3 * (nx * nx + ny * ny) - 2 * k)) / (45 * N * N * 4 * k);
    const tn = 1 / 6 + (statistic - et) / Math.sqrt(45 * vt);
    pValue = tn < 0.003 ? 1 : Math.max(0, 1 - cvmLimitCdf(tn));
  }
  const result: CvmResult = { method, statistic, pValue, n1: nx, n2: ny };
  if (reason !== undefined) result.reason = reason;
  return result;
}

/** Limiting CDF of the CvM statistic; terms are added until one drops below 1e-7, exactly as SciPy does. */
export function cvmLimitCdf(x: number): number {
  let total = 0;
  for (let k = 0; ; k++) {
    const u = Math.exp(gammaln(k + 0.5) - gammaln(k + 1)) / (Math.PI ** 1.5 * Math.sqrt(x));
    const y = 4 * k + 1;
    const q = (y * y) / (16 * x);
    const z = u * Math.sqrt(y) * Math.exp(-q) * besselK(0.25, q);
    total += z;
    if (!(Math.abs(z) >= 1e-7)) break;
  }
  return total;
}

/** Pr(U >= u) under H0 by enumerating the distribution of the rank statistic (SciPy's _pval_cvm_2samp_exact). */
export function cvmExactSf(s: number, m: number, n: number): number {
  const lcm = (m / gcd(m, n)) * n;
  const a = lcm / m;
  const b = lcm / n;
  const mn = m * n;
  const zeta = Math.floor((lcm * lcm * (m + n) * (6 * s - mn * (4 * mn - 1))) / (6 * mn * mn));
  // gs[v]: map from partial statistic value to number of paths, for paths that used v of the m x-steps.
  let gs: Map<number, number>[] = [new Map([[0, 1]])];
  for (let v = 1; v <= m; v++) gs.push(new Map());
  for (let u = 0; u <= n; u++) {
    const next: Map<number, number>[] = [];
    let tmp = new Map<number, number>();
    for (let v = 0; v <= m; v++) {
      const merged = new Map(tmp);
      for (const [val, f] of gs[v]!) merged.set(val, (merged.get(val) ?? 0) + f);
      const shift = (a * v - b * u) ** 2;
      tmp = new Map();
      for (const [val, f] of merged) tmp.set(val + shift, f);
      next.push(tmp);
    }
    gs = next;
  }
  let hits = 0;
  let total = 0;
  for (const [val, f] of gs[m]!) {
    total += f;
    if (val >= zeta) hits += f;
  }
  return hits / total;
}
