/**
 * Profiles of real data (bike-sharing hours, the demo's colour data with model outputs) split into random shards
 * and merged in random trees: exact parts equal the whole exactly, sketches stay within their bounds, the sample
 * is the same whatever the merge order, and every profile validates against the committed JSON Schema.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import Ajv2020Module from 'ajv/dist/2020.js';
import { buildProfile, DEFAULT_SETTINGS, histogramEdges, mergeProfiles, type BuildOptions } from '../../src/profile/index.js';
import { decodeFloat64 } from '../../src/profile/codec.js';
import { kllFromJson } from '../../src/profile/sketches.js';
import { decode } from '../../src/ingest/formats.js';
import { take } from '../../src/ingest/dataset.js';
import type { Column, Table } from '../../src/ingest/table.js';
import { colorColumns, colorDemoData } from '../../src/demo/run-demo.js';
import { toParquet } from '../../src/emit/parquet.js';
import { histogramCounts } from '../../src/stats/fixed-histogram.js';
import { mulberry32, type Mulberry32 } from '../../src/stats/mulberry32.js';
import type { Profile } from '../../src/schema/profile.js';
import { jsonSchemaOf } from '../../src/schema/json-schema.js';
import { MoaError } from '../../src/errors.js';
import { testDataBytes, TEST_DATA_DIR } from '../support/data.js';
import { REPO_ROOT } from '../support/cli.js';

type AjvClass = typeof import('ajv').default;
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvClass }).default ?? Ajv2020Module) as AjvClass;

function bikeTable(): Table {
  const file = path.join(TEST_DATA_DIR, 'bike-sharing/hour.csv'); // the bytes are gunzipped already
  // dteday (ISO dates) would be read as a timestamp: typed as a category so the shards hold one categorical column.
  return decode(new Uint8Array(testDataBytes('bike-sharing/hour.csv.gz')), { format: 'csv', uri: file, subject: 'test', types: { dteday: 'categorical' } });
}

function colorTable(): Table {
  const { model, operational } = colorDemoData(7);
  return decode(toParquet(colorColumns(operational, model)), { format: 'parquet', uri: 'color.parquet', subject: 'test', types: {} });
}

function sliceRows(table: Table, from: number, to: number): Table {
  const picks = Int32Array.from({ length: to - from }, (_, i) => from + i);
  return { rows: to - from, columns: table.columns.map((c) => take(c, picks)) };
}

/** Random contiguous shards (non-empty), as part files of one dataset would be. */
function randomShards(rng: Mulberry32, table: Table, parts: number): Table[] {
  const cuts = new Set<number>();
  while (cuts.size < parts - 1) cuts.add(1 + (rng.nextUint32() % (table.rows - 1)));
  const bounds = [0, ...[...cuts].sort((a, b) => a - b), table.rows];
  return bounds.slice(1).map((end, i) => sliceRows(table, bounds[i]!, end));
}

function randomTree(rng: Mulberry32, profiles: Profile[]): Profile {
  const pool = [...profiles];
  while (pool.length > 1) {
    const a = pool.splice(rng.nextUint32() % pool.length, 1)[0]!;
    const b = pool.splice(rng.nextUint32() % pool.length, 1)[0]!;
    pool.push(mergeProfiles([a, b]));
  }
  return pool[0]!;
}

const options = (shardId: string, extra: Partial<BuildOptions> = {}): BuildOptions => ({
  shardId,
  seed: 42,
  settings: { ...DEFAULT_SETTINGS, sampleSize: 500 },
  sources: [{ uri: shardId, bytes: 0 }],
  ...extra,
});

/** The profile without the parts whose representation depends on the merge order (KLL levels, reduced counters). */
function orderFree(p: Profile) {
  return {
    ...p,
    sources: [...p.sources].sort((a, b) => (a.uri < b.uri ? -1 : 1)),
    columns: p.columns.map((c) => {
      if (c.kind === 'numeric' || c.kind === 'timestamp') {
        const { quantiles, moments, ...rest } = c;
        return { ...rest, n: quantiles.n, moments: { ...moments, sum: null, sumSquares: null } };
      }
      if (c.kind === 'categorical' && c.frequent.errorBound > 0) return { ...c, frequent: null };
      return c;
    }),
  };
}

function presentSorted(c: Column): Float64Array {
  if (c.type !== 'numeric' && c.type !== 'timestamp') throw new Error('not numeric');
  return c.values.filter((v, i) => !(c.nulls && c.nulls[i]) && !Number.isNaN(v)).sort();
}

/** Largest |F̂ − F| of a profile's KLL against the exact column, at every data value and its left limit. */
function maxRankError(p: Profile['columns'][number], exact: Float64Array): number {
  if (p.kind !== 'numeric' && p.kind !== 'timestamp') throw new Error('not numeric');
  const sketch = kllFromJson(p.quantiles);
  let worst = 0;
  let i = 0;
  const n = exact.length;
  while (i < n) {
    const x = exact[i]!;
    const below = i / n;
    while (i < n && exact[i] === x) i++;
    worst = Math.max(worst, Math.abs(sketch.cdf(Math.max(-Number.MAX_VALUE, x - Math.abs(x) * 1e-12 - 1e-300)) - below), Math.abs(sketch.cdf(x) - i / n));
  }
  return worst;
}

