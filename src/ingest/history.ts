/**
 * `--history URI`: earlier runs' outputs (a results.json, or a prefix / directory holding any number of them), read
 * for their evidence-over-time chunks so evidence adds up across runs (audit/evidence-over-time.ts).
 */
import { z } from 'zod';
import { CHECKS, type DetailsOf } from '../checks/index.js';
import { dataError, MoaError } from '../errors.js';
import type { Logger } from '../log.js';
import { parseLocation, type Storage } from '../storage/index.js';

/** An earlier run's chunks as results.json recorded them, or why it has none (`note`). */
export interface HistoryRun {
  uri: string;
  runId: string;
  axis: 'time' | 'rows';
  baselineKey: string;
  chunks: DetailsOf<typeof CHECKS.evidenceOverTime>['chunks'];
  /** Why the run has no chunks to give. */
  note?: string;
}

const RESULTS = 'results.json';
/** What a results.json must hold to be read as history (the rest of the file is not needed here). */
const RunShape = z.object({ runId: z.string(), checks: z.array(z.object({ kind: z.string() }).loose()) }).loose();

/**
 * Every results.json under `uri`, oldest key first. A prefix with none (the first run of a pipeline) is no history,
 * not an error; storage failures keep their own errors (exit 4); a results.json that is not one is `history.invalid`.
 */
export async function readHistory(storage: Storage, uri: string, out: string, log: Logger): Promise<HistoryRun[]> {
  const location = parseLocation(uri, '--history');
  let objects;
  try {
    objects = await storage.list(location, '--history');
  } catch (error) {
    if (error instanceof MoaError && error.code === 'storage.not_found') {
      log.warn('no earlier run found under --history', { uri });
      return [];
    }
    throw error;
  }
  const own = parseLocation(out).uri.replace(/\/+$/, '') + '/' + RESULTS;
  const files = objects.filter((o) => (o.name === RESULTS || o.name.endsWith('/' + RESULTS)) && o.uri !== own);
  const runs: HistoryRun[] = [];
  for (const object of files) {
    const bytes = await storage.read(object, location, '--history');
    let parsed: z.infer<typeof RunShape>;
    try {
      parsed = RunShape.parse(JSON.parse(new TextDecoder().decode(bytes)));
    } catch (error) {
      throw dataError('history.invalid', `--history: ${object.uri} is not a moa results.json (${error instanceof Error ? error.message.slice(0, 200) : String(error)}).`, {
        subject: object.uri,
        fix: 'Point --history at the output prefix of earlier moa runs (their results.json files), or remove the file that is not one.',
        cause: error,
      });
    }
    const found = parsed.checks.find((c) => c.kind === CHECKS.evidenceOverTime.kind);
    if (!found) {
      runs.push({ uri: object.uri, runId: parsed.runId, axis: 'rows', baselineKey: '', chunks: [], note: 'no evidence_over_time check (an older moa, no labels, or the plan stopped at the gates)' });
      continue;
    }
    const check = CHECKS.evidenceOverTime.schema.safeParse(found);
    if (check.success && !check.data.details) {
      // A run with too few labelled rows to chunk (e.g. the first window when labels arrive late) has none to give.
      runs.push({ uri: object.uri, runId: parsed.runId, axis: 'rows', baselineKey: '', chunks: [], note: `no chunks: ${check.data.status} (${check.data.summary})` });
      continue;
    }
    if (!check.success) {
      throw dataError('history.invalid', `--history: the evidence_over_time check in ${object.uri} does not have the expected shape (${check.error.message.slice(0, 200)}).`, {
        subject: object.uri,
        fix: 'Use results.json files written by this moa version or a compatible one.',
      });
    }
    const d = check.data.details!;
    runs.push({ uri: object.uri, runId: parsed.runId, axis: d.axis, baselineKey: d.baselineKey, chunks: d.chunks });
  }
  log.info('read history', { uri, runs: runs.length });
  return runs;
}
