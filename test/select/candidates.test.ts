import { describe, expect, it } from '@jest/globals';
import type { Dataset, Roles } from '../../src/ingest/dataset.js';
import { mulberry32 } from '../../src/stats/index.js';
import { buildDesign } from '../../src/select/design.js';
import { evaluateCandidates, recommend, SELECT_LEVEL, type CandidateScore } from '../../src/select/candidates.js';

const score = (name: string, metric: 'accuracy' | 'mae', value: number): CandidateScore => ({ name, description: name, rows: 100, metric, value, recommended: false });

/** 0/1 correctness on `n` rows: the baseline's, and a candidate's that differs from it on `better` + `worse` rows. */
function rows(n: number, better: number, worse: number, base: Uint8Array) {
  const out = base.slice();
  let b = better;
  let w = worse;
  for (let i = 0; i < n && (b > 0 || w > 0); i++) {
    if (!base[i] && b > 0) (out[i] = 1), b--;
    else if (base[i] && w > 0) (out[i] = 0), w--;
  }
  return out;
}
const mean = (a: Uint8Array) => a.reduce((s, v) => s + v, 0) / a.length;

describe('the recommendation rule', () => {
  // Baseline right on 70 of 100 hold-out rows.
  const base = Uint8Array.from({ length: 100 }, (_, i) => (i % 10 < 7 ? 1 : 0));

  it('keeps naive_refit when a higher figure is within the hold-out noise', () => {
    const lead = rows(100, 3, 0, base); // 3 rows better, none worse: exact McNemar p = 0.125
    const r = recommend([score('naive_refit', 'accuracy', mean(base)), score('balanced', 'accuracy', mean(lead))], [base, lead], SELECT_LEVEL);
    expect(r.bestByValue).toBe('balanced');
    expect(r.index).toBe(0);
    expect(r.comparisons).toEqual([expect.objectContaining({ name: 'balanced', better: 3, worse: 0, pValue: 0.125, adjustedP: 0.125 })]);
  });

  it('recommends a candidate that beats naive_refit significantly, the best figure among several', () => {
    const good = rows(100, 12, 1, base); // p = 0.0017 (SciPy binomtest(12, 13, alternative='greater'))
    const better = rows(100, 15, 0, base);
    const noisy = rows(100, 20, 0, base).map((v, i) => (i >= 60 ? 1 - v : v)); // many rows either way
    const scores = [score('naive_refit', 'accuracy', mean(base)), score('balanced', 'accuracy', mean(good)), score('targeted', 'accuracy', mean(better)), score('recent_window', 'accuracy', mean(noisy))];
    const r = recommend(scores, [base, good, better, noisy], SELECT_LEVEL);
    expect(r.index).toBe(2);
    // Holm over three comparisons: the smallest p is multiplied by 3.
    const targeted = r.comparisons.find((c) => c.name === 'targeted')!;
    expect(targeted.adjustedP).toBeCloseTo(3 * 0.5 ** 15, 15);
  });

  it('does not need significance when there is no naive_refit to fall back on', () => {
    const lead = rows(100, 1, 0, base);
    const r = recommend([score('recent_window', 'accuracy', mean(base)), score('targeted', 'accuracy', mean(lead))], [base, lead], SELECT_LEVEL);
    expect(r.index).toBe(1);
    expect(r.comparisons).toEqual([]);
  });

  it('for regression compares absolute errors with a paired t-test (lower MAE is better)', () => {
    const next = mulberry32(3);
    const naive = Float64Array.from({ length: 200 }, () => 10 * next.nextDouble53());
    const slightly = Float64Array.from(naive, (e) => e - 0.01 + 0.5 * (next.nextDouble53() - 0.5)); // mean gain 0.01, spread ~0.14
    const clearly = Float64Array.from(naive, (e) => e - 1 + 0.5 * (next.nextDouble53() - 0.5));
    const m = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    const withSlight = recommend([score('naive_refit', 'mae', m(naive)), score('targeted', 'mae', m(slightly))], [naive, slightly], SELECT_LEVEL);
    expect(withSlight.comparisons[0]!.test).toBe('paired_t');
    expect(withSlight.comparisons[0]!.adjustedP).toBeGreaterThan(SELECT_LEVEL);
    expect(withSlight.index).toBe(0);
    const withClear = recommend([score('naive_refit', 'mae', m(naive)), score('targeted', 'mae', m(clearly))], [naive, clearly], SELECT_LEVEL);
    expect(withClear.comparisons[0]!.adjustedP).toBeLessThan(1e-10);
    expect(withClear.index).toBe(1);
  });
});

describe('evaluateCandidates', () => {
  // One feature; the reference labels x > 0, the operational world x > 1 (concept drift). The hold-out is
  // operational, so training on the operational rows alone is truly better than mixing in the old concept.
  const next = mulberry32(11);
  const make = (n: number, cut: number): Dataset => {
    const x = Float64Array.from({ length: n }, () => 4 * next.nextDouble53() - 2);
    return {
      role: 'operational',
      uri: 'memory',
      rows: n,
      columns: new Map([
        ['x', { name: 'x', type: 'numeric', values: x, nulls: null, integer: false }],
        ['y', { name: 'y', type: 'categorical', codes: Int32Array.from(x, (v) => (v > cut ? 1 : 0)), categories: ['no', 'yes'], boolean: false }],
      ]),
    };
  };
  const reference = make(2000, 0);
  const operational = make(600, 1);
  const roles: Roles = { task: 'classification', label: 'y', proba: [], features: ['x'], excluded: [] };
  const all = (d: Dataset) => Int32Array.from({ length: d.rows }, (_, i) => i);
  const train = Int32Array.from({ length: 300 }, (_, i) => i);
  const holdout = Int32Array.from({ length: 300 }, (_, i) => 300 + i);
  const ref = { source: 'reference' as const, dataset: reference, rows: all(reference) };
  const op = { source: 'operational' as const, dataset: operational, rows: train };

  it('recommends the operational-only candidate over a naive mix, with the paired evidence in the result', () => {
    const { scores, comparisons } = evaluateCandidates(
      [
        { name: 'naive_refit', description: '', parts: [ref, op] },
        { name: 'recent_window', description: '', parts: [op] },
        { name: 'naive_copy', description: '', parts: [ref, op] },
      ],
      { dataset: operational, rows: holdout },
      buildDesign(reference, roles),
      roles,
      { classes: 2, maxRows: 10000, seed: 1 },
    );
    expect(scores.find((s) => s.recommended)!.name).toBe('recent_window');
    const recent = comparisons.find((c) => c.name === 'recent_window')!;
    expect(recent.better).toBeGreaterThan(20);
    expect(recent.adjustedP).toBeLessThan(1e-6);
    // The same rule on the same rows fits the same model: no disagreement, no evidence.
    expect(comparisons.find((c) => c.name === 'naive_copy')).toMatchObject({ better: 0, worse: 0, pValue: 1 });
  });
});