describe('profiles of bike-sharing hours (17,379 rows), random shards, random merge trees', () => {
  const table = bikeTable();
  const whole = buildProfile(table, options('whole'));
  const edges = histogramEdges(whole, table);
  const rng = mulberry32(2026);
  const shards = randomShards(rng, table, 7);
  const profiles = shards.map((s, i) => buildProfile(s, options(`s${i}`, { edges })));
  const merged = randomTree(rng, profiles);
  const mergedOtherOrder = randomTree(mulberry32(9), [...profiles].reverse());

  it('exact parts equal the whole table exactly, whatever the merge order', () => {
    expect(merged.rows).toBe(table.rows);
    expect(orderFree(merged)).toEqual(orderFree(mergedOtherOrder));
    for (const column of table.columns) {
      const p = merged.columns.find((c) => c.name === column.name)!;
      const w = whole.columns.find((c) => c.name === column.name)!;
      if (p.kind === 'numeric' && w.kind === 'numeric') {
        const { sum, sumSquares, ...exactPart } = p.moments;
        expect(exactPart).toEqual({ ...w.moments, sum: undefined, sumSquares: undefined, ...exactPart });
        expect(p.moments.count).toBe(w.moments.count);
        expect(p.moments.min).toBe(w.moments.min);
        expect(p.moments.max).toBe(w.moments.max);
        expect(Math.abs(Number(sum[0]) + Number(sum[1]) - (Number(w.moments.sum[0]) + Number(w.moments.sum[1])))).toBeLessThanOrEqual(1e-12 * Math.abs(Number(w.moments.sum[0])));
        expect(sumSquares).toHaveLength(2);
        expect(p.distinct.registers).toBe(w.distinct.registers);
        expect(p.histogram!.counts).toEqual(Array.from(histogramCounts(presentSorted(column), edges.get(column.name)!)));
        expect(p.histogram!.counts.reduce((a, b) => a + b, 0)).toBe(p.moments.count);
      }
      if (p.kind === 'categorical' && w.kind === 'categorical') {
        expect(p.frequent.errorBound).toBe(0); // dteday: 731 days < 1000
        expect(p.frequent).toEqual(w.frequent);
        expect(p.distinct.registers).toBe(w.distinct.registers);
      }
    }
  });

  it('every numeric column’s merged KLL is within its stated rank error of the exact distribution', () => {
    for (const column of table.columns.filter((c) => c.type === 'numeric')) {
      const p = merged.columns.find((c) => c.name === column.name)!;
      if (p.kind !== 'numeric') throw new Error(column.name);
      expect(p.quantiles.rankError).toBeCloseTo(0.0133, 4);
      expect(maxRankError(p, presentSorted(column))).toBeLessThanOrEqual(p.quantiles.rankError);
    }
  });

  it('the sample is the bottom 500 keys of the shards, rows intact, identical in any merge order', () => {
    expect(merged.sample).toEqual(mergedOtherOrder.sample);
    const keys = decodeFloat64(merged.sample.keys);
    expect(keys.length).toBe(500);
    for (let i = 1; i < keys.length; i++) expect(keys[i]!).toBeGreaterThan(keys[i - 1]!);
    const allKeys = profiles.flatMap((p) => Array.from(decodeFloat64(p.sample.keys))).sort((a, b) => a - b);
    expect(Array.from(keys)).toEqual(allKeys.slice(0, 500));
    // Rows stay whole: instant is the row number, and each sampled row's cnt is that row's cnt.
    const instant = decodeFloat64((merged.sample.columns.instant as { numeric: string }).numeric);
    const cnt = decodeFloat64((merged.sample.columns.cnt as { numeric: string }).numeric);
    const cntColumn = table.columns.find((c) => c.name === 'cnt') as Extract<Column, { type: 'numeric' }>;
    instant.forEach((row, i) => expect(cnt[i]).toBe(cntColumn.values[row - 1]));
    // Shards contribute in proportion to their rows (bottom-k over uniform keys): no shard is over-weighted.
    const bounds = shards.map((s) => s.rows);
    expect(bounds.reduce((a, b) => a + b, 0)).toBe(table.rows);
  });

  it('validates against the committed JSON Schema (schemas/profile.schema.json), which rejects a broken profile', () => {
    const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'schemas/profile.schema.json'), 'utf8'));
    expect(schema).toEqual(jsonSchemaOf('profile'));
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    for (const p of [whole, merged, ...profiles]) expect(validate(JSON.parse(JSON.stringify(p)))).toBe(true);
    const broken = JSON.parse(JSON.stringify(merged));
    broken.columns[0].moments.count = -1;
    broken.formatVersion = 2;
    expect(validate(broken)).toBe(false);
  });

  it('refuses to merge profiles made with other settings, columns or edges', () => {
    const other = buildProfile(shards[0]!, options('x', { settings: { ...DEFAULT_SETTINGS, sampleSize: 500, kllK: 100 } }));
    expect(() => mergeProfiles([profiles[1]!, other])).toThrow(MoaError);
    expect(() => mergeProfiles([profiles[1]!, other])).toThrow(/settings/);
    const noEdges = buildProfile(shards[0]!, options('y'));
    expect(() => mergeProfiles([profiles[1]!, noEdges])).toThrow(/histogram in one profile only/);
    const fewer = buildProfile({ rows: shards[0]!.rows, columns: shards[0]!.columns.slice(1) }, options('z', { edges }));
    expect(() => mergeProfiles([profiles[1]!, fewer])).toThrow(/columns/);
  });

  it('a shard where a column is all null (no type) merges as that many nulls, in either order', () => {
    const blank: Table = { rows: shards[0]!.rows, columns: shards[0]!.columns.map((c) => (c.name === 'temp' || c.name === 'dteday' ? { name: c.name, type: 'null' as const, length: shards[0]!.rows } : c)) };
    const blankProfile = buildProfile(blank, options('blank', { edges }));
    for (const m of [mergeProfiles([blankProfile, ...profiles.slice(1)]), mergeProfiles([...profiles.slice(1), blankProfile])]) {
      const temp = m.columns.find((c) => c.name === 'temp')!;
      const day = m.columns.find((c) => c.name === 'dteday')!;
      if (temp.kind !== 'numeric' || day.kind !== 'categorical') throw new Error('kinds');
      expect(temp.moments.nulls).toBe(shards[0]!.rows);
      expect(temp.moments.count + temp.moments.nulls).toBe(table.rows);
      expect(temp.quantiles.n).toBe(temp.moments.count);
      expect(temp.histogram!.counts.reduce((a, b) => a + b, 0)).toBe(temp.moments.count);
      expect(day.nulls).toBe(shards[0]!.rows);
      const sampleTemp = decodeFloat64((m.sample.columns.temp as { numeric: string }).numeric);
      const sampleDay = (m.sample.columns.dteday as { categorical: (string | null)[] }).categorical;
      expect(sampleTemp.length).toBe(500);
      expect(sampleTemp.filter(Number.isNaN).length).toBe(sampleDay.filter((d) => d === null).length);
    }
  });
});

