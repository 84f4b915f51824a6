/**
 * Pearson chi-square goodness-of-fit test, as `scipy.stats.chisquare`: expected defaults to the uniform
 * distribution over the categories; p = chi2.sf(statistic, k − 1 − ddof). With no degrees of freedom left the
 * p-value is NaN with a `reason` (SciPy returns NaN there too).
 */
import { statsInputError } from './input-error.js';
import { chi2Sf } from './chi2-sf.js';
import type { Sample } from './sample.js';

export interface ChiSquareResult {
  method: 'pearson';
  statistic: number;
  pValue: number;
  dof: number;
  reason?: string;
}

export interface ChiSquareOptions {
  expected?: Sample;
  ddof?: number;
}

// SciPy >= 1.9 rejects f_exp whose total differs from f_obs's by more than this relative amount.
const SUM_RTOL = 1e-8;

export function chiSquare(observed: Sample, options: ChiSquareOptions = {}): ChiSquareResult {
  const k = observed.length;
  const ddof = options.ddof ?? 0;
  if (k === 0) throw statsInputError('stats.empty_sample', 'observed has no categories', { subject: 'observed', fix: 'pass at least one count' });
  let sumObs = 0;
  for (let i = 0; i < k; i++) {
    if (Number.isNaN(observed[i])) throw statsInputError('stats.nan_in_sample', `observed holds NaN at index ${i}`, { subject: 'observed', fix: 'pass finite counts' });
    sumObs += observed[i]!;
  }
  const { expected } = options;
  let exp: (i: number) => number;
  if (expected === undefined) {
    const mean = sumObs / k;
    exp = () => mean;
  } else {
    if (expected.length !== k) {
      throw statsInputError('stats.length_mismatch', `expected has ${expected.length} categories, observed has ${k}`, { subject: 'expected', fix: 'align expected with observed' });
    }
    let sumExp = 0;
    for (let i = 0; i < k; i++) sumExp += expected[i]!;
    if (Math.abs(sumObs - sumExp) > SUM_RTOL * Math.min(Math.abs(sumObs), Math.abs(sumExp))) {
      throw statsInputError('stats.sum_mismatch', `expected sums to ${sumExp} but observed sums to ${sumObs}`, { subject: 'expected', fix: 'scale expected to the observed total' });
    }
    exp = (i) => expected[i]!;
  }
  let statistic = 0;
  for (let i = 0; i < k; i++) {
    const e = exp(i);
    const d = observed[i]! - e;
    statistic += (d * d) / e;
  }
  const dof = k - 1 - ddof;
  if (dof <= 0) return { method: 'pearson', statistic, pValue: NaN, dof, reason: `no degrees of freedom left (k - 1 - ddof = ${dof})` };
  return { method: 'pearson', statistic, pValue: chi2Sf(statistic, dof), dof };
}
