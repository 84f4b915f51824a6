import { describe, expect, it } from '@jest/globals';
import { analyzeFeatures, analyzeGates, analyzeMultivariate, analyzeOutputs } from '../../src/analyze/index.js';
import { CheckResultSchema } from '../../src/schema/results.js';
import { familyAlpha } from '../../src/schema/alpha.js';
import { bikeDays, config, resolved, rowsOf } from './support.js';

/** UCI Bike Sharing, daily rows: real temporal drift (demand grew from 2011 to 2012; weather follows the seasons). */
describe('Bike Sharing: drift on the features that really changed', () => {
  const table = bikeDays();
  const column = (name: string) => {
    const c = table.columns.find((col) => col.name === name)!;
    if (c.type !== 'numeric') throw new Error(`${name} should be numeric`);
    return c.values;
  };
  const yr = column('yr');
  const mnth = column('mnth');
  const rowsWhere = (keep: (i: number) => boolean) => [...yr.keys()].filter(keep);
  // The multivariate tests at 0.05 each, set explicitly: run alone they would get only their share of the plan's budget.
  const cfg = config({ columns: { ignore: ['instant', 'dteday', 'yr', 'casual', 'registered'], categorical: ['season', 'weathersit'], types: {} }, seed: 1, analyze: { multivariate: { alpha: 0.05 } } });
  const split = (ref: (i: number) => boolean, op: (i: number) => boolean) => resolved(cfg, rowsOf(table, rowsWhere(ref), 'reference'), rowsOf(table, rowsWhere(op), 'operational'));

  it('2011 vs 2012: demand (cnt) drifted; the calendar did not; the gates pass', () => {
    const { roles, reference, operational } = split((i) => yr[i] === 0, (i) => yr[i] === 1);
    const results = analyzeFeatures(reference, operational, roles, cfg);
    for (const r of results) CheckResultSchema.parse(r);
    const status = Object.fromEntries(results.map((r) => [r.subject, r.status]));
    expect(status.cnt).toBe('fail');
    for (const calendar of ['mnth', 'weekday', 'season', 'holiday', 'workingday']) expect(status[calendar]).toBe('pass');
    // Registry choices are recorded: holiday is binary (0/1), season categorical, temp numeric.
    const method = Object.fromEntries(results.map((r) => [r.subject, r.method]));
    expect(method.holiday).toBe('two_proportion_z');
    expect(method.season).toBe('chi2_contingency');
    expect(method.temp).toMatch(/^ks_2samp/);
    const gates = analyzeGates(reference, operational, roles, cfg);
    expect(gates.filter((g) => g.status === 'fail')).toEqual([]);
    // Demand beyond the 2011 range is drift, flagged as a warning, not broken data.
    expect(gates.find((g) => g.id === 'quality.column.cnt')!.status).toBe('warn');
  });

  it('2011 vs 2012 at the plan’s own α: the reconstruction test can reach it, and does', () => {
    // Its family α by default is an eighth of the drift step's share (0.00125 at plan α 0.05): a permutation test
    // with 200 draws (smallest p 1/201) could never reject there.
    const planCfg = config({ columns: cfg.columns, seed: 1 });
    const alpha = familyAlpha(planCfg).multivariate;
    expect(alpha).toBeLessThan(1 / 201);
    const { roles, reference, operational } = resolved(planCfg, rowsOf(table, rowsWhere((i) => yr[i] === 0), 'reference'), rowsOf(table, rowsWhere((i) => yr[i] === 1), 'operational'));
    const reconstruction = analyzeMultivariate(reference, operational, roles, planCfg).results.find((r) => r.id === 'drift.multivariate.reconstruction')!;
    expect(reconstruction.threshold!.alpha).toBe(alpha);
    expect(Number(reconstruction.threshold!.chunks)).toBeGreaterThanOrEqual(20 / alpha);
    expect(Number(reconstruction.figures.pValue)).toBeLessThanOrEqual(alpha);
    expect(reconstruction.figures.draws).toBe(reconstruction.threshold!.chunks); // a rejection needs every draw
    expect(reconstruction.figures.chunkThreshold).toBeDefined();
    expect(reconstruction.status).toBe('fail');
  });

  it('two halves of 2012 at the plan’s own α: the permutation draws stop once p is sure to exceed α (Besag–Clifford), with the verdict of the full draws', () => {
    const planCfg = config({ columns: cfg.columns, seed: 1 });
    const alpha = familyAlpha(planCfg).multivariate;
    const y2012 = rowsWhere((i) => yr[i] === 1);
    const { roles, reference, operational } = resolved(planCfg, rowsOf(table, y2012.filter((_, k) => k % 2 === 0), 'reference'), rowsOf(table, y2012.filter((_, k) => k % 2 === 1), 'operational'));
    const reconstruction = analyzeMultivariate(reference, operational, roles, planCfg).results.find((r) => r.id === 'drift.multivariate.reconstruction')!;
    CheckResultSchema.parse(reconstruction);
    const planned = Number(reconstruction.threshold!.chunks);
    const made = Number(reconstruction.figures.draws);
    expect(made).toBeLessThan(planned / 10);
    // Stopped at the 20th draw at or above the operational mean: p = 20 / draws made, above α; the full draws would
    // need at most 19 such draws in all to reject, so they could not have.
    expect(Number(reconstruction.figures.pValue)).toBeCloseTo(20 / made, 12);
    expect(Number(reconstruction.figures.pValue)).toBeGreaterThan(alpha);
    expect(Math.floor(alpha * (planned + 1) - 1) + 1).toBe(20);
    expect(reconstruction.figures.chunkThreshold).toBeUndefined();
    expect(reconstruction.status).toBe('pass');
  });

  it('2011 vs 2012: the domain classifier separates the years and names cnt first', () => {
    const { roles, reference, operational } = split((i) => yr[i] === 0, (i) => yr[i] === 1);
    const { results, domain } = analyzeMultivariate(reference, operational, roles, cfg);
    const [classifier, reconstruction] = results;
    CheckResultSchema.parse(classifier);
    CheckResultSchema.parse(reconstruction);
    expect(classifier!.status).toBe('fail');
    expect(Number(classifier!.figures.auc)).toBeGreaterThan(0.8);
    const importance = classifier!.details!.importance as { feature: string; importance: number }[];
    expect(importance[0]!.feature).toBe('cnt');
    expect(reconstruction!.status).toBe('fail');
    // SELECT's importance weights: reference days that look like 2012 (high demand) weigh more.
    const p = domain!.probability(reference);
    const w = domain!.densityRatio(reference);
    expect(p.length).toBe(reference.rows);
    const cnt = reference.columns.get('cnt')!;
    if (cnt.type !== 'numeric') throw new Error('cnt');
    const busy = [...w.keys()].filter((i) => cnt.values[i]! > 5000);
    const quiet = [...w.keys()].filter((i) => cnt.values[i]! < 2000);
    const mean = (idx: number[]) => idx.reduce((a, i) => a + w[i]!, 0) / idx.length;
    expect(mean(busy)).toBeGreaterThan(1.5 * mean(quiet));
    expect(Math.max(...w)).toBeLessThanOrEqual(20);
  });

  it('winter vs summer 2011: temperature drifted, the weekday mix did not', () => {
    const { roles, reference, operational } = split((i) => yr[i] === 0 && mnth[i]! <= 3, (i) => yr[i] === 0 && mnth[i]! >= 7 && mnth[i]! <= 9);
    const results = analyzeFeatures(reference, operational, roles, cfg);
    const status = Object.fromEntries(results.map((r) => [r.subject, r.status]));
    expect(status.temp).toBe('fail');
    expect(status.atemp).toBe('fail');
    expect(status.weekday).toBe('pass');
    expect(status.workingday).toBe('pass');
    const temp = results.find((r) => r.subject === 'temp')!;
    expect(Number(temp.figures.wassersteinNorm)).toBeGreaterThan(1);
    expect(temp.details!.distribution).toMatchObject({ kind: 'numeric' });
  });
});

