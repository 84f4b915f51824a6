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
  // u = nx·Σ(rank(x_i) − i)² + ny·Σ(rank(y_j) − j)², ranks averaged over ties in the pooled sample.
  let sx = 0;
  let sy = 0;
  forEachTieGroup(xs, ys, (_v, cx, cy, xBefore, yBefore) => {
    const avg = xBefore + yBefore + (cx + cy + 1) / 2;
    for (let t = 1; t <= cx; t++) sx += (avg - (xBefore + t)) ** 2;
    for (let t = 1; t <= cy; t++) sy += (avg - (yBefore + t)) ** 2;
  });
  return cvmFromRankSums(xs.length, ys.length, sx, sy, options);
}

/** The test from the two rank-deviation sums (split out so a fused walk over a sorted pair can supply them). */
export function cvmFromRankSums(nx: number, ny: number, sx: number, sy: number, options: { method?: CvmMethod } = {}): CvmResult {
  const requested = options.method ?? 'auto';
  let method: 'exact' | 'asymptotic' = requested === 'auto' ? (Math.max(nx, ny) > AUTO_EXACT_MAX_N ? 'asymptotic' : 'exact') : requested;
  if (nx < 2 || ny < 2) {
    return { method, statistic: NaN, pValue: NaN, n1: nx, n2: ny, reason: 'each sample needs at least two observations' };
  }
  const u = nx * sx + ny * sy;
  const k = nx * ny;
  const N = nx + ny;
  const statistic = u / (k * N) - (4 * k - 1) / (6 * N);
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
