import { describe, expect, it } from '@jest/globals';
import { analyzeFeatures, analyzeGates, analyzeMultivariate, analyzeNewClasses, analyzeOutputs, analyzeTensors } from '../../src/analyze/index.js';
import type { Dataset, Roles } from '../../src/ingest/dataset.js';
import type { Column } from '../../src/ingest/table.js';
import { CheckResultSchema, type CheckResult } from '../../src/schema/results.js';
import { CHECKS, findAll } from '../../src/checks/index.js';
import { generateSample } from '../../src/stats/index.js';
import { categorical, config, datasetOf, numeric } from './support.js';

const cfg = config({ seed: 9, analyze: { multivariate: { maxRows: 500, epochs: 3 }, novelty: { maxRows: 500 }, tensor: { maxRows: 200, mmdRows: 50, permutations: 19 } } });

/** Every entry point, in plan order; each result must be a valid, JSON-safe CheckResult. */
function analyzeAll(reference: Dataset, operational: Dataset, roles: Roles): CheckResult[] {
  const results = [
    ...analyzeGates(reference, operational, roles, cfg),
    ...analyzeOutputs(reference, operational, roles, cfg),
    ...analyzeFeatures(reference, operational, roles, cfg),
    ...analyzeMultivariate(reference, operational, roles, cfg).results,
    ...analyzeTensors(reference, operational, roles, cfg),
    ...analyzeNewClasses(reference, operational, roles, cfg).results,
  ];
  for (const r of results) {
    CheckResultSchema.parse(r);
    // Results go to results.json: no NaN / Infinity hiding in figures (JSON would turn them into null silently).
    expect(JSON.parse(JSON.stringify(r.figures))).toEqual(r.figures);
  }
  return results;
}

const roles = (features: string[], extra: Partial<Roles> = {}): Roles => ({ task: null, proba: [], features, excluded: [], ...extra });
const statusOf = (results: CheckResult[], id: string) => results.find((r) => r.id === id)?.status;

