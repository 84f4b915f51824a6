/**
 * "Did the class shares change?" between a baseline's class counts and a window's, powerful both when the change
 * is spread over many classes and when one class surges or vanishes.
 *
 * - Omnibus: Pearson's chi-square on the 2 × k table (no continuity correction; all-zero columns dropped). It spends
 *   its power over k − 1 degrees of freedom, so one class tripling among ten barely moves it.
 * - Per class: class j's window count against its baseline count, with the beta-binomial predictive tail of
 *   countChangeTest (the baseline share is itself estimated; exact for small counts, size ≤ α in each direction),
 *   two-sided as twice the smaller tail, Bonferroni over the k classes.
 *
 * The reported p-value is Bonferroni over the two: min(1, 2 · min(p_omnibus, k · min_j p_j)), so "reject when
 * p ≤ α" keeps the false-alarm rate at most α whichever test fires (the omnibus one's to the extent that its
 * chi-square approximation holds), and the class that moved most is named.
 */
import { chi2Contingency } from './chi2-contingency.js';
import { countChangeTest } from './count-change.js';

export interface ClassShareChangeResult {
  method: 'chi-square and per-class beta-binomial, Bonferroni';
  /** min(1, 2 · min(omnibus, Bonferroni-adjusted smallest per-class p)); NaN when fewer than two classes have rows. */
  pValue: number;
  /** Chi-square on the 2 × k table (NaN when fewer than two classes have rows). */
  omnibusPValue: number;
  /** Per class, two-sided beta-binomial p-value (unadjusted), in the input's order. */
  classPValues: number[];
  /** Index of the class with the smallest per-class p-value (-1 when none has rows). */
  mostChanged: number;
}

/** Class counts of the baseline and the window, in the same class order. */
export function classShareChangeTest(baseline: readonly number[], window: readonly number[]): ClassShareChangeResult {
  if (baseline.length !== window.length) throw new RangeError(`classShareChangeTest needs equal lengths; got ${baseline.length} and ${window.length}`);
  const m = baseline.reduce((a, b) => a + b, 0);
  const n = window.reduce((a, b) => a + b, 0);
  const keep = baseline.map((_, j) => j).filter((j) => baseline[j]! + window[j]! > 0);
  const method = 'chi-square and per-class beta-binomial, Bonferroni' as const;
  if (keep.length < 2 || m === 0 || n === 0) return { method, pValue: NaN, omnibusPValue: NaN, classPValues: baseline.map(() => NaN), mostChanged: -1 };
  const omnibusPValue = chi2Contingency([keep.map((j) => baseline[j]!), keep.map((j) => window[j]!)], { correction: false }).pValue;
  const classPValues = baseline.map((c, j) => {
    const less = countChangeTest({ count: c, rows: m }, { count: window[j]!, rows: n }, 'less').pValue;
    const greater = countChangeTest({ count: c, rows: m }, { count: window[j]!, rows: n }, 'greater').pValue;
    return Math.min(1, 2 * Math.min(less, greater));
  });
  let mostChanged = -1;
  for (const j of keep) if (mostChanged < 0 || classPValues[j]! < classPValues[mostChanged]!) mostChanged = j;
  const perClass = Math.min(1, keep.length * classPValues[mostChanged]!);
  const pValue = Math.min(1, 2 * Math.min(Number.isFinite(omnibusPValue) ? omnibusPValue : 1, perClass));
  return { method, pValue, omnibusPValue, classPValues, mostChanged };
}
