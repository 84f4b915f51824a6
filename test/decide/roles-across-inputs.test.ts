import { describe, expect, it } from '@jest/globals';
import { sampleIndices, shuffle } from '../../src/analyze/sampling.js';
import { alphaPlan } from '../../src/decide/alpha.js';
import { decide } from '../../src/decide/decide.js';
import { runPlan } from '../../src/decide/plan.js';
import { planSteps, testFamilies } from '../../src/decide/steps.js';
import { CHECKS, findAll, type CheckResult } from '../../src/checks/index.js';
import { MoaError, exitCodeOf } from '../../src/errors.js';
import { resolveRoles, type Dataset } from '../../src/ingest/dataset.js';
import { silentLogger } from '../../src/log.js';
import { mulberry32 } from '../../src/stats/index.js';
import { adultWithModel, config, rowsOf } from '../analyze/support.js';

/**
 * Issue 16, "Why" 1: training data almost never holds the model's outputs. The reference here is what the model
 * was fitted on (UCI Adult rows 0–4,999, softmax regression) with its features and labels only; the predictions
 * and class probabilities exist in the validation and operational data alone (random halves of the rest: a null
 * split, nothing changed). Every check that reads them must run, say which inputs it compared, and not see drift.
 */
const SPLITS = 10;
const ROWS = 2000;
const ALPHA = 0.05;
// At most α plus two binomial standard deviations of the 10 splits may alarm: floor(10 · (0.05 + 2 · 0.069)) = 1.
const MAX_ALARMS = Math.floor(SPLITS * (ALPHA + 2 * Math.sqrt((ALPHA * (1 - ALPHA)) / SPLITS)));
const OUTPUTS = ['proba_<=50K', 'proba_>50K', 'prediction'];

const table = adultWithModel();
const withoutOutputs = (d: Dataset): Dataset => ({ ...d, columns: new Map([...d.columns].filter(([name]) => !OUTPUTS.includes(name))) });
const cfg = config({
  columns: { label: 'income', prediction: 'prediction', proba: 'proba_', categorical: [], ignore: [], types: {} },
  full: true,
  plan: { alpha: ALPHA },
  analyze: { multivariate: { maxRows: 400, epochs: 5, chunks: 100 } },
});

function plan(seed: number, opts: { validation: boolean; referenceOutputs?: boolean }) {
  const rng = mulberry32(3000 + seed);
  const pool = Int32Array.from({ length: table.rows - 5000 }, (_, i) => 5000 + i);
  const picked = shuffle(sampleIndices(pool.length, 2 * ROWS, rng), rng).map((i) => pool[i]!);
  const fitted = rowsOf(table, Int32Array.from({ length: 5000 }, (_, i) => i), 'reference');
  const reference = opts.referenceOutputs ? fitted : withoutOutputs(fitted);
  const operational = rowsOf(table, picked.subarray(0, ROWS), 'operational');
  const validation: Dataset = { ...rowsOf(table, picked.subarray(ROWS), 'operational', 'mem://validation'), role: 'validation' };
  const runCfg = { ...cfg, seed };
  const { roles, datasets } = resolveRoles(runCfg, reference, opts.validation ? [operational, validation] : [operational]);
  const [ref, op, val] = datasets as [Dataset, Dataset, Dataset | undefined];
  const alpha = alphaPlan(runCfg, testFamilies({ reference: ref, roles, validation: val }));
  const { checks } = runPlan(planSteps(), { reference: ref, operational: op, validation: val, roles, config: runCfg, log: silentLogger, alpha });
  return { roles, checks, action: decide(checks, { allowFailedGates: false }).decision.action };
}

const judged = (c: CheckResult) => ['pass', 'warn', 'fail'].includes(c.status);

