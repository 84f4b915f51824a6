import { randomUUID } from 'node:crypto';

/**
 * A run's id: sortable by start time, unique across concurrent runs. It is in every artifact (results, summary,
 * report, manifest, selection Parquet metadata, error.json) and every log line, so files can be tied to a run.
 */
export function newRunId(startedAt: Date = new Date()): string {
  return `moa-${startedAt.toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomUUID().slice(0, 8)}`;
}
