import { describe, expect, it } from '@jest/globals';
import { sampleIndices, shuffle } from '../../src/analyze/sampling.js';
import { decide } from '../../src/decide/decide.js';
import { alphaPlan } from '../../src/decide/alpha.js';
import { runPlan } from '../../src/decide/plan.js';
import { planSteps, testFamilies } from '../../src/decide/steps.js';
import { silentLogger } from '../../src/log.js';
import { CHECKS } from '../../src/checks/index.js';
import { mulberry32 } from '../../src/stats/index.js';
import { adultWithModel, config, resolved, rowsOf } from '../analyze/support.js';

/**
 * The whole plan on null cases: 50 seeded splits of UCI Adult into reference and operational halves of one
 * population, every test of the battery run (--full). Any alarm is false. The plan spends one α over all its
 * tests (docs/plan.md), so the share of splits with any statistical alarm must stay at α plus sampling error
 * (α = 0.05, 50 splits: at most 5), and the action must be `none`.
 */
const SPLITS = 50;
const ROWS = 2000;
const ALPHA = 0.05;
const MAX_ALARMS = Math.floor(SPLITS * (ALPHA + 2 * Math.sqrt((ALPHA * (1 - ALPHA)) / SPLITS)));
const STATISTICAL: string[] = [CHECKS.featureDrift, CHECKS.outputDrift, CHECKS.multivariateDrift, CHECKS.tensorDrift, CHECKS.novelty, CHECKS.performance, CHECKS.estimatedPerformance, CHECKS.calibration, CHECKS.labelShift, CHECKS.sliceDegradation].map((e) => e.kind);

describe('the plan on null cases', () => {
  const table = adultWithModel();
  const pool = Int32Array.from({ length: table.rows - 5000 }, (_, i) => 5000 + i);
  const cfg = config({
    columns: { label: 'income', prediction: 'prediction', proba: 'proba_', categorical: [], ignore: [], types: {} },
    full: true,
    plan: { alpha: ALPHA },
    analyze: { multivariate: { maxRows: 400, epochs: 5, chunks: 100 } },
  });

  it(`keeps the dataset-level false-alarm rate at α (at most ${MAX_ALARMS} of ${SPLITS} splits) and decides none`, async () => {
    let alarms = 0;
    const actions = new Map<string, number>();
    const byKind = new Map<string, number>();
    for (let s = 0; s < SPLITS; s++) {
      const rng = mulberry32(2000 + s);
      const picked = shuffle(sampleIndices(pool.length, 2 * ROWS, rng), rng).map((i) => pool[i]!);
      const runCfg = { ...cfg, seed: s };
      const { roles, reference, operational } = resolved(runCfg, rowsOf(table, picked.subarray(0, ROWS), 'reference'), rowsOf(table, picked.subarray(ROWS), 'operational'));
      const { checks } = runPlan(planSteps(), { reference, operational, validation: undefined, roles, config: runCfg, log: silentLogger, alpha: alphaPlan(runCfg, testFamilies({ reference, roles, validation: undefined })) });
      const failed = checks.filter((c) => STATISTICAL.includes(c.kind) && c.status === 'fail');
      for (const kind of new Set(failed.map((c) => c.kind))) byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
      if (failed.length) alarms++;
      const { action } = decide(checks, { allowFailedGates: false }).decision;
      actions.set(action, (actions.get(action) ?? 0) + 1);
    }
    console.log(`plan on ${SPLITS} null splits of UCI Adult (${ROWS}+${ROWS} rows, --full, α = ${ALPHA}): splits with any alarm ${alarms} (${((alarms / SPLITS) * 100).toFixed(0)} %); by kind ${JSON.stringify(Object.fromEntries(byKind))}; actions ${JSON.stringify(Object.fromEntries(actions))}`);
    expect(alarms).toBeLessThanOrEqual(MAX_ALARMS);
    expect(actions.get('none') ?? 0).toBeGreaterThanOrEqual(SPLITS - MAX_ALARMS);
  }, 600_000);
});