describe('model outputs that only the operational and validation data hold', () => {
  it('resolves --proba from the inputs that hold the columns, and refuses only when none does', () => {
    const reference = withoutOutputs(rowsOf(table, [0, 1, 2], 'reference'));
    const operational = rowsOf(table, [5000, 5001, 5002], 'operational');
    const { roles } = resolveRoles(cfg, reference, [operational]);
    expect(roles.proba.map((p) => p.className).sort()).toEqual(['<=50K', '>50K']);
    expect(roles.features).not.toContain('proba_>50K');
    let error: unknown;
    try {
      resolveRoles(config({ columns: { label: 'income', proba: 'score_', categorical: [], ignore: [], types: {} } }), reference, [operational]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MoaError);
    expect((error as MoaError).code).toBe('columns.proba_missing');
    expect((error as MoaError).message).toMatch(/matches no column of the inputs \(reference, operational\)/);
    expect(exitCodeOf(error)).toBe(2);
  });

  it(`runs CBPE, calibration and probability output drift (validation vs operational) and sees no drift on ${SPLITS} null splits of UCI Adult`, () => {
    let alarms = 0;
    const actions = new Map<string, number>();
    for (let s = 0; s < SPLITS; s++) {
      const { checks, action } = plan(s, { validation: true });
      const cbpe = findAll(checks, CHECKS.estimatedPerformance);
      const calibration = findAll(checks, CHECKS.calibration);
      const outputs = findAll(checks, CHECKS.outputDrift);
      expect(cbpe).toHaveLength(1);
      expect(calibration).toHaveLength(1);
      expect(outputs.map((c) => c.id).sort()).toEqual(['drift.output.predicted_class', 'drift.output.proba.<=50K', 'drift.output.proba.>50K']);
      for (const c of [...cbpe, ...calibration, ...outputs]) {
        expect(judged(c)).toBe(true);
        expect(c.figures.baselineSource).toBe('validation');
      }
      if ([...cbpe, ...calibration, ...outputs].some((c) => c.status === 'fail')) alarms++;
      actions.set(action, (actions.get(action) ?? 0) + 1);
    }
    console.log(`outputs in operational + validation only, ${SPLITS} null splits of UCI Adult (${ROWS}+${ROWS} rows, --full): splits with an output/CBPE/calibration alarm ${alarms}; actions ${JSON.stringify(Object.fromEntries(actions))}`);
    expect(alarms).toBeLessThanOrEqual(MAX_ALARMS);
    expect(actions.get('none') ?? 0).toBeGreaterThanOrEqual(SPLITS - MAX_ALARMS);
  }, 600_000);

  it('prefers the validation outputs to the in-sample outputs of the reference the model was fitted on', () => {
    const { checks } = plan(0, { validation: true, referenceOutputs: true });
    const outputs = findAll(checks, CHECKS.outputDrift);
    expect(outputs).toHaveLength(3);
    for (const c of outputs) expect(c.figures.baselineSource).toBe('validation');
    expect(outputs.filter((c) => c.status === 'fail')).toEqual([]);
  });

  it('skips each check whose pair of inputs is incomplete, saying which input lacks the columns', () => {
    const { checks } = plan(0, { validation: false });
    const byId = new Map(checks.map((c) => [c.id, c]));
    for (const id of ['drift.output.proba', 'drift.output.prediction', 'audit.estimated_performance.accuracy', 'audit.label_shift']) {
      expect(byId.get(id)?.status).toBe('skipped');
    }
    expect(byId.get('drift.output.proba')!.summary).toMatch(/neither the validation data \(not given: --validation\) nor the reference holds proba_<=50K, proba_>50K/);
    expect(byId.get('audit.estimated_performance.accuracy')!.summary).toMatch(/no validation data was given/);
    expect(byId.get('audit.calibration')!.status).toBe('skipped');
    expect(byId.get('audit.calibration')!.summary).toMatch(/neither the validation data nor the reference holds income, proba_<=50K, proba_>50K/);
    // Measured performance still runs on the operational labels, but has no baseline to compare with.
    expect(byId.get('audit.performance.accuracy')!.status).toBe('insufficient_data');
  });
});
