/**
 * Building blocks for the data gates and evidence over time (issue 16) against SciPy 1.10.1
 * (fixtures/gate-tests.py → gate-tests.json): binomial and beta-binomial tails, the count-change test and its
 * false-alarm rate, the unit-change test, Stouffer's z, the t over chunks and the CUSUM false-alarm probability.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import {
  betaBinomialCdf,
  binomialCdf,
  binomialSf,
  chunkTTest,
  countChangeTest,
  cusumFalseAlarm,
  cusumTest,
  cusumThreshold,
  generateSample,
  mergeChunkHistory,
  nearestUnitFactor,
  newCategoryTest,
  stoufferTest,
  unitChangeTest,
  type ChunkAlternative,
  type Count,
  type CountAlternative,
  type SampleSpec,
} from '../../src/stats/index.js';
import { Mismatches, TOL_P, type Tolerance } from './vectors.js';

const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
type Pair = { statistic: number; pvalue: number };
const ref = JSON.parse(readFileSync(new URL('./fixtures/gate-tests.json', import.meta.url), 'utf8'), (_k, v) => (typeof v === 'string' && v in NON_FINITE ? NON_FINITE[v] : v)) as {
  binomial: { k: number; n: number; p: number; cdf: number; sf: number }[];
  betabinom_cdf: { x: number; n: number; a: number; b: number; cdf: number }[];
  count_change: { reference: Count; window: Count; alternative: CountAlternative; pvalue: number; expected: number }[];
  count_change_size: { alternative: CountAlternative; alpha: number; size: number; m: number; n: number; theta: number }[];
  unit_change: {
    label: string;
    reference: SampleSpec;
    operational: SampleSpec;
    applied: { factor: number; offset: number };
    magnitude_ratio: number;
    statistic: number;
    pvalue: number;
    ks: number;
    candidate: { factor: number; offset: number; ks: number; ks_pvalue: number } | null;
  }[];
  stouffer: ({ estimate: number[]; standard_error: number[] } & Record<ChunkAlternative, Pair>)[];
  ttest: ({ estimate: number[] } & Record<ChunkAlternative, Pair>)[];
  cusum: { h: number; k: number; steps: number; false_alarm: number; monte_carlo: number; monte_carlo_se: number }[];
  cusum_paths: { z: number[]; k: number; statistic: number; pvalue: number }[];
};

// Sums of Loader pmf terms against Boost's incomplete beta: relative 1e-9 (the README's p-value tolerance);
// a cdf within 1e-16 of 1 is compared absolutely.
const TOL_TAIL: Tolerance = { rel: 1e-9, abs: 1e-15 };
// Closed forms: a few roundings.
const TOL_Z: Tolerance = { rel: 1e-12, abs: 1e-15 };
// stdlib's t cdf (incomplete beta) against SciPy's: relative 1e-9 as for other p-values.
// CUSUM: two quadratures (48+ and 240 Gauss–Legendre nodes) of the same smooth recursion agree to ~1e-12.
const TOL_CUSUM: Tolerance = { rel: 1e-9, abs: 1e-13 };

describe('gate building blocks match SciPy', () => {
  it('binomialCdf / binomialSf = binom.cdf / binom.sf(k − 1), tails to 1e-200', () => {
    const m = new Mismatches();
    for (const c of ref.binomial) {
      m.check(`cdf(${c.k}; ${c.n}, ${c.p})`, binomialCdf(c.k, c.n, c.p), c.cdf, TOL_TAIL);
      m.check(`sf(${c.k}; ${c.n}, ${c.p})`, binomialSf(c.k, c.n, c.p), c.sf, TOL_TAIL);
    }
    expect(m.items).toEqual([]);
    expect(m.checked).toBeGreaterThan(80);
    expect([binomialCdf(-1, 5, 0.5), binomialCdf(5, 5, 0.5), binomialSf(0, 5, 0.5), binomialSf(6, 5, 0.5), binomialCdf(0, 5, 0)]).toEqual([0, 1, 1, 0, 1]);
    expect(() => binomialCdf(1.5, 5, 0.5)).toThrow(RangeError);
  });

  it('betaBinomialCdf = betabinom.cdf', () => {
    const m = new Mismatches();
    for (const c of ref.betabinom_cdf) m.check(`cdf(${c.x}; ${c.n}, ${c.a}, ${c.b})`, betaBinomialCdf(c.x, c.n, c.a, c.b), c.cdf, { rel: 1e-9, abs: 1e-14 });
    expect(m.items).toEqual([]);
    expect(m.checked).toBeGreaterThan(25);
  });

  it('countChangeTest = the beta-binomial predictive tail under the stated posteriors', () => {
    const m = new Mismatches();
    for (const c of ref.count_change) {
      const r = countChangeTest(c.reference, c.window, c.alternative);
      const label = `${c.reference.count}/${c.reference.rows} → ${c.window.count}/${c.window.rows} ${c.alternative}`;
      m.check(`${label} p`, r.pValue, c.pvalue, { rel: 1e-9, abs: 1e-14 });
      m.check(`${label} expected`, r.expected, c.expected, TOL_Z);
    }
    expect(m.items).toEqual([]);
    expect(m.checked).toBe(16);
    // Issue 16: pixels non-zero in 2 of 809 reference rows, all zero in a window: not evidence of a stuck source.
    expect(countChangeTest({ count: 2, rows: 809 }, { count: 0, rows: 1000 }, 'less').pValue).toBeGreaterThan(0.1);
    // A column that was non-zero half the time and is all zero in 200 rows is.
    expect(countChangeTest({ count: 400, rows: 809 }, { count: 0, rows: 200 }, 'less').pValue).toBeLessThan(1e-50);
    // Degenerate reference rates cannot move in the tested direction.
    expect(countChangeTest({ count: 0, rows: 50 }, { count: 0, rows: 10 }, 'less').pValue).toBe(1);
    expect(countChangeTest({ count: 50, rows: 50 }, { count: 10, rows: 10 }, 'greater').pValue).toBe(1);
    expect(() => countChangeTest({ count: 3, rows: 2 }, { count: 0, rows: 1 }, 'less')).toThrow(RangeError);
  });

  it('countChangeTest errs at most at rate α: exact size on a grid (SciPy) and recomputed here at two points', () => {
    for (const s of ref.count_change_size) expect(s.size).toBeLessThanOrEqual(s.alpha);
    // P(p ≤ α) = Σ_c Σ_x Bin(c; m, θ) Bin(x; n, θ) [p(c, x) ≤ α], with this module's own tails.
    const pmf = (x: number, n: number, p: number) => binomialCdf(x, n, p) - binomialCdf(x - 1, n, p);
    for (const [m, n, theta, alt] of [
      [100, 150, 0.05, 'less'],
      [100, 150, 0.2, 'greater'],
    ] as const) {
      let size = 0;
      for (let c = 0; c <= m; c++) {
        const pc = pmf(c, m, theta);
        if (pc < 1e-13) continue;
        for (let x = 0; x <= n; x++) if (countChangeTest({ count: c, rows: m }, { count: x, rows: n }, alt).pValue <= 0.05) size += pc * pmf(x, n, theta);
      }
      expect(size).toBeLessThanOrEqual(0.05);
      expect(size).toBeGreaterThan(0.01); // not vacuous: the test does reject sometimes
    }
  });

  it('newCategoryTest: reference singletons as the rate of "new at the time"', () => {
    const r = newCategoryTest({ singletonRows: 3, rows: 1000 }, { newRows: 12, rows: 500 });
    expect(r.pValue).toBe(countChangeTest({ count: 3, rows: 1000 }, { count: 12, rows: 500 }, 'greater').pValue);
    expect(r.pValue).toBeLessThan(1e-3);
  });

  it('unitChangeTest: Mann–Whitney on |x|, KS after undoing the candidate, the same candidate as the SciPy replica', () => {
    const m = new Mismatches();
    for (const c of ref.unit_change) {
      const reference = generateSample(c.reference);
      const operational = generateSample(c.operational).map((v) => v * c.applied.factor + c.applied.offset);
      const r = unitChangeTest(reference, operational);
      m.check(`${c.label} ratio`, r.magnitudeRatio, c.magnitude_ratio, TOL_Z);
      m.check(`${c.label} U`, r.statistic, c.statistic, TOL_Z);
      m.check(`${c.label} p`, r.pValue, c.pvalue, TOL_P);
      m.check(`${c.label} ks`, r.ks, c.ks, TOL_Z);
      if (c.candidate === null || r.candidate === null) {
        if (c.candidate !== r.candidate) m.fail(c.label, `candidate ${JSON.stringify(r.candidate)}, want ${JSON.stringify(c.candidate)}`);
        continue;
      }
      m.check(`${c.label} candidate factor`, r.candidate.factor, c.candidate.factor, TOL_Z);
      m.check(`${c.label} candidate offset`, r.candidate.offset, c.candidate.offset, TOL_Z);
      m.check(`${c.label} candidate ks`, r.candidate.ks, c.candidate.ks, TOL_Z);
      m.check(`${c.label} candidate ks p`, r.candidate.ksPValue, c.candidate.ks_pvalue, TOL_P);
      // The conversion applied is the one found.
      m.check(`${c.label} found the applied factor`, r.candidate.factor, c.applied.factor, TOL_Z);
    }
    expect(m.items).toEqual([]);
    expect(m.checked).toBeGreaterThan(40);
  });

  it('nearestUnitFactor: 9.99 is ×10, 0.00101 is ÷1000, 1.3 is nothing', () => {
    expect(nearestUnitFactor(9.99)?.factor).toBe(10);
    expect(nearestUnitFactor(0.00101)?.factor).toBeCloseTo(1e-3, 15);
    expect(nearestUnitFactor(3.55)?.factor).toBe(3.6);
    expect(nearestUnitFactor(1.3)).toBeNull();
    expect(nearestUnitFactor(NaN)).toBeNull();
  });

  it('stoufferTest = combine_pvalues(stouffer, weights 1/se); two-sided from the same z', () => {
    const m = new Mismatches();
    for (const c of ref.stouffer) {
      const chunks = c.estimate.map((estimate, i) => ({ estimate, standardError: c.standard_error[i]! }));
      for (const alt of ['less', 'greater', 'two-sided'] as const) {
        const r = stoufferTest(chunks, alt);
        m.check(`${c.estimate.length} chunks ${alt} z`, r.statistic * (alt === 'two-sided' ? 1 : 1), c[alt].statistic, TOL_Z);
        m.check(`${c.estimate.length} chunks ${alt} p`, r.pValue, c[alt].pvalue, TOL_P);
      }
    }
    expect(m.items).toEqual([]);
    expect(m.checked).toBe(24);
    expect(stoufferTest([]).pValue).toBeNaN();
  });

  it('chunkTTest = ttest_1samp against 0', () => {
    const m = new Mismatches();
    for (const c of ref.ttest) {
      for (const alt of ['less', 'greater', 'two-sided'] as const) {
        const r = chunkTTest(c.estimate, alt);
        m.check(`${c.estimate.length} chunks ${alt} t`, r.statistic, c[alt].statistic, TOL_Z);
        m.check(`${c.estimate.length} chunks ${alt} p`, r.pValue, c[alt].pvalue, TOL_P);
      }
    }
    expect(m.items).toEqual([]);
    expect(m.checked).toBe(18);
    expect(chunkTTest([0.1]).pValue).toBeNaN();
  });

  it('cusumFalseAlarm: an independent 240-node quadrature, and within 4 Monte Carlo standard errors', () => {
    const m = new Mismatches();
    for (const c of ref.cusum) {
      const p = cusumFalseAlarm(c.h, c.k, c.steps);
      m.check(`h=${c.h} k=${c.k} T=${c.steps}`, p, c.false_alarm, TOL_CUSUM);
      m.check(`h=${c.h} k=${c.k} T=${c.steps} vs Monte Carlo`, p, c.monte_carlo, { abs: 4 * c.monte_carlo_se });
    }
    for (const c of ref.cusum_paths) {
      const r = cusumTest(c.z.map((v) => v), { alternative: 'less', k: c.k });
      m.check(`path ${c.z.join(',')} max`, r.statistic, c.statistic, TOL_Z);
      m.check(`path ${c.z.join(',')} p`, r.pValue, c.pvalue, TOL_CUSUM);
    }
    expect(m.items).toEqual([]);
    expect(m.checked).toBe(18);
  });

  it('cusumThreshold gives the stated false-alarm rate; a persistent −1 se decline is caught where no chunk is', () => {
    const h = cusumThreshold(0.05, 0.5, 20);
    expect(cusumFalseAlarm(h, 0.5, 20)).toBeCloseTo(0.05, 8);
    // Twelve chunks each 1.2 standard errors worse: p = 0.115 each, none significant alone.
    const z = Array.from({ length: 12 }, () => -1.2);
    expect(cusumTest(z).pValue).toBeLessThan(0.01);
    expect(stoufferTest(z.map((v) => ({ estimate: v * 0.01, standardError: 0.01 }))).pValue).toBeLessThan(1e-4);
    expect(cusumTest(z, { alternative: 'greater' })).toMatchObject({ statistic: 0, pValue: 1, peakIndex: -1 });
  });

  it('mergeChunkHistory counts each window once, later runs winning', () => {
    const c = (start: number, end: number, estimate: number) => ({ start, end, estimate, standardError: 1 });
    const merged = mergeChunkHistory([
      [c(0, 10, 1), c(10, 20, 2)],
      [c(15, 25, 3), c(25, 35, 4)],
      [c(30, 40, 5)],
    ]);
    expect(merged.chunks.map((x) => x.estimate)).toEqual([1, 3, 5]);
    expect(merged.dropped).toBe(2);
  });
});
