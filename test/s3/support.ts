/**
 * Shared by the storage-fault and rerun tests: a small color data set in a bucket, the run flags, and results
 * normalised for comparing two runs (run id and times removed; everything else must be identical).
 */
import { colorColumns, colorDemoData } from '../../src/demo/run-demo.js';
import { toParquet, type ParquetColumn } from '../../src/emit/parquet.js';
import { putObject } from '../support/s3.js';

function slice(columns: Record<string, ParquetColumn>, from: number, to: number): Record<string, ParquetColumn> {
  return Object.fromEntries(
    Object.entries(columns).map(([name, c]) => [name, { ...c, values: Array.prototype.slice.call(c.values, from, to) } as ParquetColumn]),
  );
}

/**
 * The color study cut to 500 reference and 300 operational rows (fast runs that still end in `retrain`, so
 * every artifact, the selection Parquet files included, is written). Keys under `data/`.
 */
export async function putColorData(bucket: string): Promise<void> {
  const { model, reference, operational } = colorDemoData(11);
  await putObject(bucket, 'data/reference.parquet', toParquet(slice(colorColumns(reference, model), 0, 500)));
  await putObject(bucket, 'data/operational.parquet', toParquet(slice(colorColumns(operational, model), 0, 300)));
}

export const ROLES = ['--label', 'color', '--prediction', 'predicted', '--proba', 'proba_', '--id', 'id', '--timestamp', 'ts'];

export function runArgs(bucket: string, out: string, extra: string[] = []): string[] {
  return ['run', '--reference', `s3://${bucket}/data/reference.parquet`, '--operational', `s3://${bucket}/data/operational.parquet`, '--out', `s3://${bucket}/${out}`, ...ROLES, ...extra];
}

const VARYING = new Set(['runId', 'startedAt', 'finishedAt', 'createdAt']);

/** A run id (src/run-id.ts), wherever a record names the run it came from (e.g. evidence chunks). */
const RUN_ID = /^moa-\d{14}-[0-9a-f]{8}$/;

/** A results or manifest document without what differs between two runs of the same analysis. */
export function normalised(text: string, out: string): unknown {
  return JSON.parse(text, (key, value) =>
    VARYING.has(key) ? undefined : typeof value === 'string' ? (RUN_ID.test(value) ? '<run>' : value.split(out).join('<out>')) : value,
  );
}