describe('hostile and odd input: clear statuses, no crash', () => {
  it('all-null columns, NaN and ±Inf values', () => {
    const n = 300;
    const x = generateSample({ dist: 'normal12', n, seed: 1, mu: 0, sigma: 1 });
    const y = generateSample({ dist: 'normal12', n, seed: 2, mu: 0, sigma: 1 });
    const weird = (v: Float64Array) => v.map((a, i) => (i % 10 === 0 ? NaN : i % 10 === 1 ? Infinity : i % 10 === 2 ? -Infinity : a));
    const ref = datasetOf([numeric('x', x), numeric('allnan', new Float64Array(n).fill(NaN)), { name: 'empty', type: 'null', length: n }, numeric('w', weird(x))], 'reference');
    const op = datasetOf([numeric('x', y), numeric('allnan', new Float64Array(n).fill(NaN)), { name: 'empty', type: 'null', length: n }, numeric('w', weird(y))], 'operational');
    const results = analyzeAll(ref, op, roles(['x', 'allnan', 'empty', 'w']));
    expect(statusOf(results, 'drift.feature.allnan')).toBe('insufficient_data');
    expect(statusOf(results, 'drift.feature.empty')).toBe('skipped');
    expect(statusOf(results, 'drift.feature.w')).toBe('pass');
    expect(statusOf(results, 'quality.column.w')).toBe('pass'); // same invalid share on both sides
    expect(statusOf(results, 'quality.column.allnan')).toBe('pass');
    expect(statusOf(results, 'quality.column.empty')).toBe('warn');
  });

  it('a single operational row', () => {
    const x = generateSample({ dist: 'normal12', n: 200, seed: 3, mu: 0, sigma: 1 });
    const ref = datasetOf([numeric('x', x), categorical('c', Array.from(x, (v) => (v > 0 ? 'a' : 'b')))], 'reference');
    const op = datasetOf([numeric('x', [0.5]), categorical('c', ['a'])], 'operational');
    const results = analyzeAll(ref, op, roles(['x', 'c']));
    expect(statusOf(results, 'drift.feature.x')).toBe('insufficient_data');
    expect(statusOf(results, 'drift.feature.c')).toBe('insufficient_data');
    expect(statusOf(results, 'drift.multivariate.domain_classifier')).toBe('insufficient_data');
    expect(statusOf(results, 'drift.multivariate.reconstruction')).toBe('insufficient_data');
    expect(statusOf(results, 'analyze.novelty')).toBe('insufficient_data');
    expect(statusOf(results, 'quality.duplicates')).toBe('insufficient_data');
  });

  it('a single reference row', () => {
    const ref = datasetOf([numeric('x', [1])], 'reference');
    const op = datasetOf([numeric('x', generateSample({ dist: 'uniform', n: 100, seed: 4, low: 0, high: 2 }))], 'operational');
    const results = analyzeAll(ref, op, roles(['x']));
    expect(statusOf(results, 'drift.feature.x')).toBe('insufficient_data');
  });

  it('100 000 distinct categories (an id-like column)', () => {
    const n = 100_000;
    const ref = datasetOf([categorical('id', Array.from({ length: n }, (_, i) => `r${i}`))], 'reference');
    const op = datasetOf([categorical('id', Array.from({ length: n }, (_, i) => `o${i}`))], 'operational');
    const results = analyzeAll(ref, op, roles(['id']));
    const drift = findAll(results, CHECKS.featureDrift).find((r) => r.id === 'drift.feature.id')!;
    // Every category is rare, so all pool into one cell: no test is possible and none is faked.
    expect(drift.method).toBe('single category');
    expect(drift.figures.pooledCategories).toBe(2 * n);
    // The gate sees that every operational value is unseen, and that this is what an id column does: every
    // reference value is a singleton, so Good–Turing expects every new row to be unseen (p = 1) — not broken data.
    const gate = findAll(results, CHECKS.dataQuality).find((r) => r.id === 'quality.column.id')!;
    expect(gate.figures.newCategoryShare).toBe(1);
    expect(gate.figures.newCategoryPValue).toBe(1);
    expect(gate.status).toBe('pass');
  });

  it('tensor rows with nulls and NaN pixels, and tensors of different sizes', () => {
    const n = 200;
    const tensor = (size: number, seed: number, bad: boolean): Column => {
      const values = Float32Array.from(generateSample({ dist: 'uniform', n: n * size, seed, low: 0, high: 1 }));
      const nulls = new Uint8Array(n);
      if (bad) for (let i = 0; i < n; i += 7) (nulls[i] = 1), (values[i * size + 1] = NaN);
      return { name: 't', type: 'tensor', size, values, nulls };
    };
    const ok = analyzeAll(datasetOf([tensor(16, 1, true)], 'reference'), datasetOf([tensor(16, 2, true)], 'operational'), roles(['t']));
    expect(statusOf(ok, 'drift.tensor.t')).not.toBe('error');
    expect(statusOf(ok, 'drift.feature.t')).toBe('skipped');
    const mismatched = analyzeAll(datasetOf([tensor(16, 1, false)], 'reference'), datasetOf([tensor(8, 2, false)], 'operational'), roles(['t']));
    expect(statusOf(mismatched, 'schema.columns')).toBe('fail');
    expect(statusOf(mismatched, 'drift.tensor.t')).toBeUndefined();
  });

  it('independent columns without nulls (rank below the encoded width): the reconstruction test compares real residuals, not rounding', () => {
    // Four independent columns: the encoding is 8 wide (values and null flags) but the data vary in 4 directions.
    // Keeping components for 90 % of the variance took all 4, and the test then compared floating-point residue
    // (~1e-15), which grows with the values' magnitude: bench:scale's 10M rows "drifted" on location and scale changes.
    const side = (seed: number, scale: number, shift: number) =>
      [0, 1, 2, 3].map((j) => numeric(`x${j}`, Array.from(generateSample({ dist: 'normal12', n: 2000, seed: seed + j, mu: j === 0 ? shift : 0, sigma: j === 1 ? scale : 1 }))));
    const [reference, operational] = [datasetOf(side(100, 1, 0), 'reference'), datasetOf(side(200, 1.1, 0.05), 'operational')];
    const reconstruction = analyzeMultivariate(reference, operational, roles(['x0', 'x1', 'x2', 'x3']), cfg).results.find((r) => r.id === 'drift.multivariate.reconstruction')!;
    CheckResultSchema.parse(reconstruction);
    expect(reconstruction.figures.components).toBeLessThan(4);
    // The reference's own error is the variance the components leave out (about one column's): real, not rounding.
    expect(Number(reconstruction.figures.referenceError)).toBeGreaterThan(0.1);
  });
});
