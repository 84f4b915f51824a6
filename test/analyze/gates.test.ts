import { describe, expect, it } from '@jest/globals';
import { analyzeGates } from '../../src/analyze/index.js';
import { CHECKS, findAll } from '../../src/checks/index.js';
import type { Dataset } from '../../src/ingest/dataset.js';
import type { Column } from '../../src/ingest/table.js';
import { CheckResultSchema } from '../../src/schema/results.js';
import { generateSample } from '../../src/stats/index.js';
import { categorical, config, datasetOf, numeric, resolved } from './support.js';

const N = 2000;
const cfg = config({ seed: 3 });

function pair(opColumns: (ref: { x: Float64Array; sex: (string | null)[] }) => Column[], seed = 1) {
  const x = generateSample({ dist: 'normal12', n: N, seed, mu: 50, sigma: 10 });
  const xo = generateSample({ dist: 'normal12', n: N, seed: seed + 100, mu: 50, sigma: 10 });
  const sex = Array.from(generateSample({ dist: 'discrete', n: N, seed: seed + 7, k: 2 }), (v) => (v ? 'M' : 'F'));
  const sexo = Array.from(generateSample({ dist: 'discrete', n: N, seed: seed + 8, k: 2 }), (v) => (v ? 'M' : 'F'));
  const reference: Dataset = datasetOf([numeric('x', x), categorical('sex', sex)], 'reference');
  const operational: Dataset = datasetOf(opColumns({ x: xo, sex: sexo }), 'operational');
  return resolved(cfg, reference, operational);
}

/** The data-quality results by id (the schema gate is read through `schema.columns` elsewhere). */
const byId = (results: ReturnType<typeof analyzeGates>) => Object.fromEntries(findAll(results, CHECKS.dataQuality).map((r) => [r.id, r]));

describe('data-quality gates', () => {
  it('pass on two samples of the same population', () => {
    const { roles, reference, operational } = pair(({ x, sex }) => [numeric('x', x), categorical('sex', sex)]);
    const results = analyzeGates(reference, operational, roles, cfg);
    for (const r of results) CheckResultSchema.parse(r);
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['schema.columns', 'pass'],
      ['quality.column.x', 'pass'],
      ['quality.column.sex', 'pass'],
      ['quality.duplicates', 'pass'],
    ]);
  });

  it.each([
    ['a unit change (grams → milligrams)', ({ x, sex }: { x: Float64Array; sex: (string | null)[] }) => [numeric('x', x.map((v) => v * 1000)), categorical('sex', sex)], 'quality.column.x', 'scale_change'],
    ['a re-encoded category (M/F → male/female)', ({ x, sex }: { x: Float64Array; sex: (string | null)[] }) => [numeric('x', x), categorical('sex', sex.map((s) => (s === 'M' ? 'male' : 'female')))], 'quality.column.sex', 'new_categories'],
    ['a stuck source (constant values)', ({ sex }: { x: Float64Array; sex: (string | null)[] }) => [numeric('x', new Float64Array(N).fill(42)), categorical('sex', sex)], 'quality.column.x', 'constant'],
    ['a null surge (half the values missing)', ({ x, sex }: { x: Float64Array; sex: (string | null)[] }) => [numeric('x', x.map((v, i) => (i % 2 ? NaN : v))), categorical('sex', sex)], 'quality.column.x', 'null_rate'],
    ['an emptied column', ({ sex }: { x: Float64Array; sex: (string | null)[] }) => [numeric('x', new Float64Array(N).fill(NaN)), categorical('sex', sex)], 'quality.column.x', 'empty'],
    ['±Inf written in place of values', ({ x, sex }: { x: Float64Array; sex: (string | null)[] }) => [numeric('x', x.map((v, i) => (i % 3 === 0 ? Infinity : i % 3 === 1 ? -Infinity : v))), categorical('sex', sex)], 'quality.column.x', 'null_rate'],
  ])('fail on %s', (_, op, id, check) => {
    const { roles, reference, operational } = pair(op);
    const result = byId(analyzeGates(reference, operational, roles, cfg))[id]!;
    expect(result.status).toBe('fail');
    expect(result.details!.findings!.map((f) => f.check)).toContain(check);
  });

  it('fail on mass duplication (one batch written many times)', () => {
    const { roles, reference, operational } = pair(({ x, sex }) => [numeric('x', x.map((_, i) => x[i % 100]!)), categorical('sex', sex.map((_, i) => sex[i % 100]!))]);
    const dup = byId(analyzeGates(reference, operational, roles, cfg))['quality.duplicates']!;
    expect(dup.status).toBe('fail');
    expect(dup.figures.duplicateShareOperational).toBeCloseTo(0.95, 5);
  });

  it('only warn when values move beyond the reference range (drift, not broken data)', () => {
    const { roles, reference, operational } = pair(({ x, sex }) => [numeric('x', x.map((v) => v + 25)), categorical('sex', sex)]);
    const result = byId(analyzeGates(reference, operational, roles, cfg))['quality.column.x']!;
    expect(result.status).toBe('warn');
    expect(Number(result.figures.outOfRangeShare)).toBeGreaterThan(0.3);
  });

  it('warn on a changed label set', () => {
    const c = config({ columns: { label: 'y', categorical: [], ignore: [], types: {} } });
    const ref = datasetOf([numeric('x', [1, 2, 3, 4]), categorical('y', ['a', 'b', 'a', 'b'])], 'reference');
    const op = datasetOf([numeric('x', [1, 2, 3, 4]), categorical('y', ['a', 'c', 'a', 'c'])], 'operational');
    const { roles, reference, operational } = resolved(c, ref, op);
    const labels = byId(analyzeGates(reference, operational, roles, c))['quality.labels']!;
    expect(labels.status).toBe('warn');
    expect(labels.details).toEqual({ added: ['c'], vanished: ['b'] });
  });
});
