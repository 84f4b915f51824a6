import { describe, expect, it } from '@jest/globals';
import type { Dataset, Roles } from '../../src/ingest/dataset.js';
import { mulberry32 } from '../../src/stats/index.js';
import { buildDesign } from '../../src/select/design.js';
import { evaluateCandidates, recommend, type CandidateScore } from '../../src/select/candidates.js';

const score = (name: string, metric: 'accuracy' | 'mae', value: number): CandidateScore => ({ name, description: name, rows: 100, effectiveRows: 100, metric, value, recommended: false });

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

describe('the recommendation', () => {
  // Baseline right on 70 of 100 hold-out rows.
  const base = Uint8Array.from({ length: 100 }, (_, i) => (i % 10 < 7 ? 1 : 0));

  it('recommends the best figure and says when its lead over naive_refit is within the hold-out noise', () => {
    const lead = rows(100, 3, 0, base); // 3 rows better, none worse: exact McNemar p = 0.125
    const r = recommend([score('naive_refit', 'accuracy', mean(base)), score('balanced', 'accuracy', mean(lead))], [base, lead]);
    expect(r.index).toBe(1);
    expect(r.comparisons).toEqual([expect.objectContaining({ name: 'balanced', test: 'mcnemar_exact', better: 3, worse: 0, pValue: 0.125, adjustedP: 0.125 })]);
  });

  it('adjusts the p-values of several candidates compared with the same naive_refit (Holm)', () => {
    const good = rows(100, 12, 1, base);
    const better = rows(100, 15, 0, base);
    const worse = rows(100, 0, 4, base);
    const scores = [score('naive_refit', 'accuracy', mean(base)), score('balanced', 'accuracy', mean(good)), score('targeted', 'accuracy', mean(better)), score('recent_window', 'accuracy', mean(worse))];
    const r = recommend(scores, [base, good, better, worse]);
    expect(r.index).toBe(2);
    const by = Object.fromEntries(r.comparisons.map((c) => [c.name, c]));
    // SciPy binomtest(15, 15, alternative='greater') = 0.5^15; binomtest(12, 13, …) = 14 · 0.5^13; binomtest(0, 4, …) = 1.
    expect(by.targeted!.pValue).toBeCloseTo(0.5 ** 15, 15);
    expect(by.targeted!.adjustedP).toBeCloseTo(3 * 0.5 ** 15, 15);
    expect(by.balanced!.pValue).toBeCloseTo(14 * 0.5 ** 13, 15);
    expect(by.balanced!.adjustedP).toBeCloseTo(2 * 14 * 0.5 ** 13, 15);
    expect(by.recent_window!.adjustedP).toBe(1);
  });

  it('keeps the earlier candidate on a tie, and compares nothing without naive_refit', () => {
    const same = base.slice();
    expect(recommend([score('naive_refit', 'accuracy', mean(base)), score('balanced', 'accuracy', mean(same))], [base, same]).index).toBe(0);
    const lead = rows(100, 1, 0, base);
    const r = recommend([score('recent_window', 'accuracy', mean(base)), score('targeted', 'accuracy', mean(lead))], [base, lead]);
    expect(r.index).toBe(1);
    expect(r.comparisons).toEqual([]);
  });

  it('for regression compares absolute errors with a paired t-test (lower MAE is better)', () => {
    const next = mulberry32(3);
    const naive = Float64Array.from({ length: 200 }, () => 10 * next.nextDouble53());
    const slightly = Float64Array.from(naive, (e) => e - 0.01 + 0.5 * (next.nextDouble53() - 0.5)); // mean gain ~0.01, spread ~0.14
    const clearly = Float64Array.from(naive, (e) => e - 1 + 0.5 * (next.nextDouble53() - 0.5));
    const m = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    const r = recommend([score('naive_refit', 'mae', m(naive)), score('balanced', 'mae', m(slightly)), score('targeted', 'mae', m(clearly))], [naive, slightly, clearly]);
    expect(r.index).toBe(2);
    const [slight, clear] = r.comparisons;
    expect(slight).toMatchObject({ name: 'balanced', test: 'paired_t' });
    expect(slight!.adjustedP).toBeGreaterThan(0.05);
    expect(clear!.adjustedP).toBeLessThan(1e-10);
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
