import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { storageError } from '../errors.js';
import { joinLocation, parseLocation, type Storage } from '../storage/index.js';

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
 * Write the outputs under `--out`. The manifest goes last: a training stage that sees it can trust that
 * everything else was written and the analysis finished.
 */
export async function writeOutputs(storage: Storage, out: string, files: OutputFiles, beforeManifest?: () => Promise<void>): Promise<void> {
  const base = parseLocation(out, '--out');
  await storage.write(joinLocation(base, OUTPUT_NAMES.results), files.results, 'application/json');
  await storage.write(joinLocation(base, OUTPUT_NAMES.summary), files.summary, 'text/markdown; charset=utf-8');
  await storage.write(joinLocation(base, OUTPUT_NAMES.report), files.report, 'text/html; charset=utf-8');
  for (const file of files.extra ?? []) await storage.write(joinLocation(base, file.name), file.body, file.contentType);
  await beforeManifest?.();
  await storage.write(joinLocation(base, OUTPUT_NAMES.manifest), files.manifest, 'application/json');
}

/** Best effort: record a failure where the outputs would have gone. Never throws. */
export async function writeErrorFile(storage: Storage, out: string, body: unknown): Promise<boolean> {
  try {
    const base = parseLocation(out, '--out');
    await storage.write(joinLocation(base, OUTPUT_NAMES.error), JSON.stringify(body, null, 2) + '\n', 'application/json');
    return true;
  } catch {
    return false;
  }
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
