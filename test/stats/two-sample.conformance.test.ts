/**
 * Every two-sample vector in scipy-vectors.json (tiny, medium and the generated n = 200000 cases) against
 * SciPy 1.10.1, at the tolerances of test/data/conformance/README.md. No vector is excluded.
 */
import { describe, it, expect } from '@jest/globals';
import {
  andersonKsamp,
  cramerVonMises2samp,
  jensenShannonDistance,
  ks2samp,
  mannWhitneyU,
  psi,
  wassersteinDistance,
} from '../../src/stats/index.js';
import { materialise, type Pair } from './samples.js';
import { cvmLargeExact, loadVectors, Mismatches, TOL_CVM_EXACT, TOL_CVM_LARGE_SCIPY, TOL_EXACT_P, TOL_P, TOL_STAT, type Tolerance } from './vectors.js';

// Generous per-test limit: the n = 200000 vectors under a loaded CI machine (jest's VM context is slow).
const SLOW = 300_000;
// README: large-n Mann–Whitney U (≈2e10) at relative 1e-12.
const TOL_U: Tolerance = { abs: 1e-12, rel: 1e-12 };
// README allows relative 1e-6 for the CvM asymptotic p-value: SciPy truncates the series at terms < 1e-7 and
// evaluates K_{1/4} with AMOS; we use the same truncation, so differences come only from K_{1/4} and ln Γ.
// Below p = 1e-6 the value is 1 − (a CDF within 1e-16 of 1) in both implementations, i.e. rounding noise,
// so there we require absolute agreement within 1e-12.
const TOL_CVM_ASYMP: Tolerance = { rel: 1e-6, abs: 1e-12 };

const v = loadVectors();
const pairs: Pair[] = v.two_sample.map(materialise);

