import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { CHECKS, find } from '../../src/checks/index.js';
import { alphaPlan } from '../../src/decide/alpha.js';
import { runPlan, type PlanStep } from '../../src/decide/plan.js';
import { planSteps, testFamilies } from '../../src/decide/steps.js';
import { silentLogger } from '../../src/log.js';
import { ConfigSchema } from '../../src/schema/config.js';
import { REPO_ROOT } from '../support/cli.js';
import { checkOf } from '../support/checks.js';
import { datasetOf, numeric, resolved } from '../analyze/support.js';

const config = ConfigSchema.parse({ reference: 'mem://ref', operational: 'mem://op', out: 'mem://out' });
const x = numeric('x', Float64Array.from({ length: 50 }, (_, i) => i));
const { roles, reference, operational } = resolved(config, datasetOf([x], 'reference'), datasetOf([x], 'operational'));
const start = { reference, operational, validation: undefined, roles, config, log: silentLogger, alpha: alphaPlan(config, { performance: 0, outputDrift: false, tensors: false }) };

const labelShiftStep: PlanStep = {
  id: 'label_shift',
  title: 'a label-shift result',
  expected: () => 1,
  run: () => {
    const check = checkOf(CHECKS.labelShift, { id: 'audit.label_shift', status: 'fail', figures: { pValue: 0.001 }, summary: 'priors moved' });
    return { checks: [check], evidence: { labelShift: check } };
  },
};

describe('plan steps return their checks and evidence; none changes another step’s results', () => {
  // Regression: the label-shift step set `figures.pure` on a result after the fact.
  it('a later step cannot mutate an earlier step’s figures, thresholds, details or status', () => {
    const meddler: PlanStep = {
      id: 'drift',
      title: 'mutates what it read',
      expected: () => 0,
      run: (ctx) => {
        (ctx.checks[0]!.figures as Record<string, unknown>).pure = true;
        return { checks: [] };
      },
    };
    expect(() => runPlan([labelShiftStep, meddler], start)).toThrow(TypeError);
    const statusChanger: PlanStep = { ...meddler, run: (ctx) => ((ctx.checks[0] as { status: string }).status = 'pass', { checks: [] }) };
    expect(() => runPlan([labelShiftStep, statusChanger], start)).toThrow(TypeError);
  });

  it('collects each step’s evidence for SELECT', () => {
    const novelty: PlanStep = { id: 'novelty', title: 'n', expected: () => 0, run: () => ({ checks: [], evidence: { novelRows: [1, 2], targeted: [{ rows: [1, 2], reason: 'cluster', check: 'analyze.novelty' }] } }) };
    const slices: PlanStep = { id: 'slices', title: 's', expected: () => 0, run: () => ({ checks: [], evidence: { targeted: [{ rows: [3], reason: 'slice', check: 'audit.slices' }] } }) };
    const run = runPlan([labelShiftStep, novelty, slices], start);
    expect(run.evidence.labelShift).toMatchObject({ id: 'audit.label_shift', status: 'fail' });
    expect(run.evidence.novelRows).toEqual([1, 2]);
    expect(run.evidence.targeted!.map((t) => t.check)).toEqual(['analyze.novelty', 'audit.slices']);
  });
});

describe('emit writes what decide decided', () => {
  // Regression: the manifest builder compared the action with literals to decide what retraining means.
  it('the manifest builder never compares the action with a literal: ACTION_MEANINGS says what each action means', () => {
    const source = readFileSync(path.join(REPO_ROOT, 'src', 'emit', 'manifest.ts'), 'utf8');
    expect(source).not.toMatch(/action\s*(===|!==)\s*'/);
    expect(source).toContain('ACTION_MEANINGS');
  });
});

describe('one α story: the plan’s budget is the default, an explicit per-check α is honoured', () => {
  const families = testFamilies({ reference, roles, validation: undefined });
  // Regression: `drift.alpha` and six other per-check keys were accepted and echoed, but the budget overrode them.
  it('uses drift.alpha when set, and records what the drift step and the plan then spend', () => {
    const explicit = ConfigSchema.parse({ reference: 'mem://ref', operational: 'mem://op', out: 'mem://out', drift: { alpha: 0.01 } });
    const alpha = alphaPlan(explicit, families);
    expect(alpha.family.featureDrift).toBe(0.01);
    expect(alpha.spent.drift).toBeCloseTo(0.05 * 0.2 - 0.005 + 0.01, 15);
    expect(alpha.spent.total).toBeCloseTo(0.05 + 0.005, 15);
    const run = runPlan(planSteps(), { ...start, config: explicit, alpha });
    expect(find(run.checks, CHECKS.featureDrift)!.threshold!.alpha).toBe(0.01);
  });

  it('gives every family its share of plan.alpha when none is set, spending exactly plan.alpha', () => {
    const alpha = alphaPlan(config, families);
    expect(alpha.spent.total).toBeCloseTo(config.plan.alpha, 15);
    const run = runPlan(planSteps(), { ...start, alpha });
    expect(find(run.checks, CHECKS.featureDrift)!.threshold!.alpha).toBeCloseTo(0.005, 15);
  });
});
