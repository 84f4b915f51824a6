import type { Manifest } from '../../src/schema/manifest.js';
import { mulberry32 } from '../../src/stats/index.js';
import { stamp, type Frame } from '../scenarios/frame.js';
import { runStepOnModel } from '../scenarios/harness.js';
import type { Split } from './cases.js';
import type { RobustnessDataset } from './datasets.js';

const DAY = 86_400_000;
const SEPTEMBER = Date.UTC(2026, 8, 1);

/** What one run of the suite decided, with the manifest it wrote. */
export interface Analysis {
  action: string;
  /** The same case's action with `--full` (every test run), when it was run. */
  fullAction?: string;
  text: string;
  ids: string[];
  subjects: Map<string, string | undefined>;
  newClasses: string[];
  seconds: number;
  manifest?: Manifest;
}

/**
 * One case end to end in `dir`: stamp the three frames with ids and times, then train the production model on the
 * reference, write the inputs with its outputs and run the step (and `--full`) in-process, as bench/scenarios does.
 */
export async function analyse(ds: Pick<RobustnessDataset, 'task'>, split: Split, seed: number, dir: string, label: string, o: { full?: boolean } = {}): Promise<Analysis> {
  const rng = mulberry32(seed);
  const next = () => rng.nextDouble53();
  const frames: Record<'reference' | 'validation' | 'operational', Frame> = {
    reference: stamp(split.reference, { prefix: 'r', start: SEPTEMBER, days: 30, labelled: 1, next }),
    validation: stamp(split.validation, { prefix: 'v', start: SEPTEMBER + 30 * DAY, days: 30, labelled: 1, next }),
    operational: stamp(split.operational, { prefix: 'o', start: SEPTEMBER + 61 * DAY, days: 30, labelled: 1, next }),
  };
  const { results, manifest, full, runtimeSeconds } = await runStepOnModel(ds.task, frames, { dir, seed, runId: `robustness-${label}`, full: o.full });
  const reasons = results.decision.reasons;
  return {
    action: results.decision.action,
    ...(full ? { fullAction: full.decision.action } : {}),
    text: reasons.map((r) => r.text).join(' | '),
    ids: reasons.flatMap((r) => r.checks),
    subjects: new Map(results.checks.map((c) => [c.id, c.subject ?? undefined])),
    newClasses: manifest.training.newClasses,
    seconds: runtimeSeconds,
    manifest,
  };
}
