import type { SelectionRows } from '../select/select.js';
import { OUTPUT_NAMES } from './outputs.js';
import { toParquet } from './parquet.js';

/** The selection as Parquet files the training stage can read with pandas or pyarrow. */
export function selectionFiles(rows: SelectionRows, runId: string): { name: string; body: Uint8Array; contentType: string }[] {
  const type = 'application/vnd.apache.parquet';
  // The run id in each file's key-value metadata ties it to its results.json and manifest.
  const metadata = { 'moa.run_id': runId };
  return [
    {
      name: OUTPUT_NAMES.weights,
      contentType: type,
      body: toParquet({
        source: { type: 'string', values: rows.weights.source },
        row: { type: 'int32', values: rows.weights.row },
        id: { type: 'string', values: rows.weights.id },
        weight: { type: 'float64', values: rows.weights.weight },
      }, metadata),
    },
    {
      name: OUTPUT_NAMES.labelQueue,
      contentType: type,
      body: toParquet({
        row: { type: 'int32', values: rows.labelQueue.row },
        id: { type: 'string', values: rows.labelQueue.id },
        reason: { type: 'string', values: rows.labelQueue.reason },
        score: { type: 'float64', values: rows.labelQueue.score },
      }, metadata),
    },
    {
      name: OUTPUT_NAMES.validation,
      contentType: type,
      body: toParquet({ row: { type: 'int32', values: rows.validation.row }, id: { type: 'string', values: rows.validation.id } }, metadata),
    },
  ];
}
