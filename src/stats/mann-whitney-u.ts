/**
 * Mann–Whitney U test, two-sided, as `scipy.stats.mannwhitneyu`: statistic is U of x; 'asymptotic' is the
 * tie-corrected normal approximation (with continuity correction unless `continuity: false`); 'exact' uses the
 * exact null distribution of U; 'auto' is asymptotic if both samples exceed 8 or there are ties, else exact.
 * The exact distribution costs O(n1·n2·U); past EXACT_BUDGET it falls back to asymptotic and says so.
 */
import { normSf } from './norm-sf.js';
import type { Sample } from './sample.js';
import { forEachTieGroup, sortPair, type SortedPair } from './sorted-pair.js';

export type MwuMethod = 'auto' | 'exact' | 'asymptotic';

export interface MwuResult {
  method: 'exact' | 'asymptotic';
  alternative: 'two-sided';
  statistic: number;
  pValue: number;
  n1: number;
  n2: number;
  reason?: string;
}

export interface MwuOptions {
  method?: MwuMethod;
  continuity?: boolean;
}

const EXACT_BUDGET = 2e8;

export function mannWhitneyU(x: Sample, y: Sample, options: MwuOptions = {}): MwuResult {
  return mannWhitneyUSorted(sortPair(x, y), options);
}

export function mannWhitneyUSorted({ xs, ys }: SortedPair, options: MwuOptions = {}): MwuResult {
  const n1 = xs.length;
  const n2 = ys.length;
  const n = n1 + n2;
  let r1 = 0;
  let tieTerm = 0;
  let ties = false;
  forEachTieGroup(xs, ys, (_v, cx, cy, xBefore, yBefore) => {
    const t = cx + cy;
    if (t > 1) ties = true;
    r1 += cx * (xBefore + yBefore + (t + 1) / 2);
    tieTerm += t * t * t - t;
  });
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const u = Math.max(u1, u2);
  const requested = options.method ?? 'auto';
  let method: 'exact' | 'asymptotic' =
    requested === 'auto' ? ((n1 > 8 && n2 > 8) || ties ? 'asymptotic' : 'exact') : requested;
  let reason: string | undefined;
  if (method === 'exact') {
    const k = n1 * n2 - Math.trunc(u);
    if (n1 * n2 * (k + 1) > EXACT_BUDGET) {
      method = 'asymptotic';
      reason = `exact distribution of U too costly for n1=${n1}, n2=${n2}; used asymptotic`;
    } else {
      const p = Math.min(1, Math.max(0, 2 * mwuCdf(k, Math.max(n1, n2), Math.min(n1, n2))));
      const result: MwuResult = { method, alternative: 'two-sided', statistic: u1, pValue: p, n1, n2 };
      if (ties) result.reason = 'exact distribution assumes no ties; samples have ties';
      return result;
    }
  }
  const mu = (n1 * n2) / 2;
  const s = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  let numerator = u - mu;
  if (options.continuity ?? true) numerator -= 0.5;
  const z = numerator / s;
  const pValue = Math.min(1, Math.max(0, 2 * normSf(z)));
  const result: MwuResult = { method, alternative: 'two-sided', statistic: u1, pValue, n1, n2 };
  if (s === 0) result.reason = 'all values are tied: U carries no information';
  else if (reason !== undefined) result.reason = reason;
  return result;
}

/**
 * Pr(U <= k) under H0 for sample sizes m, n, by the recursion on probabilities
 * P(i, j, u) = i/(i+j)·P(i−1, j, u−j) + j/(i+j)·P(i, j−1, u) — counts would overflow, probabilities cannot.
 * The distribution is symmetric in (m, n); pass n <= m to keep the two (n+1)×(k+1) layers small.
 */
export function mwuCdf(k: number, m: number, n: number): number {
  const K = k + 1;
  // layer[j][u] for the current i; prev for i − 1.
  let prev: Float64Array[] = [];
  for (let j = 0; j <= n; j++) {
    const row = new Float64Array(K);
    row[0] = 1; // with no x values U = 0 surely
    prev.push(row);
  }
  for (let i = 1; i <= m; i++) {
    const cur: Float64Array[] = [];
    const row0 = new Float64Array(K);
    row0[0] = 1; // with no y values U = 0 surely
    cur.push(row0);
    for (let j = 1; j <= n; j++) {
      const row = new Float64Array(K);
      const a = i / (i + j);
      const b = j / (i + j);
      const up = prev[j]!;
      const left = cur[j - 1]!;
      for (let u = 0; u < K; u++) row[u] = (u >= j ? a * up[u - j]! : 0) + b * left[u]!;
      cur.push(row);
    }
    prev = cur;
  }
  const pmf = prev[n]!;
  let cdf = 0;
  for (let u = 0; u < K; u++) cdf += pmf[u]!;
  return cdf;
}
