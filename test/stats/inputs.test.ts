/** Input contract: samples are never mutated; empty or NaN samples raise typed data errors. */
import { describe, it, expect } from '@jest/globals';
import { MoaError, asMoaError, exitCodeOf, EXIT_CODES } from '../../src/errors.js';
import { StatsInputError, chiSquare, cramerVonMises2samp, ks2samp } from '../../src/stats/index.js';

describe('stats input contract', () => {
  it('does not mutate array or typed-array inputs', () => {
    const x = [3, 1, 2, 5, 4];
    const y = Float64Array.from([9, 7, 8, 6]);
    ks2samp(x, y);
    expect(x).toEqual([3, 1, 2, 5, 4]);
    expect(Array.from(y)).toEqual([9, 7, 8, 6]);
  });

  it('raises stats.sample_too_small for an empty sample', () => {
    expect(() => ks2samp([], [1, 2])).toThrow(StatsInputError);
    let caught: unknown;
    try {
      ks2samp([1], []);
    } catch (e) {
      caught = e;
    }
    expect((caught as StatsInputError).code).toBe('stats.sample_too_small');
    // The CLI reports it as a data error (exit 3), with the same code.
    const reported = asMoaError(caught) as MoaError;
    expect(reported).toBeInstanceOf(MoaError);
    expect(reported.kind).toBe('data');
    expect(reported.code).toBe('stats.sample_too_small');
    expect(exitCodeOf(caught)).toBe(EXIT_CODES.data);
  });

  it('raises stats.nan_in_sample rather than returning a confident number', () => {
    expect(() => ks2samp([1, NaN], [1, 2])).toThrow(/NaN at index 1/);
    expect(() => chiSquare([1, NaN])).toThrow(StatsInputError);
  });

  it('reports why the asymptotic p-value is missing for n1 = n2 = 1', () => {
    const r = ks2samp([1], [2], { method: 'asymp' });
    expect(r.pValue).toBeNaN();
    expect(r.reason).toMatch(/effective sample size/);
  });
});

describe('costly exact methods fall back to asymptotic and say so', () => {
  it('ks2samp exact with unequal n and a wide band', () => {
    const x = Float64Array.from({ length: 40000 }, (_, i) => i);
    const y = Float64Array.from({ length: 39999 }, (_, i) => i + 20000); // lcm 1.6e9 < 2^31, D = 0.5
    const r = ks2samp(x, y, { method: 'exact' });
    expect(r.method).toBe('asymp');
    expect(r.reason).toMatch(/too costly/);
    expect(r.pValue).toBeLessThan(1e-100);
  });

  it('cramerVonMises2samp exact beyond 25 observations per sample', () => {
    const x = Array.from({ length: 30 }, (_, i) => i);
    const y = Array.from({ length: 30 }, (_, i) => i + 0.5);
    const r = cramerVonMises2samp(x, y, { method: 'exact' });
    expect(r.method).toBe('asymptotic');
    expect(r.reason).toMatch(/too costly/);
  });
});
