/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, matching `scipy.stats.ks_2samp`: 'exact' lattice-path p-value
 * (statistic rounded to h/lcm(n1, n2) as SciPy does), 'asymp' = kstwo.sf(D, round(n1·n2/(n1+n2))), 'auto' =
 * exact iff max(n1, n2) <= 10000. The exact method falls back to asymp when it cannot be computed, and the
 * method actually used is reported.
 */
import { gcd } from './gcd.js';
import { outerProbInside, probOutsideSquare } from './ks-exact.js';
import { kstwoSf } from './kstwo-sf.js';
import { roundHalfEven } from './round-half-even.js';
import { assertUsableSample, type Sample } from './sample.js';
import { sortedCopy } from './sort.js';
import type { SortedPair } from './sorted-pair.js';

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

export function ks2samp(x: Sample, y: Sample, options: KsOptions = {}): KsResult {
  assertUsableSample(x, 'x');
  assertUsableSample(y, 'y');
  return ks2sampSorted({ xs: sortedCopy(x), ys: sortedCopy(y) }, options);
}

/** ks2samp on a pair already sorted ascending (lets one sort serve several statistics). */
export function ks2sampSorted({ xs, ys }: SortedPair, options: KsOptions = {}): KsResult {
  return ksFromExtremes(xs.length, ys.length, ecdfExtremes(xs, ys), options);
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

export interface KsExtremes {
  dPlus: number;
  dMinus: number;
  locPlus: number;
  locMinus: number;
}

/**
 * max(F1 − F2) and max(F2 − F1) over all observed values, with the value where each is attained. Ties in the
 * location are broken as SciPy's argmax over concat(sorted x, sorted y) does: the smallest x value attaining the
 * extreme, else the smallest y value.
 *
 * The merge advances by runs: while only x values are consumed F1 − F2 rises, so only the end of an x run can hold
 * a new maximum (and no minimum); symmetrically for y runs. Values present in both samples end a run and are checked
 * both ways. The first and last groups need no special case: F1 − F2 ends at 0, so the maximum is ≥ 0 and is reached
 * at a group holding an x value, and the minimum, ≤ 0, at one holding a y value.
 */
function ecdfExtremes(xs: Float64Array, ys: Float64Array): KsExtremes {
  const n1 = xs.length;
  const n2 = ys.length;
  let i = 0;
  let j = 0;
  let maxD = -Infinity;
  let minD = Infinity;
  let maxLocX = NaN;
  let maxLocY = NaN;
  let minLocX = NaN;
  let minLocY = NaN;
  while (i < n1 && j < n2) {
    const a = xs[i]!;
    const b = ys[j]!;
    if (a < b) {
      i++;
      while (i < n1 && xs[i]! < b) i++;
      const diff = i / n1 - j / n2;
      if (diff > maxD) {
        maxD = diff;
        maxLocX = xs[i - 1]!;
        maxLocY = NaN;
      } else if (diff === maxD && Number.isNaN(maxLocX)) maxLocX = xs[i - 1]!;
    } else if (b < a) {
      j++;
      while (j < n2 && ys[j]! < a) j++;
      const diff = i / n1 - j / n2;
      if (diff < minD) {
        minD = diff;
        minLocX = NaN;
        minLocY = ys[j - 1]!;
      } else if (diff === minD && Number.isNaN(minLocY)) minLocY = ys[j - 1]!;
    } else {
      i++;
      while (i < n1 && xs[i] === a) i++;
      j++;
      while (j < n2 && ys[j] === a) j++;
      const diff = i / n1 - j / n2;
      if (diff > maxD) {
        maxD = diff;
        maxLocX = a;
        maxLocY = a;
      } else if (diff === maxD) {
        if (Number.isNaN(maxLocX)) maxLocX = a;
        if (Number.isNaN(maxLocY)) maxLocY = a;
      }
      if (diff < minD) {
        minD = diff;
        minLocX = a;
        minLocY = a;
      } else if (diff === minD) {
        if (Number.isNaN(minLocX)) minLocX = a;
        if (Number.isNaN(minLocY)) minLocY = a;
      }
    }
  }
  // What is left of one sample is a final run that brings F1 − F2 back to 0.
  if (i < n1) {
    if (0 > maxD) {
      maxD = 0;
      maxLocX = xs[n1 - 1]!;
      maxLocY = NaN;
    } else if (maxD === 0 && Number.isNaN(maxLocX)) maxLocX = xs[n1 - 1]!;
  } else if (j < n2) {
    if (0 < minD) {
      minD = 0;
      minLocX = NaN;
      minLocY = ys[n2 - 1]!;
    } else if (minD === 0 && Number.isNaN(minLocY)) minLocY = ys[n2 - 1]!;
  }
  return {
    dPlus: maxD,
    dMinus: Math.min(1, Math.max(0, -minD)),
    locPlus: Number.isNaN(maxLocX) ? maxLocY : maxLocX,
    locMinus: Number.isNaN(minLocX) ? minLocY : minLocX,
  };
}
