/**
 * Count-table statistics against SciPy 1.10.1 / statsmodels 0.13.5 (scipy-vectors.json): chi2_contingency,
 * chisquare, Benjamini–Hochberg, Jensen–Shannon distance and categorical PSI. Where SciPy raised, we require a NaN p-value with a reason.
 */
import { describe, it, expect } from '@jest/globals';
import { benjaminiHochberg, chi2Contingency, chiSquare, jensenShannonDistance, psiFromCounts } from '../../src/stats/index.js';
import { loadVectors, Mismatches, TOL_P, TOL_STAT } from './vectors.js';

const v = loadVectors();

describe('count-table statistics match SciPy', () => {
  it('chi2Contingency with and without Yates correction', () => {
    const m = new Mismatches();
    for (const t of v.chi2_contingency) {
      for (const [key, correction] of [['correction', true], ['no_correction', false]] as const) {
        const want = t.results[key];
        const got = chi2Contingency(t.observed, { correction });
        const label = `${t.id} ${key}`;
        if (want.error) {
          if (!Number.isNaN(got.pValue) || !got.reason) m.fail(label, `SciPy raised (${want.message}); we gave p=${got.pValue}`);
          continue;
        }
        m.check(`${label} statistic`, got.statistic, want.statistic, TOL_STAT);
        m.check(`${label} pValue`, got.pValue, want.pvalue, TOL_P);
        if (got.dof !== want.dof) m.fail(label, `dof ${got.dof}, want ${want.dof}`);
        m.checkArray(`${label} expected`, got.expected.flat(), want.expected.flat(), TOL_STAT);
      }
    }
    expect(m.items).toEqual([]);
    expect(m.checked).toBeGreaterThan(3);
    expect(v.chi2_contingency.length).toBe(24);
  });

  it('chiSquare with and without expected counts and ddof', () => {
    const m = new Mismatches();
    for (const t of v.chisquare) {
      const got = chiSquare(t.f_obs, { expected: t.f_exp ?? undefined, ddof: t.ddof });
      m.check(`${t.id} statistic`, got.statistic, t.result.statistic, TOL_STAT);
      m.check(`${t.id} pValue`, got.pValue, t.result.pvalue, TOL_P);
      if (Number.isNaN(got.pValue) && !got.reason) m.fail(t.id, 'NaN p-value without a reason');
    }
    expect(m.items).toEqual([]);
    expect(m.checked).toBeGreaterThan(3);
  });

  it('benjaminiHochberg adjusted p-values and rejections', () => {
    const m = new Mismatches();
    for (const t of v.bh) {
      const got = benjaminiHochberg(t.pvalues, t.alpha);
      m.checkArray(`${t.id} adjusted`, got.adjusted, t.adjusted, TOL_STAT);
      if (JSON.stringify(got.reject) !== JSON.stringify(t.reject)) m.fail(t.id, `reject ${got.reject}, want ${t.reject}`);
    }
    expect(m.items).toEqual([]);
    expect(m.checked).toBeGreaterThan(3);
  });

  it('leaves its inputs untouched', () => {
    const p = [0.04, 0.01, 0.03];
    benjaminiHochberg(p, 0.05);
    expect(p).toEqual([0.04, 0.01, 0.03]);
  });

  it('jensenShannonDistance in base 2 and natural log', () => {
    const m = new Mismatches();
    for (const t of v.jensenshannon) {
      m.check(`${t.id} base2`, jensenShannonDistance(t.p, t.q, { base: 2 }), t.base2.distance, TOL_STAT);
      m.check(`${t.id} natural`, jensenShannonDistance(t.p, t.q), t.natural.distance, TOL_STAT);
    }
    expect(m.items).toEqual([]);
    expect(m.checked).toBeGreaterThan(3);
  });

  it('psiFromCounts and JS distance on categorical counts, including new and vanished categories', () => {
    const m = new Mismatches();
    for (const t of v.psi_categorical) {
      m.check(`${t.id} psi`, psiFromCounts(t.counts_ref, t.counts_cur), t.psi, TOL_STAT);
      m.check(`${t.id} js`, jensenShannonDistance(t.counts_ref, t.counts_cur, { base: 2 }), t.js_distance_base2, TOL_STAT);
    }
    expect(m.items).toEqual([]);
    expect(m.checked).toBeGreaterThan(3);
  });
});
