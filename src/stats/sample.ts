/**
 * The input contract shared by every statistic: a numeric sample as Float64Array or a plain readonly array,
 * never mutated. Values that make a statistic meaningless (NaN, an empty sample) are the caller's data problem
 * and raise a typed MoaError; cases where the statistic is defined but has no p-value come back as
 * `pValue: NaN` with a `reason`.
 */
import { statsInputError } from './input-error.js';

export type Sample = Float64Array | readonly number[];

export function assertUsableSample(sample: Sample, name: string, minLength = 1): void {
  if (sample.length < minLength) {
    throw statsInputError('stats.sample_too_small', `${name} has ${sample.length} values; at least ${minLength} needed`, {
      subject: name,
      fix: 'pass a non-empty sample (drop the column or widen the time window)',
    });
  }
  for (let i = 0; i < sample.length; i++) {
    if (Number.isNaN(sample[i])) {
      throw statsInputError('stats.nan_in_sample', `${name} holds NaN at index ${i}`, {
        subject: name,
        fix: 'drop or impute missing values before testing',
      });
    }
  }
}
