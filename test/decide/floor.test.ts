import { describe, expect, it } from '@jest/globals';
import { sampleIndices, shuffle } from '../../src/analyze/sampling.js';
import { CHECKS, find } from '../../src/checks/index.js';
import { alphaPlan } from '../../src/decide/alpha.js';
import { decide } from '../../src/decide/decide.js';
import { runPlan } from '../../src/decide/plan.js';
import { planSteps, testFamilies } from '../../src/decide/steps.js';
import { resolveRoles, type Dataset } from '../../src/ingest/dataset.js';
import type { Table } from '../../src/ingest/table.js';
import { silentLogger } from '../../src/log.js';
import { mulberry32 } from '../../src/stats/index.js';
import { adultWithModel, categorical, config, rowsOf } from '../analyze/support.js';

/**
 * Issue 16, "Why" 4: a model that was broken from the start. On UCI Adult a rule "income > 50K when hours per week
 * exceed 40" is right less often than always answering "<=50K" (76 % of the rows). Its validation baseline is as
 * bad as its operational accuracy, so the drop test sees nothing; before the floor, moa said `none` for ever.
 */
const table = adultWithModel();
const hours = table.columns.find((c) => c.name === 'hours-per-week')!;
if (hours.type !== 'numeric') throw new Error('hours-per-week should be numeric');
const rule: Table = {
  rows: table.rows,
  columns: [
    ...table.columns.filter((c) => !c.name.startsWith('proba_') && c.name !== 'prediction'),
    categorical('prediction', Array.from(hours.values, (h) => (h > 40 ? '>50K' : '<=50K'))),
  ],
};

function plan(source: Table, seed: number) {
  const rng = mulberry32(7000 + seed);
  const pool = Int32Array.from({ length: source.rows - 5000 }, (_, i) => 5000 + i);
  const picked = shuffle(sampleIndices(pool.length, 4000, rng), rng).map((i) => pool[i]!);
  const reference = rowsOf(source, Int32Array.from({ length: 5000 }, (_, i) => i), 'reference');
  const operational = rowsOf(source, picked.subarray(0, 2000), 'operational');
  const validation: Dataset = { ...rowsOf(source, picked.subarray(2000), 'operational', 'mem://validation'), role: 'validation' };
  const cfg = config({ columns: { label: 'income', prediction: 'prediction', categorical: [], ignore: [], types: {} }, seed, analyze: { multivariate: { maxRows: 400, epochs: 5 } } });
  const { roles, datasets } = resolveRoles(cfg, reference, [operational, validation]);
  const [ref, op, val] = datasets as [Dataset, Dataset, Dataset];
  const alpha = alphaPlan(cfg, testFamilies({ reference: ref, roles, validation: val }));
  const { checks } = runPlan(planSteps(), { reference: ref, operational: op, validation: val, roles, config: cfg, log: silentLogger, alpha });
  return { checks, decision: decide(checks, { allowFailedGates: false }).decision };
}

describe('the absolute floor: a model no better than a constant is retrained, whatever its baseline', () => {
  it('a rule below the majority-class rate on a null split of UCI Adult: retrain, naming the constant', () => {
    const { checks, decision } = plan(rule, 1);
    const performance = find(checks, CHECKS.performance)!;
    // The baseline is as bad: no drop.
    expect(Math.abs(Number(performance.figures.drop))).toBeLessThan(0.03);
    expect(Number(performance.figures.floorModel)).toBeGreaterThan(Number(performance.figures.floor));
    expect(performance.figures.floorConstant).toBe('<=50K');
    expect(Number(performance.figures.floorPValue)).toBeLessThan(Number(performance.threshold!.floorAlpha));
    expect(performance.status).toBe('fail');
    expect(decision.action).toBe('retrain');
    expect(decision.reasons[0]!.text).toMatch(/no better than a constant.*always predicting "<=50K"/);
  });

  it('the fitted model clears the floor on the same split: none', () => {
    const { checks, decision } = plan(table, 1);
    const performance = find(checks, CHECKS.performance)!;
    expect(Number(performance.figures.floorModel)).toBeLessThan(0.8 * Number(performance.figures.floor));
    expect(Number(performance.figures.floorPValue)).toBeGreaterThan(0.5);
    expect(performance.status).not.toBe('fail');
    expect(decision.action).toBe('none');
  });
});
