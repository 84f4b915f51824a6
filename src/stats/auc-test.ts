import { mannWhitneyU } from './mann-whitney-u.js';

/**
 * AUC of scores that should be higher for `positive` than `negative` rows, with the one-sided p-value of
 * "no better than chance": AUC = U / (n₁·n₂) of the Mann–Whitney test (ties count one half), and the one-sided
 * p follows from SciPy's two-sided asymptotic p (tie and continuity corrections) by symmetry: p₂/2 when
 * AUC > 0.5 (= `mannwhitneyu(..., alternative='greater')` unless |U − n₁n₂/2| < ½), else 1 − p₂/2.
 * Under "no better than chance" the p-value is (asymptotically) uniform, so rejecting at p ≤ α errs at rate α.
 */
export function aucTest(positive: Float64Array, negative: Float64Array): { auc: number; pValue: number } {
  if (positive.length === 0 || negative.length === 0) return { auc: 0.5, pValue: 1 };
  const u = mannWhitneyU(positive, negative, { method: 'asymptotic' });
  const auc = u.statistic / (positive.length * negative.length);
  const two = Number.isFinite(u.pValue) ? u.pValue : 1;
  return { auc, pValue: auc > 0.5 ? two / 2 : 1 - two / 2 };
}
