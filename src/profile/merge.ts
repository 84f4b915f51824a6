/**
 * Merging profiles: exact parts (counts, moments, histograms, confusion cells, calibration bins, HyperLogLog
 * registers, the bottom-k sample) merge exactly; KLL and frequent items merge within their stated bounds.
 * Profiles merge only when they were made with the same settings and describe the same columns.
 */
import { bottomKIndices } from '../stats/bottom-k-sample.js';
import { mergeHistogramCounts } from '../stats/fixed-histogram.js';
import { FrequentItems } from '../stats/frequent-items.js';
import { HyperLogLog } from '../stats/hyperloglog.js';
import { KllSketch } from '../stats/kll.js';
import { emptyMoments, mergeMoments } from '../stats/moments.js';
import { dataError } from '../errors.js';
import type { ColumnProfile, OutputsProfile, Profile, SampleProfile } from '../schema/profile.js';
import { decodeFloat64, encodeFloat64 } from './codec.js';
import { sortCells } from './build.js';
import { frequentFromJson, frequentToJson, hllFromJson, hllToJson, kllFromJson, kllToJson, momentsFromJson, momentsToJson } from './sketches.js';

function disagree(what: string, a: string, b: string): never {
  throw dataError('profile.merge_mismatch', `The profiles cannot be merged: ${what}.`, {
    subject: `${a} / ${b}`,
    fix: 'Merge only profiles of one dataset made with the same moa settings (--kll-k, --sample-size, --edges, …).',
  });
}

const nameOf = (p: Profile) => p.sources[0]?.uri ?? '(empty profile)';

/** Merges any number (≥ 1) of profiles. */
export function mergeProfiles(profiles: Profile[]): Profile {
  if (profiles.length === 0) throw dataError('profile.none', 'No profile to merge.', { fix: 'Pass at least one profile URI or a prefix holding profiles.' });
  return profiles.reduce(mergeTwo);
}

function mergeTwo(a: Profile, b: Profile): Profile {
  const [na, nb] = [nameOf(a), nameOf(b)];
  if (JSON.stringify(a.settings) !== JSON.stringify(b.settings)) disagree(`settings ${JSON.stringify(a.settings)} vs ${JSON.stringify(b.settings)}`, na, nb);
  const names = a.columns.map((c) => c.name);
  const other = new Map(b.columns.map((c) => [c.name, c]));
  if (names.length !== b.columns.length || names.some((n) => !other.has(n))) {
    disagree(`columns [${names.join(', ')}] vs [${b.columns.map((c) => c.name).join(', ')}]`, na, nb);
  }
  if ((a.outputs === undefined) !== (b.outputs === undefined)) disagree('one has model-output counts and the other not', na, nb);
  return {
    ...a,
    rows: a.rows + b.rows,
    sources: [...a.sources, ...b.sources],
    columns: a.columns.map((c) => mergeColumn(c, other.get(c.name)!, na, nb)),
    ...(a.outputs && b.outputs ? { outputs: mergeOutputs(a.outputs, b.outputs, na, nb) } : {}),
    sample: mergeSamples(a.sample, b.sample),
  };
}

/** An all-null column (a shard where nothing was logged) as the other side's kind: just that many nulls. */
function asNulls(column: Extract<ColumnProfile, { kind: 'other' }>, like: ColumnProfile): ColumnProfile | undefined {
  if (column.type !== 'null') return undefined;
  if (like.kind === 'categorical') return { ...like, count: 0, nulls: column.rows, frequent: { ...like.frequent, total: 0, errorBound: 0, items: [] }, distinct: hllToJson(new HyperLogLog(like.distinct.precision)) };
  if (like.kind === 'numeric' || like.kind === 'timestamp') {
    const quantiles = kllToJson(new KllSketch(like.quantiles.k, 1));
    return { ...like, integer: true, moments: momentsToJson({ ...emptyMoments(), nulls: column.rows }), quantiles, distinct: hllToJson(new HyperLogLog(like.distinct.precision)), ...(like.histogram ? { histogram: { edges: like.histogram.edges, counts: like.histogram.counts.map(() => 0) } } : {}) };
  }
  return undefined;
}

