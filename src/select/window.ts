import type { Dataset, Roles } from '../ingest/dataset.js';
import { ks2samp } from '../stats/index.js';
import { finiteArgsort } from '../stats/argsort.js';
import { CHECKS, type CheckOf } from '../checks/index.js';

type DriftOnsetCheck = CheckOf<typeof CHECKS.driftOnset>;

const CHUNKS = 10;
/** A chunk counts as drifted from this KS statistic on: a fixed, scale-free bar for locating the onset. */
const ONSET_KS = 0.1;

function finite(values: Float64Array, rows?: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  if (rows) {
    for (let i = 0; i < rows.length; i++) {
      const v = values[rows[i]!]!;
      if (Number.isFinite(v)) out.push(v);
    }
  } else for (const v of values) if (Number.isFinite(v)) out.push(v);
  return Float64Array.from(out);
}

/**
 * Where drift begins: the operational rows, in time order, are cut into ten equal chunks; each chunk is compared
 * with the reference on the most drifted numeric features (KS statistic). The onset is the start of the earliest
 * chunk from which every later chunk stays drifted (statistic ≥ `minEffect`, default 0.1). Returns null without a timestamp
 * or a drifted numeric feature.
 */
export function driftOnset(reference: Dataset, operational: Dataset, roles: Roles, drifted: string[], minEffect = ONSET_KS): DriftOnsetCheck | null {
  const ts = roles.timestamp ? operational.columns.get(roles.timestamp) : undefined;
  if (!(ts?.type === 'timestamp' || ts?.type === 'numeric')) return null;
  const features = drifted.filter((f) => reference.columns.get(f)?.type === 'numeric' && operational.columns.get(f)?.type === 'numeric').slice(0, 3);
  if (features.length === 0) return null;
  const order = finiteArgsort(ts.values);
  if (order.length < CHUNKS * 10) return null;
  const size = Math.ceil(order.length / CHUNKS);
  const refs = features.map((f) => finite((reference.columns.get(f) as { values: Float64Array }).values));
  const stats: number[] = [];
  const starts: number[] = [];
  for (let c = 0; c * size < order.length; c++) {
    const rows = order.subarray(c * size, Math.min(order.length, (c + 1) * size));
    starts.push(ts.values[rows[0]!]!);
    stats.push(
      Math.max(
        ...features.map((f, k) => {
          const y = finite((operational.columns.get(f) as { values: Float64Array }).values, rows);
          return y.length > 0 ? ks2samp(refs[k]!, y, { method: 'asymp' }).statistic : 0;
        }),
      ),
    );
  }
  let onset = stats.length;
  while (onset > 0 && stats[onset - 1]! >= minEffect) onset--;
  const found = onset < stats.length;
  return {
    id: 'select.drift_onset',
    stage: CHECKS.driftOnset.stage,
    kind: CHECKS.driftOnset.kind,
    status: found ? (onset === 0 ? 'pass' : 'warn') : 'pass',
    method: `KS per time chunk (${stats.length} chunks) on ${features.join(', ')}`,
    figures: { onsetChunk: found ? onset : -1, chunks: stats.length, onset: found ? new Date(starts[onset]!).toISOString() : null },
    threshold: { minEffect },
    summary: found
      ? onset === 0
        ? 'Drift is present from the start of the operational window.'
        : `Drift begins at ${new Date(starts[onset]!).toISOString()} (chunk ${onset + 1} of ${stats.length}) and persists.`
      : 'No persistent drift onset in the operational window.',
    details: { chunks: stats.map((s, c) => ({ start: new Date(starts[c]!).toISOString(), statistic: s })), since: found ? starts[onset]! : null },
  };
}
