/**
 * One profile from one table (a shard): per column the sketches of src/stats, the model-output counts, and a
 * bottom-k uniform sample of whole rows. Deterministic given the shard id and the seed.
 */
import { BottomK } from '../stats/bottom-k-sample.js';
import { histogramCounts } from '../stats/fixed-histogram.js';
import { FrequentItems } from '../stats/frequent-items.js';
import { HyperLogLog, hashString } from '../stats/hyperloglog.js';
import { KllSketch } from '../stats/kll.js';
import { addToMoments, emptyMoments } from '../stats/moments.js';
import { mulberry32 } from '../stats/mulberry32.js';
import type { ProbaColumn } from '../ingest/dataset.js';
import type { Column, Table } from '../ingest/table.js';
import { PROFILE_FORMAT_VERSION, type ColumnProfile, type OutputsProfile, type Profile, type SampleProfile } from '../schema/profile.js';
import { VERSION } from '../version.js';
import { encodeFloat64 } from './codec.js';
import { frequentToJson, hllToJson, kllToJson, momentsToJson } from './sketches.js';

export interface ProfileSettings {
  kllK: number;
  hllPrecision: number;
  categoryCapacity: number;
  sampleSize: number;
  calibrationBins: number;
}

export const DEFAULT_SETTINGS: ProfileSettings = { kllK: 200, hllPrecision: 12, categoryCapacity: 1000, sampleSize: 10_000, calibrationBins: 10 };

export interface OutputRoles {
  label?: string | undefined;
  prediction?: string | undefined;
  proba: ProbaColumn[];
  /** Confusion cells only make sense for classification. */
  classification: boolean;
}

export interface BuildOptions {
  /** Names the shard: seeds its sample keys and compactor coins, so shards draw independent streams. */
  shardId: string;
  seed: number;
  settings: ProfileSettings;
  sources: Profile['sources'];
  /** Inner histogram edges per numeric column (from the reference profile). */
  edges?: Map<string, Float64Array> | undefined;
  outputs?: OutputRoles | undefined;
}

/** A uint32 seed for one shard: the run seed mixed with a hash of the shard id (never 0). */
export function shardSeed(shardId: string, seed: number): number {
  const [h1] = hashString(`${seed}:${shardId}`);
  return h1 || 1;
}

export function buildProfile(table: Table, options: BuildOptions): Profile {
  const { settings } = options;
  const seed = shardSeed(options.shardId, options.seed);
  const columns = table.columns.map((c, index) => profileColumn(c, settings, (seed + index * 0x9e3779b9) >>> 0 || 1, options.edges?.get(c.name)));
  return {
    apiVersion: 'moa/v1',
    kind: 'Profile',
    formatVersion: PROFILE_FORMAT_VERSION,
    toolVersion: VERSION,
    rows: table.rows,
    settings: { ...settings },
    sources: options.sources,
    columns,
    ...(options.outputs ? { outputs: profileOutputs(table, options.outputs, settings.calibrationBins) } : {}),
    sample: sampleRows(table, settings.sampleSize, mulberry32(seed)),
  };
}

/** The non-null, non-NaN values of a numeric or timestamp column. */
function presentValues(values: Float64Array, nulls: Uint8Array | null): Float64Array {
  let n = 0;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if ((nulls === null || nulls[i] !== 1) && !Number.isNaN(v)) out[n++] = v;
  }
  return out.subarray(0, n);
}

function profileColumn(c: Column, settings: ProfileSettings, seed: number, edges: Float64Array | undefined): ColumnProfile {
  switch (c.type) {
    case 'numeric':
    case 'timestamp': {
      const values = presentValues(c.values, c.nulls);
      const moments = emptyMoments();
      addToMoments(moments, values, null);
      moments.nulls = c.values.length - values.length;
      const kll = new KllSketch(settings.kllK, seed);
      kll.updateAll(values);
      const hll = new HyperLogLog(settings.hllPrecision);
      for (let i = 0; i < values.length; i++) hll.addNumber(values[i]!);
      return {
        name: c.name,
        kind: c.type,
        integer: c.type === 'numeric' && c.integer,
        moments: momentsToJson(moments),
        quantiles: kllToJson(kll),
        distinct: hllToJson(hll),
        ...(edges ? { histogram: { edges: Array.from(edges), counts: Array.from(histogramCounts(values, edges)) } } : {}),
      };
    }
    case 'categorical': {
      const counts = new Float64Array(c.categories.length);
      let nulls = 0;
      for (let i = 0; i < c.codes.length; i++) {
        const code = c.codes[i]!;
        if (code < 0) nulls++;
        else counts[code]!++;
      }
      const frequent = new FrequentItems(settings.categoryCapacity);
      const hll = new HyperLogLog(settings.hllPrecision);
      c.categories.forEach((category, code) => {
        if (counts[code]! === 0) return;
        frequent.add(category, counts[code]!);
        hll.addString(category);
      });
      return { name: c.name, kind: 'categorical', boolean: c.boolean, count: c.codes.length - nulls, nulls, frequent: frequentToJson(frequent), distinct: hllToJson(hll) };
    }
    case 'tensor':
    case 'null':
    case 'unsupported':
      return { name: c.name, kind: 'other', type: c.type, rows: c.type === 'tensor' ? (c.nulls?.length ?? c.values.length / Math.max(1, c.size)) : c.length };
  }
}

