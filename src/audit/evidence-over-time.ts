/**
 * Evidence over time (docs/plan.md): the operational rows in time order (row order without a timestamp) are cut
 * into chunks; each chunk gets its performance against the baseline and its drift from the reference, and the
 * chunks of this run and of earlier runs of the same model (`--history`) are pooled into one one-sided test, so a
 * persistent moderate decline that no single window shows at α reaches a decision.
 *
 * The test: chunk drops d_c (baseline − accuracy, or MAE − baseline MAE) with standard errors √(v/n_c), v the
 * per-row variance under "no change" (pooled over the baseline and every chunk), are combined by Stouffer's
 * inverse-variance weighted z; the baseline is shared by every chunk, so its own error √(v/n_b) is added once to
 * the pooled estimate's: z = d̄ / √(v/N + v/n_b). Under no change z ~ N(0, 1) and rejecting at p ≤ α errs at rate
 * α; however many chunks pile up, the test can never be surer than the baseline's size allows.
 */
import type { Dataset, Roles } from '../ingest/dataset.js';
import type { HistoryRun } from '../ingest/history.js';
import { CHECKS, type CheckOf, type DetailsOf } from '../checks/index.js';
import type { Config } from '../schema/config.js';
import { ks2sampSorted, mergeChunkHistory, normSf, sortedCopy, stoufferTest, type ChunkRecord } from '../stats/index.js';
import { finiteArgsort } from '../stats/argsort.js';
import { classOutcomes, labelledRows, regressionOutcomes } from './outcomes.js';

type EvidenceCheck = CheckOf<typeof CHECKS.evidenceOverTime>;
type Details = DetailsOf<typeof CHECKS.evidenceOverTime>;
export type EvidenceChunk = Details['chunks'][number];
export type EvidenceHistoryRun = Details['history'][number];
export type { HistoryRun };


/** With its α resolved by the caller (the plan's share, or `evidence.alpha`). */
export type EvidenceConfig = Config['evidence'] & { alpha: number; maxDrop: number; minLabels: number; runId: string };

/** Per-row performance: 1/0 for a correct/wrong class, or the absolute error; in time order. */
interface RowSeries {
  metric: 'accuracy' | 'mae';
  /** Row indices with a label and a prediction, in time (or row) order. */
  rows: Int32Array;
  values: Float64Array;
}

function rowSeries(d: Dataset, roles: Roles, order: Int32Array | null): RowSeries | null {
  const pick = (keep: (i: number) => boolean, value: (i: number) => number, metric: RowSeries['metric']): RowSeries => {
    const all = order ?? Int32Array.from({ length: d.rows }, (_, i) => i);
    const rows = all.filter(keep);
    return { metric, rows, values: Float64Array.from(rows, value) };
  };
  if (roles.task === 'classification') {
    const o = classOutcomes(d, roles);
    if (!o || !roles.label) return null;
    const labelled = new Uint8Array(d.rows);
    for (const i of labelledRows(o)) labelled[i] = 1;
    return pick((i) => labelled[i] === 1, (i) => (o.y[i] === o.yhat[i] ? 1 : 0), 'accuracy');
  }
  const o = regressionOutcomes(d, roles);
  if (!o) return null;
  return pick((i) => Number.isFinite(o.y[i]!) && Number.isFinite(o.yhat[i]!), (i) => Math.abs(o.yhat[i]! - o.y[i]!), 'mae');
}

function meanVariance(values: Float64Array, from = 0, to = values.length): { n: number; mean: number; variance: number } {
  const n = to - from;
  let s = 0;
  for (let i = from; i < to; i++) s += values[i]!;
  const mean = n ? s / n : NaN;
  let ss = 0;
  for (let i = from; i < to; i++) ss += (values[i]! - mean) ** 2;
  return { n, mean, variance: n ? ss / n : NaN };
}

/**
 * The chunk rule: enough labelled rows that one chunk alone could show a drop of `maxDrop` at two standard errors,
 * n_c ≥ 4·v/maxDrop² (v: the baseline's per-row variance; for MAE in units of the baseline MAE, as maxDrop is
 * relative), at least `minLabels`; then as many chunks as fit, at most `maxChunks`.
 */
export function chunkRows(baselineVariance: number, scale: number, cfg: Pick<EvidenceConfig, 'maxDrop' | 'minLabels'>): number {
  const v = baselineVariance / (scale * scale);
  const need = cfg.maxDrop > 0 && Number.isFinite(v) ? Math.ceil((4 * v) / (cfg.maxDrop * cfg.maxDrop)) : cfg.minLabels;
  return Math.max(cfg.minLabels, need);
}

