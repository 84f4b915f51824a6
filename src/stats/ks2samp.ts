/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, matching `scipy.stats.ks_2samp`: 'exact' lattice-path p-value
 * (statistic rounded to h/lcm(n1, n2) as SciPy does), 'asymp' = kstwo.sf(D, round(n1·n2/(n1+n2))), 'auto' =
 * exact iff max(n1, n2) <= 10000. The exact method falls back to asymp when it cannot be computed, and the
 * method actually used is reported.
 */
import { ecdfExtremesBucketed, ecdfExtremesSorted, type KsExtremes } from './ecdf-extremes.js';
import { gcd } from './gcd.js';
import { outerProbInside, probOutsideSquare } from './ks-exact.js';
import { kstwoSf } from './kstwo-sf.js';
import { roundHalfEven } from './round-half-even.js';
import { assertUsableSample, type Sample } from './sample.js';
import { sortedCopy } from './sort.js';
import type { SortedPair } from './sorted-pair.js';

export type { KsExtremes } from './ecdf-extremes.js';

export type KsMethod = 'auto' | 'exact' | 'asymp';

export interface KsResult {
  method: 'exact' | 'asymp';
  alternative: 'two-sided';
  /** sup |F1 − F2|. */
  statistic: number;
  pValue: number;
  /** The value at which the statistic is attained, and whether F1 − F2 is positive (1) or negative (−1) there. */
  statisticLocation: number;
  statisticSign: 1 | -1;
  n1: number;
  n2: number;
  /** Why pValue is NaN, or why the requested method was not used. */
  reason?: string;
}

export interface KsOptions {
  method?: KsMethod;
}

const MAX_AUTO_N = 10000;
const INT32_MAX = 2147483647;
const EXACT_BUDGET = 5e8;

// From this many values in all, counting into cells beats sorting both samples (docs/benchmarks.md).
const BUCKETED_MIN = 1 << 16;

export function ks2samp(x: Sample, y: Sample, options: KsOptions = {}): KsResult {
  assertUsableSample(x, 'x');
  assertUsableSample(y, 'y');
  const extremes = x.length + y.length >= BUCKETED_MIN ? ecdfExtremesBucketed(x, y) : undefined;
  if (extremes) return ksFromExtremes(x.length, y.length, extremes, options);
  return ks2sampSorted({ xs: sortedCopy(x), ys: sortedCopy(y) }, options);
}

/** ks2samp on a pair already sorted ascending (lets one sort serve several statistics). */
export function ks2sampSorted({ xs, ys }: SortedPair, options: KsOptions = {}): KsResult {
  return ksFromExtremes(xs.length, ys.length, ecdfExtremesSorted(xs, ys), options);
}

/** The test from the ECDF extremes (split out so a fused walk over a sorted pair can supply them). */
export function ksFromExtremes(n1: number, n2: number, extremes: KsExtremes, options: KsOptions = {}): KsResult {
  const { dPlus, dMinus, locPlus, locMinus } = extremes;
  let d: number;
  let location: number;
  let sign: 1 | -1;
  if (dMinus > dPlus) {
    d = dMinus;
    location = locMinus;
    sign = -1;
  } else {
    d = dPlus;
    location = locPlus;
    sign = 1;
  }
  const requested = options.method ?? 'auto';
  let method: 'exact' | 'asymp' = requested === 'auto' ? (Math.max(n1, n2) <= MAX_AUTO_N ? 'exact' : 'asymp') : requested;
  const g = gcd(n1, n2);
  let reason: string | undefined;
  let pValue = NaN;
  if (method === 'exact' && n1 / g >= INT32_MAX / (n2 / g)) {
    method = 'asymp';
    reason = `exact p-value not possible for sample sizes ${n1} and ${n2}; used asymp`;
  }
  if (method === 'exact') {
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    d = h / lcm;
    // The unequal-n lattice walk costs max(n)·(band width); beyond EXACT_BUDGET steps use asymp instead.
    const big = Math.max(n1, n2);
    const band = Math.min(Math.min(n1, n2) + 1, 2 * Math.ceil(h / (big / g)) + 2);
    if (h === 0) pValue = 1;
    else if (n1 === n2) pValue = probOutsideSquare(n1, h);
    else if (big * band <= EXACT_BUDGET) pValue = outerProbInside(n1, n2, g, h);
    else {
      method = 'asymp';
      reason = `exact p-value too costly for sample sizes ${n1} and ${n2}; used asymp`;
    }
    if (method === 'exact' && !(pValue >= 0 && pValue <= 1)) {
      method = 'asymp';
      reason = 'exact p-value computation lost precision; used asymp';
    }
  }
  if (method === 'asymp') {
    const en = roundHalfEven((n1 * n2) / (n1 + n2));
    pValue = kstwoSf(d, en);
    if (Number.isNaN(pValue)) reason = `effective sample size round(n1*n2/(n1+n2)) = ${en}: too small for the asymptotic distribution`;
  }
  pValue = Math.min(1, Math.max(0, pValue));
  const result: KsResult = { method, alternative: 'two-sided', statistic: d, pValue, statisticLocation: location, statisticSign: sign, n1, n2 };
  if (reason !== undefined) result.reason = reason;
  return result;
}