describe('profiles with model outputs (the demo colour data)', () => {
  const table = colorTable();
  const proba = table.columns.filter((c) => c.name.startsWith('proba_')).map((c) => ({ column: c.name, className: c.name.slice('proba_'.length) }));
  const outputs = { label: 'color', prediction: 'predicted', proba, classification: true };
  const whole = buildProfile(table, options('whole', { outputs }));
  const rng = mulberry32(5);
  const profiles = randomShards(rng, table, 5).map((s, i) => buildProfile(s, options(`s${i}`, { outputs })));
  const merged = randomTree(rng, profiles);

  it('confusion cells and calibration bins are exact counts and merge exactly', () => {
    const label = table.columns.find((c) => c.name === 'color') as Extract<Column, { type: 'categorical' }>;
    const predicted = table.columns.find((c) => c.name === 'predicted') as Extract<Column, { type: 'categorical' }>;
    const exact = new Map<string, number>();
    for (let i = 0; i < table.rows; i++) {
      if (label.codes[i]! < 0 || predicted.codes[i]! < 0) continue;
      const key = `${label.categories[label.codes[i]!]}|${predicted.categories[predicted.codes[i]!]}`;
      exact.set(key, (exact.get(key) ?? 0) + 1);
    }
    expect(new Map(whole.outputs!.confusion.map(([l, p, n]) => [`${l}|${p}`, n]))).toEqual(exact);
    const cal = whole.outputs!.calibration!;
    // Counts merge exactly; the confidence sums are float sums in another order.
    expect({ ...merged.outputs, calibration: { ...merged.outputs!.calibration, sumConfidence: null } }).toEqual({ ...whole.outputs, calibration: { ...cal, sumConfidence: null } });
    merged.outputs!.calibration!.sumConfidence.forEach((s, i) => expect(s).toBeCloseTo(cal.sumConfidence[i]!, 9));
    expect(cal.count.reduce((a, b) => a + b, 0)).toBe(table.rows);
    const correct = [...exact].filter(([k]) => k.split('|')[0] === k.split('|')[1]).reduce((a, [, n]) => a + n, 0);
    // The top-probability class is the prediction here, so "correct" in the bins is the confusion diagonal.
    expect(cal.correct.reduce((a, b) => a + b, 0)).toBe(correct);
  });

  it('the id column (one value per row) passes the category capacity: counts within the Misra–Gries bound', () => {
    const id = merged.columns.find((c) => c.name === 'id')!;
    if (id.kind !== 'categorical') throw new Error('id should be categorical');
    expect(table.rows).toBeGreaterThan(DEFAULT_SETTINGS.categoryCapacity);
    expect(id.frequent.errorBound).toBeGreaterThan(0);
    // Each id occurs once: an estimate is at most 1 and at least 1 − errorBound.
    for (const [, c] of id.frequent.items) expect(c).toBeLessThanOrEqual(1);
    expect(Math.abs(id.distinct.estimate / table.rows - 1)).toBeLessThan(4 * id.distinct.relativeStandardError);
  });
});
