import type { Dataset, Roles } from '../../../src/ingest/dataset.js';
import type { Column } from '../../../src/ingest/table.js';

/** A Dataset from columns (all of one length). */
export function dataset(role: Dataset['role'], columns: Column[]): Dataset {
  const rows = columns.length ? lengthOf(columns[0]!) : 0;
  return { role, uri: `memory://${role}`, rows, columns: new Map(columns.map((c) => [c.name, c])) };
}

function lengthOf(c: Column): number {
  return c.type === 'numeric' || c.type === 'timestamp' ? c.values.length : c.type === 'categorical' ? c.codes.length : c.type === 'tensor' ? c.values.length / c.size : c.length;
}

export const numeric = (name: string, values: Float64Array): Column => ({ name, type: 'numeric', values, nulls: null, integer: false });
export const categorical = (name: string, codes: Int32Array, categories: string[]): Column => ({ name, type: 'categorical', codes, categories, boolean: false });

/** Label, prediction and probability columns for a classifier's outputs on some rows (classes share one list). */
export function outputColumns(classes: string[], y: Int32Array | null, yhat: Int32Array, proba: Float64Array): Column[] {
  const k = classes.length;
  const cols: Column[] = [categorical('prediction', yhat, classes)];
  if (y) cols.push(categorical('label', y, classes));
  for (let c = 0; c < k; c++) cols.push(numeric(`proba_${classes[c]}`, Float64Array.from({ length: yhat.length }, (_, i) => proba[i * k + c]!)));
  return cols;
}

export function classificationRoles(classes: string[], features: string[]): Roles {
  return { task: 'classification', label: 'label', prediction: 'prediction', proba: classes.map((c) => ({ column: `proba_${c}`, className: c })), features, excluded: [] };
}

/** Rows of a row-major matrix. */
export function pickRows(x: Float64Array, d: number, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length * d);
  for (let r = 0; r < rows.length; r++) out.set(x.subarray(rows[r]! * d, (rows[r]! + 1) * d), r * d);
  return out;
}

export { argmaxRows } from '../../../src/models/softmax.js';
