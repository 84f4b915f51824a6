import type { SelectionRows } from '../select/select.js';
import { toCsv } from './csv.js';
import { toParquet, type ParquetColumn } from './parquet.js';

export type SelectionFormat = 'parquet' | 'csv';

/** Where the selection files go under --out, by format. */
export function selectionFileNames(format: SelectionFormat): { weights: string; labelQueue: string; validation: string } {
  return { weights: `selection/weights.${format}`, labelQueue: `selection/label-queue.${format}`, validation: `selection/validation.${format}` };
}

/** Labels as text for classes, as numbers for a regression target (one type per column). */
function labelColumn(values: (string | number | null)[]): ParquetColumn {
  return values.some((v) => typeof v === 'string')
    ? { type: 'string', values: values.map((v) => (v === null ? null : String(v))) }
    : { type: 'float64', values: values.map((v) => (v === null ? NaN : Number(v))) };
}

/**
 * The selection as one file per purpose, in Parquet (pandas, pyarrow, Spark) or CSV (any reader). The training file
 * (`weights`) holds, per selected row: source, uri (the object it was read from), row (its row number there, 0-based,
 * header not counted), id, label and weight.
 */
export function selectionFiles(rows: SelectionRows, format: SelectionFormat, runId: string): { name: string; body: Uint8Array; contentType: string }[] {
  const names = selectionFileNames(format);
  // The run id in each Parquet file's key-value metadata ties it to its results.json and manifest (CSV has no such place).
  const metadata = { 'moa.run_id': runId };
  const encode = (columns: Record<string, ParquetColumn>) => (format === 'csv' ? toCsv(columns) : toParquet(columns, metadata));
  const contentType = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.apache.parquet';
  const { weights: w, labelQueue: q, validation: v } = rows;
  return [
    {
      name: names.weights,
      contentType,
      body: encode({
        source: { type: 'string', values: w.source },
        uri: { type: 'string', values: w.uri },
        row: { type: 'int32', values: w.row },
        id: { type: 'string', values: w.id },
        label: labelColumn(w.label),
        weight: { type: 'float64', values: w.weight },
      }),
    },
    {
      name: names.labelQueue,
      contentType,
      body: encode({
        uri: { type: 'string', values: q.uri },
        row: { type: 'int32', values: q.row },
        id: { type: 'string', values: q.id },
        reason: { type: 'string', values: q.reason },
        score: { type: 'float64', values: q.score },
      }),
    },
    {
      name: names.validation,
      contentType,
      body: encode({
        source: { type: 'string', values: v.source },
        uri: { type: 'string', values: v.uri },
        row: { type: 'int32', values: v.row },
        id: { type: 'string', values: v.id },
        label: labelColumn(v.label),
      }),
    },
  ];
}