/** Split `n` ordered items into `k` nearly equal consecutive runs: the boundaries b_0 = 0 < … < b_k = n. */
const bounds = (n: number, k: number) => Array.from({ length: k + 1 }, (_, c) => Math.round((c * n) / k));

export interface PooledEvidence {
  drop: number;
  standardError: number;
  z: number;
  pValue: number;
  rows: number;
  variance: number;
}

/**
 * The pooled one-sided test of the chunk drops against one shared baseline (see the file comment). `chunks` need
 * `labelled`, `metric` and `variance`; the drops are recomputed from the metrics, so chunks measured by other runs
 * against the same baseline pool exactly.
 */
export function pooledEvidence(chunks: readonly Pick<EvidenceChunk, 'labelled' | 'metric' | 'variance'>[], baseline: { rows: number; metric: number; variance: number }, metric: RowSeries['metric']): PooledEvidence | null {
  const used = chunks.filter((c) => c.labelled > 0 && c.metric !== null && c.variance !== null);
  if (used.length === 0 || !(baseline.rows > 0)) return null;
  // The per-row variance under "no change": every row of the baseline and the chunks from one distribution.
  const all = [{ n: baseline.rows, mean: baseline.metric, variance: baseline.variance }, ...used.map((c) => ({ n: c.labelled, mean: c.metric!, variance: c.variance! }))];
  const total = all.reduce((a, p) => a + p.n, 0);
  const grand = all.reduce((a, p) => a + p.n * p.mean, 0) / total;
  const variance = all.reduce((a, p) => a + p.n * (p.variance + (p.mean - grand) ** 2), 0) / total;
  const sign = metric === 'accuracy' ? -1 : 1;
  const combined = stoufferTest(
    used.map((c) => ({ estimate: sign * (c.metric! - baseline.metric), standardError: Math.sqrt(variance / c.labelled) })),
    'greater',
  );
  if (combined.chunks === 0) return null;
  const standardError = Math.sqrt(combined.standardError ** 2 + variance / baseline.rows);
  const z = combined.estimate / standardError;
  return { drop: combined.estimate, standardError, z, pValue: normSf(z), rows: used.reduce((a, c) => a + c.labelled, 0), variance };
}

/** Numeric features' reference samples (≤ 5,000 finite values each), sorted once for every chunk's KS statistic. */
function referenceSamples(reference: Dataset, operational: Dataset, roles: Roles): { feature: string; sorted: Float64Array; values: Float64Array }[] {
  const out: { feature: string; sorted: Float64Array; values: Float64Array }[] = [];
  for (const feature of roles.features) {
    const ref = reference.columns.get(feature);
    const op = operational.columns.get(feature);
    if (ref?.type !== 'numeric' || op?.type !== 'numeric') continue;
    const sorted = finiteSample(ref.values, 5000).sort();
    if (sorted.length >= 2) out.push({ feature, sorted, values: op.values });
    if (out.length === 50) break;
  }
  return out;
}

/** Largest KS statistic of a numeric feature in a chunk against the reference (informational: no test, no α). */
function chunkDrift(samples: ReturnType<typeof referenceSamples>, rows: Int32Array): { drift: number | null; driftFeature: string | null } {
  let best: { drift: number | null; driftFeature: string | null } = { drift: null, driftFeature: null };
  const finite = new Float64Array(rows.length);
  for (const { feature, sorted, values } of samples) {
    let n = 0;
    for (let r = 0; r < rows.length; r++) {
      const v = values[rows[r]!]!;
      if (Number.isFinite(v)) finite[n++] = v;
    }
    // Sorted by value cells or radix (the chunks are 100k rows at 1M): the same ascending values as a comparison sort.
    const y = sortedCopy(finite.subarray(0, n));
    if (y.length < 2) continue;
    const d = ks2sampSorted({ xs: sorted, ys: y }, { method: 'asymp' }).statistic;
    if (best.drift === null || d > best.drift) best = { drift: d, driftFeature: feature };
  }
  return best;
}

/** Every k-th finite value, at most `max` of them (deterministic: the same reference sample in every chunk). */
function finiteSample(values: Float64Array, max: number): Float64Array {
  const finite = values.filter(Number.isFinite);
  if (finite.length <= max) return finite;
  const step = finite.length / max;
  return Float64Array.from({ length: max }, (_, i) => finite[Math.floor(i * step)]!);
}

