import { describe, expect, it } from '@jest/globals';
import { holm, mcnemarExact, pairedT } from '../../src/select/paired.js';

/** 0/1 correctness of two models on the same rows with the given counts of each agreement pattern. */
function correctness(better: number, worse: number, bothRight: number, bothWrong: number) {
  const candidate: number[] = [];
  const baseline: number[] = [];
  const push = (c: number, b: number, times: number) => {
    for (let i = 0; i < times; i++) candidate.push(c), baseline.push(b);
  };
  push(1, 0, better);
  push(0, 1, worse);
  push(1, 1, bothRight);
  push(0, 0, bothWrong);
  return { candidate: Uint8Array.from(candidate), baseline: Uint8Array.from(baseline) };
}

describe('exact McNemar (one-sided)', () => {
  // SciPy 1.10.1: scipy.stats.binomtest(better, better + worse, 0.5, alternative='greater').pvalue
  it.each([
    [12, 3, 0.017578125],
    [7, 4, 0.2744140625],
    [40, 22, 0.015007932174533643],
    [150, 120, 0.038694699490109244],
    [0, 5, 1.0],
    [3, 0, 0.125],
  ])('better %i, worse %i → p matches SciPy binomtest', (better, worse, p) => {
    const { candidate, baseline } = correctness(better, worse, 100, 20);
    const r = mcnemarExact(candidate, baseline);
    expect(r.pValue).toBeCloseTo(p, 12);
    expect(r).toMatchObject({ test: 'mcnemar_exact', n: better + worse + 120, better, worse });
    expect(r.meanGain).toBeCloseTo((better - worse) / (better + worse + 120), 15);
  });

  it('gives p = 1 when the models never disagree', () => {
    const { candidate, baseline } = correctness(0, 0, 30, 10);
    expect(mcnemarExact(candidate, baseline).pValue).toBe(1);
  });

  it('rejects rows of different lengths', () => {
    expect(() => mcnemarExact(new Uint8Array(3), new Uint8Array(4))).toThrow(RangeError);
  });
});

describe('paired t-test on absolute errors (one-sided)', () => {
  const baseline = Float64Array.from([3.2, 1.5, 4.8, 0.7, 2.2, 5.1, 3.3, 0.9, 2.8, 4.4, 1.1, 3.9]);
  const candidate = Float64Array.from([2.9, 1.7, 4.1, 0.7, 2.0, 4.6, 3.5, 0.4, 2.9, 3.8, 1.0, 3.1]);

  it('matches SciPy ttest_rel(baseline, candidate, alternative="greater")', () => {
    // SciPy 1.10.1: statistic 2.620742773132615, p 0.011898536747543773.
    const r = pairedT(candidate, baseline);
    expect(r.pValue).toBeCloseTo(0.011898536747543773, 10);
    expect(r).toMatchObject({ test: 'paired_t', n: 12, better: 8, worse: 3 });
    expect(r.meanGain).toBeCloseTo(3.2 / 12, 12); // gains sum to 3.2 by hand
  });

  it('is one-sided: the same rows the other way round are not evidence', () => {
    // SciPy: ttest_rel(candidate, baseline, alternative='greater').pvalue = 0.9881014632524562
    expect(pairedT(baseline, candidate).pValue).toBeCloseTo(0.9881014632524562, 10);
  });

  it('handles no spread and too few rows without NaN', () => {
    expect(pairedT(Float64Array.from([1, 2, 3]), Float64Array.from([2, 3, 4])).pValue).toBe(0);
    expect(pairedT(Float64Array.from([1, 2, 3]), Float64Array.from([1, 2, 3])).pValue).toBe(1);
    expect(pairedT(Float64Array.from([1]), Float64Array.from([5])).pValue).toBe(1);
  });
});

describe('Holm adjustment', () => {
  it('multiplies the k-th smallest p by (m − k + 1), keeps the order and caps at 1', () => {
    // By hand: sorted 0.01, 0.02, 0.04, 0.3 → 0.04, 0.06, 0.08, 0.3; in input order.
    const adjusted = holm([0.04, 0.01, 0.3, 0.02]);
    [0.08, 0.04, 0.3, 0.06].forEach((p, i) => expect(adjusted[i]).toBeCloseTo(p, 15));
    // A later smaller raw product cannot undercut an earlier one: 0.02·3 = 0.06 > 0.025·2 = 0.05 → 0.06.
    expect(holm([0.02, 0.025, 0.9])).toEqual([0.06, 0.06, 0.9]);
    expect(holm([0.5, 0.6])).toEqual([1, 1]);
    expect(holm([])).toEqual([]);
  });
});
