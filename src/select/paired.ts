import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';
import tCdf from '@stdlib/stats-base-dists-t-cdf';

/**
 * Is a candidate better than the baseline on the same hold-out rows, by more than the hold-out's noise? Both
 * models predict every row, so the comparison is paired: it asks only about the rows where they differ, which
 * is far sharper than comparing two accuracies as if they came from different samples.
 */
export interface PairedComparison {
  test: 'mcnemar_exact' | 'paired_t';
  /** Hold-out rows compared. */
  n: number;
  /** Rows where the candidate does better than the baseline (right where it is wrong; a smaller absolute error). */
  better: number;
  /** Rows where it does worse. */
  worse: number;
  /** Mean per-row gain of the candidate: accuracy difference, or reduction of the absolute error. */
  meanGain: number;
  /** One-sided p-value of "the candidate is no better than the baseline". */
  pValue: number;
}

/**
 * Exact one-sided McNemar test on 0/1 correctness: under "no better", each discordant row is equally likely to
 * favour either model, so `better` ~ Binomial(better + worse, ½) and p = P(X ≥ better) = P(X ≤ worse)
 * (SciPy: `binomtest(better, better + worse, 0.5, alternative='greater')`).
 */
export function mcnemarExact(candidateRight: Uint8Array, baselineRight: Uint8Array): PairedComparison {
  const n = candidateRight.length;
  if (baselineRight.length !== n) throw new RangeError(`mcnemarExact: ${n} candidate rows but ${baselineRight.length} baseline rows`);
  let better = 0;
  let worse = 0;
  for (let i = 0; i < n; i++) {
    if (candidateRight[i] && !baselineRight[i]) better++;
    else if (!candidateRight[i] && baselineRight[i]) worse++;
  }
  const discordant = better + worse;
  // Summing the lower tail by symmetry keeps small p-values exact (no 1 − cdf cancellation).
  const pValue = discordant === 0 ? 1 : binomialCdf(worse, discordant, 0.5);
  return { test: 'mcnemar_exact', n, better, worse, meanGain: n === 0 ? 0 : (better - worse) / n, pValue };
}

/**
 * One-sided paired t-test on absolute errors: the gain per row is |baseline error| − |candidate error| and the
 * alternative is a positive mean (SciPy: `ttest_rel(baselineAbs, candidateAbs, alternative='greater')`). With
 * identical gains on every row there is no spread to test against: p is 0 for a positive gain, else 1.
 */
export function pairedT(candidateAbsError: Float64Array, baselineAbsError: Float64Array): PairedComparison {
  const n = candidateAbsError.length;
  if (baselineAbsError.length !== n) throw new RangeError(`pairedT: ${n} candidate rows but ${baselineAbsError.length} baseline rows`);
  let better = 0;
  let worse = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) {
    const gain = baselineAbsError[i]! - candidateAbsError[i]!;
    if (gain > 0) better++;
    else if (gain < 0) worse++;
    mean += gain / n;
  }
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (baselineAbsError[i]! - candidateAbsError[i]! - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  let pValue: number;
  if (n < 2) pValue = 1;
  else if (sd === 0) pValue = mean > 0 ? 0 : 1;
  else pValue = tCdf(-mean / (sd / Math.sqrt(n)), n - 1);
  return { test: 'paired_t', n, better, worse, meanGain: mean, pValue };
}

/**
 * Holm's step-down adjustment of p-values for testing several candidates against the same baseline (family-wise
 * error at most α when each adjusted value is compared with α). Adjusted values are monotone and capped at 1.
 */
export function holm(pValues: number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}
