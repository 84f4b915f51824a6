/**
 * Exact binomial tails, as `scipy.stats.binom.cdf` / `binom.sf`: P(X ≤ k) and P(X ≥ k) for X ~ Binomial(n, p).
 * The smaller tail is summed from its inner end outward with Loader's pmf (binomial-log-pmf.ts), so a tail of
 * 1e-200 keeps its relative accuracy (1 − cdf would not); the larger one is 1 minus the smaller. Terms fall
 * geometrically away from the mean, so the sum stops after O(√(npq)) terms once the rest cannot matter.
 * As a test, "reject when the tail ≤ α" errs at most at rate α (the discrete tail is conservative).
 */
import { binomialLogPmf } from './binomial-log-pmf.js';

function assertBinomial(k: number, n: number, p: number): void {
  if (!(Number.isInteger(n) && n >= 0 && p >= 0 && p <= 1 && Number.isInteger(k))) {
    throw new RangeError(`binomial tail needs integer k, integer n ≥ 0 and 0 ≤ p ≤ 1; got k ${k}, n ${n}, p ${p}`);
  }
}

/** Σ pmf(x) from x = from outward by `step` (−1: down to 0, +1: up to n); `from` must lie on its side of np. */
function tailSum(from: number, step: -1 | 1, n: number, p: number): number {
  const q = 1 - p;
  let sum = 0;
  for (let x = from; x >= 0 && x <= n; x += step) {
    const term = Math.exp(binomialLogPmf(x, n, p, q));
    sum += term;
    // pmf(next)/pmf(x) only shrinks further out, so the rest is below term·r/(1 − r).
    const r = step < 0 ? (x * q) / ((n - x + 1) * p) : ((n - x) * p) / ((x + 1) * q);
    if (r < 1 && (term * r) / (1 - r) <= 1e-17 * sum) break;
  }
  return sum;
}

/** P(X ≤ k), X ~ Binomial(n, p). */
export function binomialCdf(k: number, n: number, p: number): number {
  assertBinomial(k, n, p);
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p === 0) return 1;
  if (p === 1) return 0;
  return k <= n * p ? tailSum(k, -1, n, p) : Math.max(0, 1 - tailSum(k + 1, 1, n, p));
}

/** P(X ≥ k), X ~ Binomial(n, p). */
export function binomialSf(k: number, n: number, p: number): number {
  assertBinomial(k, n, p);
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p === 0) return 0;
  if (p === 1) return 1;
  return k >= n * p ? tailSum(k, 1, n, p) : Math.max(0, 1 - tailSum(k - 1, -1, n, p));
}
