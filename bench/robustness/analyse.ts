import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveConfig } from '../../src/config/load.js';
import { toParquet } from '../../src/emit/parquet.js';
import { silentLogger } from '../../src/log.js';
import { runAnalysis } from '../../src/run.js';
import type { Manifest } from '../../src/schema/manifest.js';
import { mulberry32 } from '../../src/stats/index.js';
import { createStorage } from '../../src/storage/index.js';
import { fitEncoder, parquetColumns, rowsOf, stamp, type Frame } from '../scenarios/frame.js';
import { fitModel } from '../scenarios/harness.js';
import type { Split } from './cases.js';
import type { RobustnessDataset } from './datasets.js';

const DAY = 86_400_000;
const SEPTEMBER = Date.UTC(2026, 8, 1);

/** What one run of the suite decided, with the manifest it wrote. */
export interface Analysis {
  action: string;
  text: string;
  ids: string[];
  subjects: Map<string, string | undefined>;
  newClasses: string[];
  seconds: number;
  manifest?: Manifest;
}

/**
 * One case end to end in `dir`: stamp the three frames with ids and times, train the production model on the
 * reference (as bench/scenarios does), write the inputs with its outputs, run the step in-process.
 */
export async function analyse(ds: Pick<RobustnessDataset, 'task'>, split: Split, seed: number, dir: string, label: string): Promise<Analysis> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const rng = mulberry32(seed);
  const next = () => rng.nextDouble53();
  const frames: Record<string, Frame> = {
    reference: stamp(split.reference, { prefix: 'r', start: SEPTEMBER, days: 30, labelled: 1, next }),
    validation: stamp(split.validation, { prefix: 'v', start: SEPTEMBER + 30 * DAY, days: 30, labelled: 1, next }),
    operational: stamp(split.operational, { prefix: 'o', start: SEPTEMBER + 61 * DAY, days: 30, labelled: 1, next }),
  };
  const encoder = fitEncoder(frames.reference!);
  const model = fitModel(ds.task, encoder, Array.from({ length: rowsOf(frames.reference!) }, (_, row) => ({ frame: frames.reference!, row, weight: 1 })), seed);
  for (const [name, frame] of Object.entries(frames)) {
    const p = model.predict(frame);
    await writeFile(path.join(dir, `${name}.parquet`), toParquet(parquetColumns(frame, p.labels, p.proba)));
  }
  const config = await resolveConfig(createStorage(), undefined, {
    reference: path.join(dir, 'reference.parquet'),
    operational: path.join(dir, 'operational.parquet'),
    validation: path.join(dir, 'validation.parquet'),
    out: path.join(dir, 'out'),
    task: ds.task,
    seed,
    columns: { label: 'label', prediction: 'predicted', timestamp: 'ts', id: 'id', ...(ds.task === 'classification' ? { proba: 'proba_' } : {}) },
  });
  const started = process.hrtime.bigint();
  const { results, manifest } = await runAnalysis(config, { storage: createStorage(), log: silentLogger, runId: `robustness-${label}`, now: () => new Date(Date.UTC(2026, 11, 1)) });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const reasons = results.decision.reasons;
  return {
    action: results.decision.action,
    text: reasons.map((r) => r.text).join(' | '),
    ids: reasons.flatMap((r) => r.checks),
    subjects: new Map(results.checks.map((c) => [c.id, c.subject ?? undefined])),
    newClasses: manifest.training.newClasses,
    seconds,
    manifest,
  };
}

