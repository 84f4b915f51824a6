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
  // The samples in one pass: pairwise, each step decoded and re-encoded every sample column (most of a merge's time).
  return { ...profiles.reduce(mergeTwo), sample: mergeSamples(profiles.map((p) => p.sample)) };
}

/** Everything but the sample (merged by mergeSamples over all profiles at once). */
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

/**
 * The bottom-k of the union: exactly the uniform sample of all streams together. The picks are ordered by key (then
 * position), so merging all at once gives what merging two at a time did.
 */
function mergeSamples(samples: SampleProfile[]): SampleProfile {
  const keysOf = samples.map((s) => decodeFloat64(s.keys));
  const keys = concatFloat64(keysOf);
  const picks = bottomKIndices(keys, samples[0]!.capacity);
  const columns: SampleProfile['columns'] = {};
  for (const name of new Set(samples.flatMap((s) => Object.keys(s.columns)))) {
    // A column absent from one sample was all null there (no sketchable type): its rows are nulls.
    const like = samples.find((s) => s.columns[name])!.columns[name]!;
    const parts = samples.map((s, k) => s.columns[name] ?? ('numeric' in like ? { numeric: new Float64Array(keysOf[k]!.length).fill(NaN) } : { categorical: new Array<null>(keysOf[k]!.length).fill(null) }));
    if (parts.every((c) => 'numeric' in c)) {
      const all = concatFloat64(parts.map((c) => (typeof c.numeric === 'string' ? decodeFloat64(c.numeric) : c.numeric)));
      columns[name] = { numeric: encodeFloat64(Float64Array.from(picks, (i) => all[i]!)) };
    } else if (parts.every((c) => 'categorical' in c)) {
      const all = parts.flatMap((c) => c.categorical);
      columns[name] = { categorical: Array.from(picks, (i) => all[i]!) };
    }
  }
  return { capacity: samples[0]!.capacity, keys: encodeFloat64(Float64Array.from(picks, (i) => keys[i]!)), columns };
}

function concatFloat64(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
