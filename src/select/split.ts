import type { Dataset, Roles } from '../ingest/dataset.js';
import { isNull } from '../ingest/table.js';
import { stableArgsortFloat64 } from '../stats/argsort.js';

/** Operational rows that carry a label, in time order when a timestamp exists (row order otherwise). */
export function labelledRows(d: Dataset, roles: Roles): Int32Array {
  const label = roles.label ? d.columns.get(roles.label) : undefined;
  if (!label) return new Int32Array();
  const rows: number[] = [];
  for (let i = 0; i < d.rows; i++) if (!isNull(label, i)) rows.push(i);
  const ts = roles.timestamp ? d.columns.get(roles.timestamp) : undefined;
  if (ts?.type === 'timestamp' || ts?.type === 'numeric') {
    const t = ts.values;
    if (rows.every((r) => Number.isFinite(t[r]!))) return byTime(t, Int32Array.from(rows));
    // A NaN time makes this comparator no order at all: kept as it was for such data.
    rows.sort((a, b) => (t[a]! - t[b]! || a - b));
  }
  return Int32Array.from(rows);
}

/**
 * Rows given in ascending order, sorted by time (a non-finite time counting as −∞), ties in row order: the order
 * of sort((a, b) => t(a) − t(b) || a − b), by a radix argsort instead of a comparator call per comparison.
 */
function byTime(time: Float64Array, ascendingRows: Int32Array): Int32Array {
  const t = new Float64Array(ascendingRows.length);
  for (let k = 0; k < t.length; k++) {
    const v = time[ascendingRows[k]!]!;
    t[k] = Number.isFinite(v) ? v : -Infinity;
  }
  // Rows already in time order (files usually hold them so) need no sort.
  let ordered = true;
  for (let k = 1; k < t.length && ordered; k++) ordered = !(t[k]! < t[k - 1]!);
  if (ordered) return ascendingRows;
  const order = stableArgsortFloat64(t);
  for (let k = 0; k < order.length; k++) order[k] = ascendingRows[order[k]!]!;
  return order;
}

export interface TimeSplit {
  train: Int32Array;
  holdout: Int32Array;
  /** Time (ms) of the first held-out row, when a timestamp exists. */
  holdoutSince: number | null;
}

/**
 * Time-based validation split: the most recent `share` of labelled operational rows is held out, so candidates
 * are judged on the data the retrained model will meet next, never on rows they trained on.
 */
export function timeSplit(d: Dataset, roles: Roles, share: number, minHoldout: number): TimeSplit | null {
  const rows = labelledRows(d, roles);
  const holdoutSize = Math.max(minHoldout, Math.round(rows.length * share));
  if (rows.length < holdoutSize + minHoldout) return null;
  const cut = rows.length - holdoutSize;
  const ts = roles.timestamp ? d.columns.get(roles.timestamp) : undefined;
  const since = ts?.type === 'timestamp' || ts?.type === 'numeric' ? ts.values[rows[cut]!]! : NaN;
  return { train: rows.subarray(0, cut), holdout: rows.subarray(cut), holdoutSince: Number.isFinite(since) ? since : null };
}

/** The given rows in time order (row order without a timestamp); rows without a time go first. */
export function inTimeOrder(d: Dataset, roles: Roles, rows: Int32Array): Int32Array {
  const ts = roles.timestamp ? d.columns.get(roles.timestamp) : undefined;
  const out = rows.slice().sort();
  return ts?.type === 'timestamp' || ts?.type === 'numeric' ? byTime(ts.values, out) : out;
}

/** Shares of the labelled operational rows that the recency candidates keep, newest first. */
export const RECENT_SHARES = [
  { name: 'recent_half', share: 1 / 2, text: 'newest half' },
  { name: 'recent_quarter', share: 1 / 4, text: 'newest quarter' },
] as const;

/** The newest `share` of the rows (by timestamp, else row order), at least one row when there are any. */
export function newest(d: Dataset, roles: Roles, rows: Int32Array, share: number): Int32Array {
  const ordered = inTimeOrder(d, roles, rows);
  const keep = Math.min(ordered.length, Math.max(1, Math.round(ordered.length * share)));
  return ordered.subarray(ordered.length - keep);
}
