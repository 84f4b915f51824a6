import type { Dataset, Roles } from '../ingest/dataset.js';
import type { Column } from '../ingest/table.js';

/**
 * What AUDIT needs of a dataset, read once: per row the true class, the predicted class and the class
 * probabilities (classification), or the target and the prediction (regression). Rows are original row indices.
 */
export interface ClassOutcomes {
  /** The label's category list, shared by every dataset (see resolveRoles), so codes compare across datasets. */
  classes: string[];
  /** True class code per row, -1 = no label. */
  y: Int32Array;
  /** Predicted class code per row, -1 = no prediction (from the prediction column, else argmax of the probabilities). */
  yhat: Int32Array;
  /** Row-major rows × classes probabilities, or null when the data carries none; a row with any null is NaN. */
  proba: Float64Array | null;
}

export interface RegressionOutcomes {
  y: Float64Array;
  yhat: Float64Array;
}

/** The class list of a classification dataset: the label's categories, else the prediction's. */
export function classList(d: Dataset, roles: Roles): string[] | null {
  for (const name of [roles.label, roles.prediction]) {
    const c = name ? d.columns.get(name) : undefined;
    if (c?.type === 'categorical') return c.categories;
  }
  return null;
}

/**
 * Probability columns laid out in class-code order. Columns are matched to classes by name; a class the model has
 * no column for (e.g. one that first appears in operational labels) gets probability 0. With one column for a
 * two-class task the other class gets the complement. Rows are renormalised to sum to 1 (stored floats drift).
 */
export function probabilityMatrix(d: Dataset, roles: Roles, classes: string[]): Float64Array | null {
  if (roles.proba.length === 0) return null;
  const k = classes.length;
  const index = new Map(classes.map((c, i) => [c, i]));
  const cols: { code: number; values: Float64Array; nulls: Uint8Array | null }[] = [];
  for (const p of roles.proba) {
    const column = d.columns.get(p.column);
    const code = index.get(p.className);
    if (column?.type !== 'numeric' || code === undefined) continue;
    cols.push({ code, values: column.values, nulls: column.nulls });
  }
  if (cols.length === 0) return null;
  const complement = cols.length === 1 && k === 2 ? 1 - cols[0]!.code : -1;
  const out = new Float64Array(d.rows * k);
  for (let i = 0; i < d.rows; i++) {
    let sum = 0;
    let bad = false;
    for (const c of cols) {
      const v = c.values[i]!;
      if ((c.nulls && c.nulls[i]) || !(v >= 0)) bad = true;
      out[i * k + c.code] = v;
      sum += v;
    }
    if (complement >= 0) {
      out[i * k + complement] = 1 - sum;
      sum = 1;
    }
    if (bad || !(sum > 0)) {
      out.fill(NaN, i * k, (i + 1) * k);
      continue;
    }
    for (let c = 0; c < k; c++) out[i * k + c]! /= sum;
  }
  return out;
}

function codesOf(d: Dataset, name: string | undefined): Int32Array | null {
  const c = name ? d.columns.get(name) : undefined;
  return c?.type === 'categorical' ? c.codes : null;
}

/**
 * Outcomes already read, by dataset: a run's checks (performance, CBPE, calibration, label shift, slices) read the
 * same datasets with the same roles, and the probability matrix alone is rows × classes doubles (56 MB for 1M rows
 * of 7 classes). An entry is used only for the same roles object and the very column objects it was read from.
 */
const outcomesRead = new WeakMap<Dataset, { roles: Roles; columns: (Column | undefined)[]; outcomes: ClassOutcomes | null }>();

/**
 * Classification outcomes of a dataset, or null when it is not a classification dataset with labels or predictions.
 * Shared between callers (read once per dataset and roles): never modify them.
 */
export function classOutcomes(d: Dataset, roles: Roles): ClassOutcomes | null {
  const columns = [roles.label, roles.prediction, ...roles.proba.map((p) => p.column)].map((name) => (name === undefined ? undefined : d.columns.get(name)));
  const read = outcomesRead.get(d);
  if (read && read.roles === roles && read.columns.length === columns.length && read.columns.every((c, i) => c === columns[i])) return read.outcomes;
  const outcomes = readClassOutcomes(d, roles);
  outcomesRead.set(d, { roles, columns, outcomes });
  return outcomes;
}

function readClassOutcomes(d: Dataset, roles: Roles): ClassOutcomes | null {
  if (roles.task !== 'classification') return null;
  const classes = classList(d, roles);
  if (!classes) return null;
  const k = classes.length;
  const proba = probabilityMatrix(d, roles, classes);
  const y = codesOf(d, roles.label) ?? new Int32Array(d.rows).fill(-1);
  let yhat = codesOf(d, roles.prediction);
  if (!yhat) {
    if (!proba) return null;
    yhat = new Int32Array(d.rows);
    for (let i = 0; i < d.rows; i++) {
      let best = Number.isNaN(proba[i * k]!) ? -1 : 0;
      for (let c = 1; best >= 0 && c < k; c++) if (proba[i * k + c]! > proba[i * k + best]!) best = c;
      yhat[i] = best;
    }
  }
  return { classes, y, yhat, proba };
}

export function regressionOutcomes(d: Dataset, roles: Roles): RegressionOutcomes | null {
  if (roles.task !== 'regression' || !roles.label || !roles.prediction) return null;
  const y = d.columns.get(roles.label);
  const yhat = d.columns.get(roles.prediction);
  if (y?.type !== 'numeric' || yhat?.type !== 'numeric') return null;
  return { y: y.values, yhat: yhat.values };
}

/** Row indices with a true label (predictions not needed): the rows whose class priors can be measured. */
export function rowsWithLabel(o: ClassOutcomes): Int32Array {
  const rows: number[] = [];
  for (let i = 0; i < o.y.length; i++) if (o.y[i]! >= 0) rows.push(i);
  return Int32Array.from(rows);
}

/** Row indices with both a label and a prediction (and, when `needProba`, finite probabilities). */
export function labelledRows(o: ClassOutcomes, needProba = false): Int32Array {
  const k = o.classes.length;
  const rows: number[] = [];
  for (let i = 0; i < o.y.length; i++) {
    if (o.y[i]! < 0 || o.yhat[i]! < 0) continue;
    if (needProba && (!o.proba || Number.isNaN(o.proba[i * k]!))) continue;
    rows.push(i);
  }
  return Int32Array.from(rows);
}

/** Row indices with a prediction (and finite probabilities when `needProba`), labelled or not. */
export function predictedRows(o: ClassOutcomes, needProba = false): Int32Array {
  const k = o.classes.length;
  const rows: number[] = [];
  for (let i = 0; i < o.yhat.length; i++) {
    if (o.yhat[i]! < 0) continue;
    if (needProba && (!o.proba || Number.isNaN(o.proba[i * k]!))) continue;
    rows.push(i);
  }
  return Int32Array.from(rows);
}

/** Confidence of a row's prediction: the probability given to the predicted class (the argmax when they agree). */
export function predictedConfidence(o: ClassOutcomes, row: number): number {
  const k = o.classes.length;
  return o.proba![row * k + o.yhat[row]!]!;
}