describe('Bike Sharing: BBSD on a regression output', () => {
  const table = bikeDays();
  const col = (name: string) => {
    const c = table.columns.find((x) => x.name === name)!;
    if (c.type !== 'numeric') throw new Error(`${name} should be numeric`);
    return c.values;
  };
  const [yr, mnth, temp, workingday] = ['yr', 'mnth', 'temp', 'workingday'].map(col) as [Float64Array, Float64Array, Float64Array, Float64Array];
  // A stand-in demand model (rides from temperature and working days); only its outputs are tested.
  table.columns.push({ name: 'predicted_cnt', type: 'numeric', values: temp.map((t, i) => 1000 + 6000 * t + 300 * workingday[i]!), nulls: null, integer: false });
  const cfg = config({ task: 'regression', columns: { prediction: 'predicted_cnt', ignore: ['instant', 'dteday', 'yr', 'casual', 'registered', 'cnt'], categorical: [], types: {} } });
  const rowsWhere = (keep: (i: number) => boolean) => [...yr.keys()].filter(keep);

  it('the predictions shift from winter to summer and not between the two halves of the same months', () => {
    const shifted = resolved(cfg, rowsOf(table, rowsWhere((i) => mnth[i]! <= 3), 'reference'), rowsOf(table, rowsWhere((i) => mnth[i]! >= 7 && mnth[i]! <= 9), 'operational'));
    const [moved] = analyzeOutputs(shifted.reference, shifted.operational, shifted.roles, cfg);
    expect(moved!.id).toBe('drift.output.prediction');
    expect(moved!.status).toBe('fail');
    const same = resolved(cfg, rowsOf(table, rowsWhere((i) => i % 2 === 0), 'reference'), rowsOf(table, rowsWhere((i) => i % 2 === 1), 'operational'));
    const [steady] = analyzeOutputs(same.reference, same.operational, same.roles, cfg);
    expect(steady!.status).toBe('pass');
  });
});
