import type { ParquetColumn } from '../../src/emit/parquet.js';

/**
 * One scenario data set in memory: features, the complete ground truth, and which rows' labels the step is
 * allowed to see. The harness keeps the truth for evaluation; only the labelled rows are written for moa.
 */
export interface Frame {
  id: string[];
  /** Event time, epoch milliseconds. */
  ts: number[];
  /** Numeric features; NaN is a null. */
  numeric: Record<string, Float64Array>;
  /** Categorical features; null is a null. */
  categorical: Record<string, (string | null)[]>;
  /** Ground truth: class names (classification) or targets (regression). */
  truth: string[] | Float64Array;
  /** 1 where the label has arrived and is shown to moa. */
  labelled: Uint8Array;
}

export const rowsOf = (f: Frame): number => f.truth.length;

/** The rows `idx` of a frame, in that order. */
export function take(f: Frame, idx: ArrayLike<number>): Frame {
  const pick = <T>(a: ArrayLike<T>): T[] => Array.from({ length: idx.length }, (_, i) => a[idx[i]!]!);
  const pickF = (a: Float64Array) => Float64Array.from({ length: idx.length }, (_, i) => a[idx[i]!]!);
  return {
    id: pick(f.id),
    ts: pick(f.ts),
    numeric: Object.fromEntries(Object.entries(f.numeric).map(([k, v]) => [k, pickF(v)])),
    categorical: Object.fromEntries(Object.entries(f.categorical).map(([k, v]) => [k, pick(v)])),
    truth: f.truth instanceof Float64Array ? pickF(f.truth) : pick(f.truth),
    labelled: Uint8Array.from({ length: idx.length }, (_, i) => f.labelled[idx[i]!]!),
  };
}

/** Fresh ids and evenly spread timestamps over [start, start + days), with a labelled share drawn from `next`. */
export function stamp(f: Frame, o: { prefix: string; start: number; days: number; labelled: number; next: () => number }): Frame {
  const n = rowsOf(f);
  return {
    ...f,
    id: Array.from({ length: n }, (_, i) => `${o.prefix}${String(i).padStart(6, '0')}`),
    ts: Array.from({ length: n }, (_, i) => Math.round(o.start + (i / n) * o.days * 86_400_000)),
    labelled: Uint8Array.from({ length: n }, () => (o.next() < o.labelled ? 1 : 0)),
  };
}

/**
 * Feature matrix for the production and retrained models: numeric columns as they are (nulls imputed with the
 * fitting data's mean, as a production pipeline would), categorical columns one-hot on the fitting data's
 * categories. Fitted on the reference, used unchanged for every retraining so all three models see alike inputs.
 */
export interface Encoder {
  numeric: { name: string; fill: number }[];
  categorical: { name: string; categories: string[] }[];
  width: number;
}

export function fitEncoder(f: Frame): Encoder {
  const numeric = Object.entries(f.numeric).map(([name, v]) => {
    let s = 0;
    let n = 0;
    for (const x of v) if (!Number.isNaN(x)) (s += x), n++;
    return { name, fill: n ? s / n : 0 };
  });
  const categorical = Object.entries(f.categorical).map(([name, v]) => ({ name, categories: [...new Set(v.filter((x): x is string => x !== null))].sort() }));
  return { numeric, categorical, width: numeric.length + categorical.reduce((a, c) => a + c.categories.length, 0) };
}

export function encode(e: Encoder, f: Frame, rows?: ArrayLike<number>): Float64Array {
  const n = rows ? rows.length : rowsOf(f);
  const x = new Float64Array(n * e.width);
  const cat = e.categorical.map((c) => ({ values: f.categorical[c.name]!, index: new Map(c.categories.map((v, k) => [v, k])), size: c.categories.length }));
  for (let i = 0; i < n; i++) {
    const r = rows ? rows[i]! : i;
    let j = i * e.width;
    for (const c of e.numeric) {
      const v = f.numeric[c.name]![r]!;
      x[j++] = Number.isNaN(v) ? c.fill : v;
    }
    for (const c of cat) {
      const k = c.values[r] == null ? undefined : c.index.get(c.values[r]!);
      if (k !== undefined) x[j + k] = 1;
      j += c.size;
    }
  }
  return x;
}

/** Columns for moa: id, ts, features, the label (only where labelled), the model's prediction and probabilities. */
export function parquetColumns(f: Frame, predicted: string[] | Float64Array, proba: { classes: string[]; values: Float64Array } | null): Record<string, ParquetColumn> {
  const cols: Record<string, ParquetColumn> = { id: { type: 'string', values: f.id }, ts: { type: 'timestamp', values: f.ts } };
  for (const [k, v] of Object.entries(f.numeric)) cols[k] = { type: 'float64', values: v };
  for (const [k, v] of Object.entries(f.categorical)) cols[k] = { type: 'string', values: v };
  if (f.truth instanceof Float64Array) {
    const truth = f.truth;
    cols.label = { type: 'float64', values: Float64Array.from(truth, (v, i) => (f.labelled[i] ? v : NaN)) };
    cols.predicted = { type: 'float64', values: predicted as Float64Array };
  } else {
    const truth = f.truth;
    cols.label = { type: 'string', values: truth.map((v, i) => (f.labelled[i] ? v : null)) };
    cols.predicted = { type: 'string', values: predicted as string[] };
  }
  if (proba) {
    const k = proba.classes.length;
    proba.classes.forEach((c, j) => (cols[`proba_${c}`] = { type: 'float64', values: Float64Array.from({ length: rowsOf(f) }, (_, i) => proba.values[i * k + j]!) }));
  }
  return cols;
}