/** Operational row order: by the timestamp column (rows without a time last, dropped), else as stored. */
function timeOrder(d: Dataset, roles: Roles): { axis: Details['axis']; order: Int32Array; time: (i: number) => number } {
  const ts = roles.timestamp ? d.columns.get(roles.timestamp) : undefined;
  if (ts?.type === 'timestamp' || ts?.type === 'numeric') {
    return { axis: 'time', order: finiteArgsort(ts.values), time: (i) => ts.values[i]! };
  }
  return { axis: 'rows', order: Int32Array.from({ length: d.rows }, (_, i) => i), time: (i) => i };
}

/**
 * The evidence-over-time check: null when the model's performance cannot be measured (no labels, predictions or
 * baseline); `history` holds earlier runs' chunks (ingest/history.ts).
 */
export function evidenceOverTime(
  reference: Dataset,
  operational: Dataset,
  baseline: Dataset | undefined,
  roles: Roles,
  cfg: EvidenceConfig,
  history: readonly HistoryRun[] = [],
): EvidenceCheck | null {
  const { axis, order, time } = timeOrder(operational, roles);
  const series = rowSeries(operational, roles, order);
  const base = baseline ? rowSeries(baseline, roles, null) : null;
  if (!series || !base) return null;
  const id = `audit.evidence_over_time.${series.metric}`;
  const head = { id, stage: CHECKS.evidenceOverTime.stage, kind: CHECKS.evidenceOverTime.kind, subject: series.metric };
  const b = meanVariance(base.values);
  const threshold = { alpha: cfg.alpha, minDrop: cfg.minDrop, minChunks: cfg.minChunks, maxChunks: cfg.maxChunks };
  if (b.n < cfg.minLabels || series.rows.length < cfg.minLabels) {
    return {
      ...head,
      status: 'insufficient_data',
      method: 'chunks in time order',
      figures: { baselineRows: b.n, pooledRows: series.rows.length },
      threshold,
      summary: `Too few labelled rows to measure performance over time (${series.rows.length} operational, ${b.n} baseline; need ${cfg.minLabels} each).`,
    };
  }
  const scale = series.metric === 'mae' ? b.mean : 1;
  const size = chunkRows(b.variance, scale, cfg);
  const k = Math.max(1, Math.min(cfg.maxChunks, Math.floor(series.rows.length / size)));
  const cut = bounds(series.rows.length, k);
  // Chunk windows in time: from the first labelled row of the chunk to the first of the next (the last one to just
  // past the last operational row), so every operational row, labelled or not, falls in one window.
  const last = time(order[order.length - 1]!);
  const startOf = (c: number) => (c === 0 ? time(order[0]!) : time(series.rows[cut[c]!]!));
  const chunks: EvidenceChunk[] = [];
  const samples = referenceSamples(reference, operational, roles);
  let o = 0;
  for (let c = 0; c < k; c++) {
    const start = startOf(c);
    const end = c === k - 1 ? last + 1 : startOf(c + 1);
    const rows: number[] = [];
    while (o < order.length && time(order[o]!) < end) rows.push(order[o++]!);
    const m = meanVariance(series.values, cut[c]!, cut[c + 1]!);
    const sign = series.metric === 'accuracy' ? -1 : 1;
    const drop = sign * (m.mean - b.mean);
    const se = Math.sqrt(m.variance / m.n + b.variance / b.n);
    chunks.push({
      run: cfg.runId,
      start,
      end,
      rows: rows.length,
      labelled: m.n,
      metric: m.mean,
      variance: m.variance,
      drop,
      z: se > 0 ? drop / se : null,
      ...chunkDrift(samples, Int32Array.from(rows)),
    });
  }
  const baselineKey = `${baseline!.role}:${b.n}:${b.mean.toPrecision(12)}:${b.variance.toPrecision(12)}`;
  const merged = mergeHistory(history, chunks, axis, baselineKey);
  const pooled = pooledEvidence(merged.chunks, { rows: b.n, metric: b.mean, variance: b.variance }, series.metric);
  const relative = (x: number) => (series.metric === 'mae' ? (b.mean > 0 ? x / b.mean : x > 0 ? Infinity : 0) : x);
  const drifts = chunks.map((c) => c.drift).filter((v): v is number => v !== null);
  const figures: EvidenceCheck['figures'] = {
    chunks: k,
    chunkRows: size,
    historyRuns: merged.history.filter((h) => h.used > 0).length,
    historyChunks: merged.chunks.length - chunks.length,
    overlapping: merged.overlapping,
    pooledChunks: merged.chunks.length,
    pooledRows: pooled?.rows ?? 0,
    baseline: b.mean,
    baselineRows: b.n,
    ...(drifts.length ? { maxDrift: Math.max(...drifts) } : {}),
  };
  const details: Details = { axis, baselineKey, baselineVariance: b.variance, chunks, pooled: merged.chunks, history: merged.history };
  const method = 'one-sided z-test of the pooled chunk drop (inverse-variance weighted, Stouffer), the shared baseline’s error counted once';
  if (!pooled || merged.chunks.length < cfg.minChunks || !(pooled.standardError > 0)) {
    return {
      ...head,
      status: 'insufficient_data',
      method,
      figures,
      threshold,
      details,
      summary: `${merged.chunks.length} chunk(s) of ${size}+ labelled rows (need ${cfg.minChunks} to call a decline persistent); pass earlier runs' outputs with --history to pool their chunks.`,
      };
  }
  const relativeDrop = relative(pooled.drop);
  Object.assign(figures, { drop: pooled.drop, relativeDrop: Number.isFinite(relativeDrop) ? relativeDrop : undefined, standardError: pooled.standardError, z: pooled.z, pValue: pooled.pValue });
  const significant = pooled.pValue < cfg.alpha;
  const status = significant && relativeDrop >= cfg.minDrop ? 'fail' : significant ? 'warn' : 'pass';
  const unit = series.metric === 'accuracy' ? 'accuracy' : 'MAE';
  const span = `${merged.chunks.length} chunks (${pooled.rows} labelled rows${figures.historyRuns ? `, ${figures.historyRuns} earlier run(s)` : ''})`;
  const what = `${unit} ${series.metric === 'accuracy' ? 'fell' : 'rose'} by ${pooled.drop.toFixed(4)} on average over ${span} against the baseline ${b.mean.toFixed(4)} (${b.n} rows), p = ${pooled.pValue.toPrecision(3)}`;
  return {
    ...head,
    status,
    method,
    figures,
    threshold,
    details,
    summary:
      status === 'fail'
        ? `Persistent decline: ${what}.`
        : status === 'warn'
          ? `A significant but small decline: ${what}, under the ${cfg.minDrop} that counts.`
          : `No persistent decline: ${what}.`,
  };
}