/** A cell as the text a class is named by (categories as they are, numbers in JavaScript's shortest form). */
export function cellText(c: Column, i: number): string | null {
  switch (c.type) {
    case 'categorical':
      return c.codes[i]! < 0 ? null : c.categories[c.codes[i]!]!;
    case 'numeric':
    case 'timestamp':
      return (c.nulls !== null && c.nulls[i] === 1) || Number.isNaN(c.values[i]!) ? null : String(c.values[i]!);
    default:
      return null;
  }
}

function profileOutputs(table: Table, roles: OutputRoles, bins: number): OutputsProfile {
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const label = roles.label === undefined ? undefined : byName.get(roles.label);
  const prediction = roles.prediction === undefined ? undefined : byName.get(roles.prediction);
  const cells = new Map<string, [string, string, number]>();
  if (roles.classification && label && prediction) {
    for (let i = 0; i < table.rows; i++) {
      const l = cellText(label, i);
      const p = cellText(prediction, i);
      if (l === null || p === null) continue;
      const key = JSON.stringify([l, p]);
      const cell = cells.get(key);
      if (cell) cell[2]++;
      else cells.set(key, [l, p, 1]);
    }
  }
  const out: OutputsProfile = {
    ...(roles.label !== undefined ? { label: roles.label } : {}),
    ...(roles.prediction !== undefined ? { prediction: roles.prediction } : {}),
    confusion: sortCells([...cells.values()]),
  };
  const proba = roles.proba.map((p) => byName.get(p.column)).filter((c): c is Extract<Column, { type: 'numeric' }> => c?.type === 'numeric');
  if (roles.proba.length > 0 && proba.length === roles.proba.length) {
    const count = new Array<number>(bins).fill(0);
    const sumConfidence = new Array<number>(bins).fill(0);
    const labelled = new Array<number>(bins).fill(0);
    const correct = new Array<number>(bins).fill(0);
    rows: for (let i = 0; i < table.rows; i++) {
      let top = -1;
      let confidence = -Infinity;
      for (let k = 0; k < proba.length; k++) {
        const col = proba[k]!;
        const v = col.values[i]!;
        if ((col.nulls !== null && col.nulls[i] === 1) || Number.isNaN(v)) continue rows;
        if (v > confidence) {
          confidence = v;
          top = k;
        }
      }
      const bin = Math.min(bins - 1, Math.max(0, Math.floor(confidence * bins)));
      count[bin]!++;
      sumConfidence[bin]! += confidence;
      const l = label ? cellText(label, i) : null;
      if (l !== null) {
        labelled[bin]!++;
        if (l === roles.proba[top]!.className) correct[bin]!++;
      }
    }
    out.calibration = { bins, probaColumns: roles.proba.map((p) => [p.column, p.className]), count, sumConfidence, labelled, correct };
  }
  return out;
}

export function sortCells(cells: [string, string, number][]): [string, string, number][] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return cells.sort((x, y) => cmp(x[0], y[0]) || cmp(x[1], y[1]));
}

function sampleRows(table: Table, size: number, rng: ReturnType<typeof mulberry32>): SampleProfile {
  const heap = new BottomK(Math.min(size, table.rows));
  for (let i = 0; i < table.rows; i++) {
    const key = rng.nextDouble53();
    if (key < heap.threshold) heap.offer(key, i);
  }
  const { keys, ids } = heap.result();
  const columns: SampleProfile['columns'] = {};
  for (const c of table.columns) {
    if (c.type === 'numeric' || c.type === 'timestamp') {
      columns[c.name] = { numeric: encodeFloat64(Float64Array.from(ids, (i) => (c.nulls !== null && c.nulls[i] === 1 ? NaN : c.values[i]!))) };
    } else if (c.type === 'categorical') {
      columns[c.name] = { categorical: Array.from(ids, (i) => cellText(c, i)) };
    }
  }
  return { capacity: size, keys: encodeFloat64(keys), columns };
}