describe('two-sample statistics match SciPy on every vector', () => {
  it('has the 67 pairs the README lists, 4 of them generated', () => {
    expect(pairs).toHaveLength(67);
    expect(pairs.filter((p) => p.tags.includes('large'))).toHaveLength(4);
  }, SLOW);

  it('ks2samp: exact, asymp and auto', () => {
    const m = new Mismatches();
    for (const p of pairs) {
      const ref = p.results.ks_2samp;
      for (const method of ['exact', 'asymp'] as const) {
        const want = ref[method];
        if (want === undefined) continue; // the n = 200000 vectors store asymp only
        const got = ks2samp(p.x, p.y, { method });
        const label = `${p.id} ${method}`;
        if (got.method !== want.method_used) m.fail(label, `method ${got.method}, want ${want.method_used}`);
        m.check(`${label} statistic`, got.statistic, want.statistic, TOL_STAT);
        m.check(`${label} pValue`, got.pValue, want.pvalue, want.method_used === 'exact' ? TOL_EXACT_P : TOL_P);
        m.check(`${label} location`, got.statisticLocation, want.statistic_location, { abs: 0 });
        if (got.statisticSign !== want.statistic_sign) m.fail(label, `sign ${got.statisticSign}, want ${want.statistic_sign}`);
        if (Number.isNaN(got.pValue) && !got.reason) m.fail(label, 'NaN p-value without a reason');
      }
      const auto = ks2samp(p.x, p.y);
      if (auto.method !== ref.auto_method) m.fail(`${p.id} auto`, `chose ${auto.method}, want ${ref.auto_method}`);
    }
    expect(m.items).toEqual([]);
    expect(m.checked).toBeGreaterThan(3);
  }, SLOW);

  it('mannWhitneyU: asymptotic with and without continuity, exact where stored', () => {
    const m = new Mismatches();
    for (const p of pairs) {
      const ref = p.results.mannwhitneyu;
      const large = p.tags.includes('large');
      const variants = [
        ['asymptotic', { method: 'asymptotic', continuity: true }],
        ['asymptotic_no_continuity', { method: 'asymptotic', continuity: false }],
        ['exact', { method: 'exact' }],
      ] as const;
      for (const [key, opts] of variants) {
        const want = ref[key];
        if (want === undefined) continue; // exact stored only without ties and n1*n2 <= 2500
        const got = mannWhitneyU(p.x, p.y, opts);
        m.check(`${p.id} ${key} U`, got.statistic, want.statistic, large ? TOL_U : TOL_STAT);
        m.check(`${p.id} ${key} pValue`, got.pValue, want.pvalue, key === 'exact' ? TOL_EXACT_P : TOL_P);
      }
      const auto = mannWhitneyU(p.x, p.y);
      if (auto.method !== ref.auto_method) m.fail(`${p.id} auto`, `chose ${auto.method}, want ${ref.auto_method}`);
    }
    expect(m.items).toEqual([]);
    expect(m.checked).toBeGreaterThan(3);
  }, SLOW);

  it('cramerVonMises2samp: asymptotic everywhere, exact where stored; NaN with a reason where SciPy raises', () => {
    const m = new Mismatches();
    for (const p of pairs) {
      const ref = p.results.cramervonmises_2samp;
      for (const method of ['asymptotic', 'exact'] as const) {
        const want = ref[method];
        if (want === undefined) continue;
        const got = cramerVonMises2samp(p.x, p.y, { method });
        const label = `${p.id} ${method}`;
        if (want.error) {
          if (!Number.isNaN(got.pValue) || !got.reason) m.fail(label, `SciPy raised (${want.message}); we gave p=${got.pValue}`);
          continue;
        }
        const large = p.tags.includes('large');
        m.check(`${label} statistic`, got.statistic, want.statistic, large ? TOL_CVM_LARGE_SCIPY : TOL_STAT);
        if (large) m.check(`${label} statistic (exact)`, got.statistic, cvmLargeExact.get(p.id)!, TOL_CVM_EXACT);
        m.check(`${label} pValue`, got.pValue, want.pvalue, method === 'exact' ? TOL_EXACT_P : TOL_CVM_ASYMP);
      }
      const auto = cramerVonMises2samp(p.x, p.y);
      if (auto.method !== ref.auto_method) m.fail(`${p.id} auto`, `chose ${auto.method}, want ${ref.auto_method}`);
    }
    expect(m.items).toEqual([]);
    expect(m.checked).toBeGreaterThan(3);
  }, SLOW);

  it('andersonKsamp: midrank and right-continuous, statistic, critical values and capped p-value', () => {
    const m = new Mismatches();
    for (const p of pairs) {
      for (const key of ['midrank', 'right'] as const) {
        const want = p.results.anderson_ksamp[key];
        const got = andersonKsamp([p.x, p.y], { midrank: key === 'midrank' });
        const label = `${p.id} ${key}`;
        if (want.error) {
          if (!Number.isNaN(got.pValue) || !got.reason) m.fail(label, `SciPy raised (${want.message}); we gave p=${got.pValue}`);
          continue;
        }
        m.check(`${label} statistic`, got.statistic, want.statistic, TOL_STAT);
        m.checkArray(`${label} critical`, got.criticalValues, want.critical_values, TOL_STAT);
        m.check(`${label} pValue`, got.pValue, want.significance_level, TOL_P);
        const capped = (want.warnings ?? []).length > 0;
        if (capped !== (got.pValueBound !== undefined)) m.fail(label, `pValueBound ${got.pValueBound}, SciPy warnings ${want.warnings}`);
      }
    }
    expect(m.items).toEqual([]);
    expect(m.checked).toBeGreaterThan(3);
  }, SLOW);

  it('wassersteinDistance', () => {
    const m = new Mismatches();
    for (const p of pairs) m.check(p.id, wassersteinDistance(p.x, p.y), p.results.wasserstein_distance.value, TOL_STAT);
    expect(m.items).toEqual([]);
    expect(m.checked).toBeGreaterThan(3);
  }, SLOW);

  it('psi on reference deciles: edges, counts, PSI, and JS distance of the binned proportions', () => {
    const m = new Mismatches();
    for (const p of pairs) {
      const want = p.results.psi_ref_deciles;
      const got = psi(p.x, p.y);
      m.checkArray(`${p.id} edges`, got.edges, want.edges, TOL_STAT);
      m.checkArray(`${p.id} countsRef`, got.countsRef, want.counts_ref, { abs: 0 });
      m.checkArray(`${p.id} countsCur`, got.countsCur, want.counts_cur, { abs: 0 });
      m.check(`${p.id} psi`, got.psi, want.psi, TOL_STAT);
      const js = jensenShannonDistance(got.countsRef, got.countsCur, { base: 2 });
      m.check(`${p.id} js`, js, want.js_distance_base2, TOL_STAT);
    }
    expect(m.items).toEqual([]);
    expect(m.checked).toBeGreaterThan(3);
  }, SLOW);
});