/** This run's chunks and earlier runs' of the same baseline, each window once (the newer run's chunk wins). */
function mergeHistory(history: readonly HistoryRun[], chunks: EvidenceChunk[], axis: Details['axis'], baselineKey: string) {
  const runs: EvidenceHistoryRun[] = [];
  const usable: HistoryRun[] = [];
  for (const h of history) {
    const window = h.chunks.length ? { start: Math.min(...h.chunks.map((c) => c.start)), end: Math.max(...h.chunks.map((c) => c.end)) } : { start: null, end: null };
    const reason = h.note
      ? h.note
      : axis !== 'time' || h.axis !== 'time'
        ? 'no timestamp: windows measured in row numbers cannot be matched across runs'
        : h.baselineKey !== baselineKey
          ? 'another model or baseline (retrained since, or another validation set)'
          : h.chunks.length === 0
            ? 'no chunks'
            : '';
    runs.push({ uri: h.uri, runId: h.runId, ...window, chunks: h.chunks.length, used: 0, reason });
    if (!reason) usable.push(h);
  }
  usable.sort((a, b) => Math.min(...a.chunks.map((c) => c.start)) - Math.min(...b.chunks.map((c) => c.start)));
  const asRecord = (c: EvidenceChunk): ChunkRecord & { chunk: EvidenceChunk } => ({ estimate: c.drop ?? NaN, standardError: 1, start: c.start, end: c.end, chunk: c });
  const merged = mergeChunkHistory([...usable.map((h) => h.chunks.map(asRecord)), chunks.map(asRecord)]);
  const kept = merged.chunks.map((r) => (r as ReturnType<typeof asRecord>).chunk);
  for (const run of runs) {
    if (run.reason) continue;
    const h = usable.find((u) => u.uri === run.uri)!;
    run.used = h.chunks.filter((c) => kept.includes(c)).length;
    run.reason = run.used === run.chunks ? 'pooled' : run.used === 0 ? 'every chunk overlaps a later run’s window' : `${run.chunks - run.used} chunk(s) overlap a later run’s window`;
  }
  return { chunks: kept, history: runs, overlapping: merged.dropped };
}