function mergeColumn(a: ColumnProfile, b: ColumnProfile, na: string, nb: string): ColumnProfile {
  if (a.kind === 'other' && b.kind !== 'other') a = asNulls(a, b) ?? a;
  if (b.kind === 'other' && a.kind !== 'other') b = asNulls(b, a) ?? b;
  if (a.kind === 'other' && b.kind === 'other' && a.type !== b.type && (a.type === 'null' || b.type === 'null')) return { ...a, type: a.type === 'null' ? b.type : a.type, rows: a.rows + b.rows };
  if (a.kind !== b.kind) disagree(`column "${a.name}" is ${a.kind} in one and ${b.kind} in the other`, na, nb);
  if (a.kind === 'other' && b.kind === 'other') {
    if (a.type !== b.type) disagree(`column "${a.name}" is ${a.type} in one and ${b.type} in the other`, na, nb);
    return { ...a, rows: a.rows + b.rows };
  }
  if (a.kind === 'categorical' && b.kind === 'categorical') {
    return {
      ...a,
      boolean: a.boolean && b.boolean,
      count: a.count + b.count,
      nulls: a.nulls + b.nulls,
      frequent: frequentToJson(FrequentItems.merge(frequentFromJson(a.frequent), frequentFromJson(b.frequent))),
      distinct: hllToJson(HyperLogLog.merge(hllFromJson(a.distinct), hllFromJson(b.distinct))),
    };
  }
  if ((a.kind === 'numeric' || a.kind === 'timestamp') && (b.kind === 'numeric' || b.kind === 'timestamp')) {
    if ((a.histogram === undefined) !== (b.histogram === undefined)) disagree(`column "${a.name}" has a histogram in one profile only`, na, nb);
    let histogram = a.histogram;
    if (a.histogram && b.histogram) {
      if (JSON.stringify(a.histogram.edges) !== JSON.stringify(b.histogram.edges)) disagree(`column "${a.name}" has histograms on different edges`, na, nb);
      histogram = { edges: a.histogram.edges, counts: Array.from(mergeHistogramCounts(Float64Array.from(a.histogram.counts), Float64Array.from(b.histogram.counts))) };
    }
    return {
      ...a,
      integer: a.integer && b.integer,
      moments: momentsToJson(mergeMoments(momentsFromJson(a.moments), momentsFromJson(b.moments))),
      quantiles: kllToJson(KllSketch.merge(kllFromJson(a.quantiles), kllFromJson(b.quantiles))),
      distinct: hllToJson(HyperLogLog.merge(hllFromJson(a.distinct), hllFromJson(b.distinct))),
      ...(histogram ? { histogram } : {}),
    };
  }
  return disagree(`column "${a.name}" kinds differ`, na, nb);
}

function mergeOutputs(a: OutputsProfile, b: OutputsProfile, na: string, nb: string): OutputsProfile {
  if (a.label !== b.label || a.prediction !== b.prediction) disagree('the label / prediction columns differ', na, nb);
  const cells = new Map<string, [string, string, number]>();
  for (const [l, p, n] of [...a.confusion, ...b.confusion]) {
    const key = JSON.stringify([l, p]);
    const cell = cells.get(key);
    if (cell) cell[2] += n;
    else cells.set(key, [l, p, n]);
  }
  const out: OutputsProfile = { ...a, confusion: sortCells([...cells.values()]) };
  if ((a.calibration === undefined) !== (b.calibration === undefined)) disagree('calibration bins in one profile only', na, nb);
  if (a.calibration && b.calibration) {
    const [ca, cb] = [a.calibration, b.calibration];
    if (ca.bins !== cb.bins || JSON.stringify(ca.probaColumns) !== JSON.stringify(cb.probaColumns)) disagree('calibration bins differ', na, nb);
    const add = (x: number[], y: number[]) => x.map((v, i) => v + y[i]!);
    out.calibration = { ...ca, count: add(ca.count, cb.count), sumConfidence: add(ca.sumConfidence, cb.sumConfidence), labelled: add(ca.labelled, cb.labelled), correct: add(ca.correct, cb.correct) };
  }
  return out;
}

/** The bottom-k of the union: exactly the uniform sample of both streams together. */
function mergeSamples(a: SampleProfile, b: SampleProfile): SampleProfile {
  const keys = Float64Array.from([...decodeFloat64(a.keys), ...decodeFloat64(b.keys)]);
  const picks = bottomKIndices(keys, a.capacity);
  const columns: SampleProfile['columns'] = {};
  const [na, nb] = [decodeFloat64(a.keys).length, decodeFloat64(b.keys).length];
  for (const name of new Set([...Object.keys(a.columns), ...Object.keys(b.columns)])) {
    // A column absent from one sample was all null there (no sketchable type): its rows are nulls.
    const like = (a.columns[name] ?? b.columns[name])!;
    const nulls = (n: number): SampleProfile['columns'][string] => ('numeric' in like ? { numeric: encodeFloat64(new Float64Array(n).fill(NaN)) } : { categorical: new Array<null>(n).fill(null) });
    const ca = a.columns[name] ?? nulls(na);
    const cb = b.columns[name] ?? nulls(nb);
    if ('numeric' in ca && 'numeric' in cb) {
      const all = Float64Array.from([...decodeFloat64(ca.numeric), ...decodeFloat64(cb.numeric)]);
      columns[name] = { numeric: encodeFloat64(Float64Array.from(picks, (i) => all[i]!)) };
    } else if ('categorical' in ca && 'categorical' in cb) {
      const all = [...ca.categorical, ...cb.categorical];
      columns[name] = { categorical: Array.from(picks, (i) => all[i]!) };
    }
  }
  return { capacity: a.capacity, keys: encodeFloat64(Float64Array.from(picks, (i) => keys[i]!)), columns };
}
