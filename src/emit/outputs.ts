import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { storageError } from '../errors.js';
import { joinLocation, parseLocation, type Storage } from '../storage/index.js';
import { selectionFileNames } from './selection-files.js';

export interface OutputFiles {
  results: string;
  summary: string;
  report: string;
  manifest: string;
  /** More files under --out (e.g. selection/*.parquet), written before the manifest. */
  extra?: { name: string; body: Uint8Array | string; contentType: string }[];
}

export const OUTPUT_NAMES = {
  results: 'results.json',
  summary: 'summary.md',
  report: 'report.html',
  manifest: 'retrain-config.json',
  error: 'error.json',
} as const;

export function outputUri(out: string, name: string): string {
  return joinLocation(parseLocation(out, '--out'), name).uri;
}

/**
 * The output prefix is kept consistent (docs/outputs.md): a run first withdraws what earlier runs left — the
 * manifest before anything else, so from then on no reader can take an earlier decision for this run's — then
 * writes results, summary, report and selection, and the manifest last (create-only), or on failure error.json.
 * Every file carries the run id.
 */
const WITHDRAWN_AFTER_MANIFEST = [
  OUTPUT_NAMES.results,
  OUTPUT_NAMES.summary,
  OUTPUT_NAMES.report,
  ...Object.values(selectionFileNames('parquet')),
  ...Object.values(selectionFileNames('csv')),
  OUTPUT_NAMES.error,
];

/** Remove the manifest, then every other artifact an earlier run may have left under `--out`. Idempotent. */
export async function withdrawOutputs(storage: Storage, out: string): Promise<void> {
  const base = parseLocation(out, '--out');
  await storage.remove(joinLocation(base, OUTPUT_NAMES.manifest));
  for (const name of WITHDRAWN_AFTER_MANIFEST) await storage.remove(joinLocation(base, name));
}

/**
 * Write the outputs under `--out` (already withdrawn by `withdrawOutputs`). The manifest goes last and only if
 * absent (S3 If-None-Match): a training stage that sees it can trust that everything else was written by the
 * same run, and a concurrent run on the same prefix makes this one fail instead of mixing the two.
 */
export async function writeOutputs(storage: Storage, out: string, files: OutputFiles, beforeManifest?: () => Promise<void>): Promise<void> {
  const base = parseLocation(out, '--out');
  await storage.write(joinLocation(base, OUTPUT_NAMES.results), files.results, 'application/json');
  await storage.write(joinLocation(base, OUTPUT_NAMES.summary), files.summary, 'text/markdown; charset=utf-8');
  await storage.write(joinLocation(base, OUTPUT_NAMES.report), files.report, 'text/html; charset=utf-8');
  for (const file of files.extra ?? []) await storage.write(joinLocation(base, file.name), file.body, file.contentType);
  await beforeManifest?.();
  await storage.write(joinLocation(base, OUTPUT_NAMES.manifest), files.manifest, 'application/json', { ifAbsent: true });
}

/** What a failed run managed to record under `--out`. */
export interface FailureRecord {
  /** The manifest (and earlier artifacts) are gone: by this run's withdrawal or the one made now. */
  withdrawn: boolean;
  /** error.json was written. */
  written: boolean;
  /** Why not, when something could not be done (the storage error's message). */
  problem?: string;
}

/**
 * Record a failure where the outputs would have gone: withdraw earlier outputs (again: the run may have failed
 * before its own withdrawal, and deletes are idempotent), then write error.json. Best effort, never throws: the
 * run's own error is what the caller reports.
 */
export async function recordFailure(storage: Storage, out: string, body: Record<string, unknown>): Promise<FailureRecord> {
  const record: FailureRecord = { withdrawn: false, written: false };
  const problems: string[] = [];
  try {
    await withdrawOutputs(storage, out);
    record.withdrawn = true;
  } catch (error) {
    problems.push((error as Error).message);
  }
  try {
    const base = parseLocation(out, '--out');
    // Written even when the withdrawal failed (e.g. a policy without s3:DeleteObject), saying so.
    const text = JSON.stringify({ ...body, manifest: record.withdrawn ? 'withdrawn' : 'not withdrawn' }, null, 2) + '\n';
    await storage.write(joinLocation(base, OUTPUT_NAMES.error), text, 'application/json');
    record.written = true;
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length) record.problem = problems.join(' ');
  return record;
}

/**
 * Plain parameter files for Argo `outputs.parameters[].valueFrom.path` and KFP: one file per value, no trailing
 * newline (KFP does not trim STRING outputs).
 */
export async function writeOutputParams(dir: string, params: Record<string, string>): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    for (const [name, value] of Object.entries(params)) {
      const file = path.join(dir, name);
      await writeFile(`${file}.tmp`, value);
      await rename(`${file}.tmp`, file);
    }
  } catch (error) {
    throw storageError('storage.output_params', `--output-params: cannot write to ${dir} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, {
      subject: dir,
      fix: 'Point --output-params at a writable directory (e.g. /tmp/outputs).',
    });
  }
}
