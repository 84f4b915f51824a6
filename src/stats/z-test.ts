/**
 * Large-sample z-tests for a difference between two groups: the two-proportion test with pooled variance and
 * Welch's z-test on two means with each side's own variance. Under H0 (no difference) z is approximately N(0, 1),
 * so rejecting at p ≤ α errs at rate ≈ α; the approximation needs a few successes and failures per side
 * (two-proportion) or moderate n per side (Welch). `alternative` is about group 1 minus group 2: 'greater' tests
 * H1: group 1 > group 2.
 *
 * Degenerate cases: when the standard error is 0 (two-proportion: both samples all successes or all failures,
 * so the proportions are equal), the statistic is 0 and p = 1 for a zero difference; Welch with unequal means and
 * zero variances gives z = ±∞ and the limit p (0 or 1).
 */
import { normSf } from './norm-sf.js';

export type ZAlternative = 'two-sided' | 'greater' | 'less';

export interface ZTestResult {
  method: 'two-proportion z-test (pooled)' | 'Welch z-test';
  statistic: number;
  pValue: number;
  alternative: ZAlternative;
  /** Group 1 minus group 2: a difference of proportions or of means. */
  difference: number;
  standardError: number;
  n1: number;
  n2: number;
}

/** The p-value of a z statistic; z = 0 from a zero standard error and a zero difference gives 1. */
function zPValue(z: number, se: number, alternative: ZAlternative): number {
  if (!(se > 0) && z === 0) return 1;
  if (alternative === 'greater') return normSf(z);
  if (alternative === 'less') return normSf(-z);
  return Math.min(1, 2 * normSf(Math.abs(z)));
}

/**
 * Two-proportion z-test: x1 successes of n1 against x2 of n2, pooled variance p̂(1 − p̂)(1/n1 + 1/n2).
 * x may be a non-integer count (a rate times n). z = (x1/n1 − x2/n2) / se.
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number, alternative: ZAlternative = 'two-sided'): ZTestResult {
  if (!(n1 > 0 && n2 > 0) || x1 < 0 || x2 < 0 || x1 > n1 || x2 > n2) {
    throw new RangeError(`twoProportionZTest needs 0 ≤ x ≤ n and n > 0; got ${x1}/${n1} and ${x2}/${n2}`);
  }
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const difference = x1 / n1 - x2 / n2;
  // se = 0 only when both proportions are 0 or both are 1, so the difference is 0 too.
  const statistic = se > 0 ? difference / se : 0;
  return { method: 'two-proportion z-test (pooled)', statistic, pValue: zPValue(statistic, se, alternative), alternative, difference, standardError: se, n1, n2 };
}

/** One group's summary for Welch's test: mean, sample variance (n − 1 denominator) and size. */
export interface GroupSummary {
  mean: number;
  variance: number;
  n: number;
}

/**
 * Welch's z-test on two means: z = (m1 − m2) / √(v1/n1 + v2/n2), referred to the normal distribution
 * (the statistic equals `scipy.stats.ttest_ind_from_stats(..., equal_var=False).statistic`).
 */
export function welchZTest(group1: GroupSummary, group2: GroupSummary, alternative: ZAlternative = 'two-sided'): ZTestResult {
  const { n: n1 } = group1;
  const { n: n2 } = group2;
  if (!(n1 > 0 && n2 > 0)) throw new RangeError(`welchZTest needs n > 0 on both sides; got ${n1} and ${n2}`);
  // A variance computed from running sums can come out a rounding error below 0, and a group of one has none
  // (NaN): both count as 0, so the other side's variance (or the degenerate rule) decides.
  const spread = (v: number) => (v > 0 ? v : 0);
  const se = Math.sqrt(spread(group1.variance) / n1 + spread(group2.variance) / n2);
  const difference = group1.mean - group2.mean;
  const statistic = se > 0 ? difference / se : difference > 0 ? Infinity : difference < 0 ? -Infinity : 0;
  return { method: 'Welch z-test', statistic, pValue: zPValue(statistic, se, alternative), alternative, difference, standardError: se, n1, n2 };
}
