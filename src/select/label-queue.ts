import type { Dataset, Roles } from '../ingest/dataset.js';
import { isNull } from '../ingest/table.js';
import { finiteArgsort } from '../stats/argsort.js';

export interface QueueEntry {
  row: number;
  reason: 'novel' | 'slice' | 'uncertain';
  /** Higher = more worth labelling (uncertainty 1 − margin; novelty and slices 1). */
  score: number;
}

/** Smallest gap between the two most probable classes: the model's own doubt. */
function margins(d: Dataset, roles: Roles): Float64Array | null {
  const cols = roles.proba.map((p) => d.columns.get(p.column)).filter((c) => c?.type === 'numeric') as { values: Float64Array }[];
  if (cols.length === 0) return null;
  const out = new Float64Array(d.rows);
  for (let i = 0; i < d.rows; i++) {
    let a = -Infinity;
    let b = -Infinity;
    for (const c of cols) {
      const v = c.values[i]!;
      if (v > a) (b = a), (a = v);
      else if (v > b) b = v;
    }
    out[i] = cols.length === 1 ? Math.abs(2 * a - 1) : a - (Number.isFinite(b) ? b : 0);
  }
  return out;
}

/**
 * Rows worth labelling, within a budget: novel rows (candidate new classes), rows of degraded slices, and the
 * rows the model is least sure about, taken in turn so the queue stays diverse. Only unlabelled rows qualify.
 */
export function labelQueue(d: Dataset, roles: Roles, sources: { novel: number[]; slices: number[] }, budget: number): QueueEntry[] {
  const label = roles.label ? d.columns.get(roles.label) : undefined;
  const unlabelled = (r: number) => !label || isNull(label, r);
  const m = margins(d, roles);
  const uncertain = m ? finiteArgsort(m).filter(unlabelled) : new Int32Array();
  const lists: { reason: QueueEntry['reason']; rows: ArrayLike<number>; score: (r: number) => number }[] = [
    { reason: 'novel', rows: sources.novel.filter(unlabelled), score: () => 1 },
    { reason: 'slice', rows: sources.slices.filter(unlabelled), score: () => 1 },
    { reason: 'uncertain', rows: uncertain, score: (r) => 1 - m![r]! },
  ];
  const taken = new Set<number>();
  const queue: QueueEntry[] = [];
  const cursor = lists.map(() => 0);
  while (queue.length < budget && lists.some((l, k) => cursor[k]! < l.rows.length)) {
    lists.forEach((l, k) => {
      while (queue.length < budget && cursor[k]! < l.rows.length) {
        const r = l.rows[cursor[k]!++]!;
        if (taken.has(r)) continue;
        taken.add(r);
        queue.push({ row: r, reason: l.reason, score: l.score(r) });
        break;
      }
    });
  }
  return queue;
}
