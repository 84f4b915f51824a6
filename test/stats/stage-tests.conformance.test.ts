/**
 * The statistics analyze/audit use beside the drift battery, against SciPy 1.10.1 (fixtures/stage-tests.py →
 * stage-tests.json): normal quantile, two-proportion and Welch z-tests, beta-binomial tail, AUC test, and
 * Cramér–von Mises with heavy ties at n = 200 000 (both the standalone test and the battery's fused walk).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import {
  aucTest,
  batteryColumn,
  betaBinomialSf,
  cramerVonMises2samp,
  generateSample,
  normQuantile,
  twoProportionZTest,
  welchZTest,
  type SampleSpec,
  type ZAlternative,
} from '../../src/stats/index.js';
import { Mismatches, TOL_CVM_EXACT, TOL_P, type Tolerance } from './vectors.js';

const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
const ref = JSON.parse(readFileSync(new URL('./fixtures/stage-tests.json', import.meta.url), 'utf8'), (_k, v) => (typeof v === 'string' && v in NON_FINITE ? NON_FINITE[v] : v)) as {
  norm_ppf: { p: number; x: number }[];
  two_proportion: { x1: number; n1: number; x2: number; n2: number; alternative: ZAlternative; statistic: number; pvalue: number }[];
  welch: { mean1: number; var1: number; n1: number; mean2: number; var2: number; n2: number; alternative: ZAlternative; statistic: number; pvalue: number }[];
  betabinom_sf: { x: number; n: number; a: number; b: number; sf: number }[];
  auc: { label: string; positive: SampleSpec; negative: SampleSpec; auc: number; pvalue: number }[];
  cvm_ties: { label: string; x: SampleSpec; y: SampleSpec; statistic: number; pvalue: number; exact_statistic: number; scipy_relative_error: number }[];
};

// Closed-form statistics (a few roundings each): relative 1e-12. Tails through normSf: the README's 1e-9.
const TOL_Z: Tolerance = { rel: 1e-12, abs: 1e-15 };
// Bisection to double precision: relative 1e-12, absolute 1e-12 near 0.
const TOL_PPF: Tolerance = { rel: 1e-12, abs: 1e-12 };
// ln Γ-based terms summed in log space: ~1e-10 relative is what double precision allows (as test/analyze had).
const TOL_BETABINOM: Tolerance = { rel: 1e-9, abs: 1e-300 };
// Issue 15: CvM with heavy ties within 1e-9 relative of SciPy (exact integer rank sums; SciPy's own float sums
// are up to 2e-12 off the exact rational value, stored in the fixture).
const TOL_CVM_TIES: Tolerance = { rel: 1e-9 };
// SciPy truncates the CvM series at 1e-7 (see two-sample.conformance.test.ts): relative 1e-6.
const TOL_CVM_P: Tolerance = { rel: 1e-6, abs: 1e-12 };

const SLOW = 120_000;

describe('statistics moved into src/stats match SciPy', () => {
  it('normQuantile = norm.ppf', () => {
    const m = new Mismatches();
    for (const { p, x } of ref.norm_ppf) m.check(`ppf(${p})`, normQuantile(p), x, TOL_PPF);
    expect(m.items).toEqual([]);
    expect(m.checked).toBe(25);
    expect([normQuantile(0), normQuantile(1), normQuantile(NaN)]).toEqual([-Infinity, Infinity, NaN]);
  });

  it('twoProportionZTest: pooled z and its tails, every alternative', () => {
    const m = new Mismatches();
    for (const c of ref.two_proportion) {
      const r = twoProportionZTest(c.x1, c.n1, c.x2, c.n2, c.alternative);
      const label = `${c.x1}/${c.n1} vs ${c.x2}/${c.n2} ${c.alternative}`;
      m.check(`${label} z`, r.statistic, c.statistic, TOL_Z);
      m.check(`${label} p`, r.pValue, c.pvalue, TOL_P);
    }
    expect(m.items).toEqual([]);
    expect(m.checked).toBe(48);
  });

  it('twoProportionZTest: equal all-or-nothing samples have no spread and no evidence; impossible counts throw', () => {
    expect(twoProportionZTest(0, 10, 0, 20, 'greater')).toMatchObject({ statistic: 0, pValue: 1, standardError: 0 });
    expect(twoProportionZTest(10, 10, 20, 20)).toMatchObject({ statistic: 0, pValue: 1 });
    expect(() => twoProportionZTest(11, 10, 1, 10)).toThrow(RangeError);
    expect(() => twoProportionZTest(1, 0, 1, 10)).toThrow(RangeError);
  });

  it('welchZTest: statistic = ttest_ind_from_stats(equal_var=False), normal tails', () => {
    const m = new Mismatches();
    for (const c of ref.welch) {
      const r = welchZTest({ mean: c.mean1, variance: c.var1, n: c.n1 }, { mean: c.mean2, variance: c.var2, n: c.n2 }, c.alternative);
      const label = `${c.mean1}±${c.var1}/${c.n1} vs ${c.mean2}±${c.var2}/${c.n2} ${c.alternative}`;
      m.check(`${label} z`, r.statistic, c.statistic, TOL_Z);
      m.check(`${label} p`, r.pValue, c.pvalue, TOL_P);
    }
    expect(m.items).toEqual([]);
    expect(m.checked).toBe(30);
  });

  it('welchZTest: zero spread gives the limit (±∞, p 0 or 1) and no evidence for no difference', () => {
    expect(welchZTest({ mean: 2, variance: 0, n: 5 }, { mean: 1, variance: 0, n: 5 }, 'greater')).toMatchObject({ statistic: Infinity, pValue: 0 });
    expect(welchZTest({ mean: 1, variance: 0, n: 5 }, { mean: 2, variance: 0, n: 5 }, 'greater')).toMatchObject({ statistic: -Infinity, pValue: 1 });
    expect(welchZTest({ mean: 1, variance: 0, n: 5 }, { mean: 1, variance: 0, n: 5 }, 'two-sided')).toMatchObject({ statistic: 0, pValue: 1 });
    // A rounding error below zero is a zero variance, not NaN.
    expect(welchZTest({ mean: 2, variance: -1e-18, n: 5 }, { mean: 1, variance: 0.5, n: 5 }).standardError).toBeCloseTo(Math.sqrt(0.1), 15);
  });

  it('betaBinomialSf = the exact rational tail (betabinom.sf loses the far tail)', () => {
    const m = new Mismatches();
    for (const c of ref.betabinom_sf) m.check(`P(X ≥ ${c.x}) n=${c.n} a=${c.a} b=${c.b}`, betaBinomialSf(c.x, c.n, c.a, c.b), c.sf, TOL_BETABINOM);
    expect(m.items).toEqual([]);
    expect(m.checked).toBeGreaterThan(40);
  });

  it('aucTest: AUC = U/(n₁n₂), one-sided p from mannwhitneyu (asymptotic, tie and continuity corrections)', () => {
    const m = new Mismatches();
    for (const c of ref.auc) {
      const r = aucTest(generateSample(c.positive), generateSample(c.negative));
      m.check(`${c.label} auc`, r.auc, c.auc, { rel: 1e-15 });
      m.check(`${c.label} p`, r.pValue, c.pvalue, TOL_P);
    }
    expect(m.items).toEqual([]);
    expect(m.checked).toBe(8);
    expect(aucTest(new Float64Array(0), Float64Array.of(1))).toEqual({ auc: 0.5, pValue: 1 });
  });

  it('Cramér–von Mises with heavy ties at n = 200 000: ≤ 1e-9 relative to SciPy, standalone and in the battery', () => {
    const m = new Mismatches();
    for (const c of ref.cvm_ties) {
      const x = generateSample(c.x);
      const y = generateSample(c.y);
      const alone = cramerVonMises2samp(x, y);
      const fused = batteryColumn(c.label, x, y).cvm;
      for (const [label, r] of [['cvm', alone], ['battery', fused]] as const) {
        m.check(`${c.label} ${label} statistic vs SciPy`, r.statistic, c.statistic, TOL_CVM_TIES);
        m.check(`${c.label} ${label} statistic vs exact`, r.statistic, c.exact_statistic, TOL_CVM_EXACT);
        m.check(`${c.label} ${label} p`, r.pValue, c.pvalue, TOL_CVM_P);
      }
    }
    expect(m.items).toEqual([]);
    expect(m.checked).toBe(24);
  }, SLOW);
});
