/**
 * Every two-sample vector in scipy-vectors.json (tiny, medium and the generated n = 200000 cases) against
 * SciPy 1.10.1, at the tolerances of ../shared/conformance/README.md. No vector is excluded.
 */
import { describe, it, expect } from '@jest/globals';
import { ks2samp } from '../../src/stats/index.js';
import { materialise, type Pair } from './samples.js';
import { loadVectors, Mismatches, TOL_EXACT_P, TOL_P, TOL_STAT } from './vectors.js';

const v = loadVectors();
const pairs: Pair[] = v.two_sample.map(materialise);

describe('two-sample statistics match SciPy on every vector', () => {
  it('has the 67 pairs the README lists, 4 of them generated', () => {
    expect(pairs).toHaveLength(67);
    expect(pairs.filter((p) => p.tags.includes('large'))).toHaveLength(4);
  });

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
  });
});
