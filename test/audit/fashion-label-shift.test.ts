import { diagnoseShift } from '../../src/decide/diagnosis.js';
import { expect, it } from '@jest/globals';
import { featureDrift } from '../../src/analyze/drift.js';
import { estimatedPerformance, labelShift, measuredPerformance, reweightedOutputs } from '../../src/audit/index.js';
import type { Dataset } from '../../src/ingest/dataset.js';
import type { Column } from '../../src/ingest/table.js';
import { fitSoftmax, predictProba } from '../../src/models/softmax.js';
import { AuditConfigSchema, DriftConfigSchema, PerformanceConfigSchema } from '../../src/schema/config.js';
import { mulberry32 } from '../../src/stats/index.js';
import { argmaxRows, classificationRoles, dataset, numeric, outputColumns } from './support/datasets.js';
import { CLASSES, fashionMissing, loadFashion } from './support/fashion.js';
import { describeIfAvailable } from '../support/requires.js';

/**
 * Prior shift on real images: a softmax model on 7×7 Fashion-MNIST, validation rows from the training split,
 * operational rows drawn from the test split with shifted class priors, so p(x|y) is unchanged by construction.
 */
const missing = fashionMissing();
const maybe = describeIfAvailable('the Fashion-MNIST label-shift tests', missing);

/** The shifted operational priors (they sum to 1); the validation priors are uniform. */
const SHIFTED = [0.22, 0.02, 0.04, 0.16, 0.03, 0.2, 0.05, 0.12, 0.1, 0.06];
const UNIFORM = new Array(10).fill(0.1);
const N_OP = 3000;

maybe('BBSE on Fashion-MNIST with shifted class priors', () => {
  const rng = mulberry32(7);
  const train = loadFashion('train');
  const test = loadFashion('test');
  const order = Int32Array.from({ length: train.n }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng.nextDouble53() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const fitRows = order.subarray(0, 8000);
  const valRows = order.subarray(8000, 18000);
  const model = fitSoftmax(train.pixels(fitRows), Int32Array.from(fitRows, (i) => train.y[i]!), 10, { epochs: 10, seed: 1, learningRate: 0.02 });
  const pixels = (x: Float64Array, n: number) => Array.from({ length: train.d }, (_, j) => numeric(`px${j}`, Float64Array.from({ length: n }, (_, i) => x[i * train.d + j]!)));
  const features = Array.from({ length: train.d }, (_, j) => `px${j}`);
  const roles = classificationRoles(CLASSES, features);

  const part = (role: Dataset['role'], images: typeof train, rows: Int32Array): Dataset => {
    const x = images.pixels(rows);
    const proba = predictProba(model, x);
    return dataset(role, [...pixels(x, rows.length), ...outputColumns(CLASSES, Int32Array.from(rows, (i) => images.y[i]!), argmaxRows(proba, 10), proba)]);
  };
  const validation = part('validation', train, valRows);
  const reference = part('reference', train, fitRows);

  /** N_OP test images with the given priors, drawn without replacement within each class. */
  const operational = (priors: number[], seed: number): Dataset => {
    const r = mulberry32(seed);
    const byClass = CLASSES.map((_, c) => Array.from({ length: test.n }, (_, i) => i).filter((i) => test.y[i] === c));
    const rows: number[] = [];
    priors.forEach((q, c) => {
      const pool = byClass[c]!;
      for (let t = 0; t < Math.round(q * N_OP); t++) {
        const j = t + Math.floor(r.nextDouble53() * (pool.length - t));
        [pool[t], pool[j]] = [pool[j]!, pool[t]!];
        rows.push(pool[t]!);
      }
    });
    return part('operational', test, Int32Array.from(rows));
  };
  const perf = { ...PerformanceConfigSchema.parse(undefined), alpha: 0.05 };
  const audit = AuditConfigSchema.parse(undefined);

  it('recovers the shifted priors within their intervals, flags the shift and diagnoses label shift', () => {
    const op = operational(SHIFTED, 11);
    const { check, weights } = labelShift({ operational: op, validation: validation }, roles, perf, { audit, rng: mulberry32(1) });
    const priors = check.details!.priors as { class: string; reference: number; estimated: number; lo: number; hi: number; weight: number }[];
    const errors = priors.map((p, c) => Math.abs(p.estimated - SHIFTED[c]!));
    const covered = priors.filter((p, c) => SHIFTED[c]! >= p.lo && SHIFTED[c]! <= p.hi).length;
    console.log(
      `BBSE on Fashion-MNIST (n_val 10000, n_op ${N_OP}, condition number ${Number(check.figures.conditionNumber).toFixed(1)}): ` +
        `max |q̂ − q| ${Math.max(...errors).toFixed(4)}, mean ${(errors.reduce((a, b) => a + b) / 10).toFixed(4)}, ${covered}/10 true priors inside the 95% intervals`,
    );
    expect(check.status).toBe('fail');
    expect(Number(check.figures.conditionNumber)).toBeLessThan(audit.maxCondition);
    // Per-class 95% intervals: about one miss in ten is expected by chance, two would be suspicious.
    expect(covered).toBeGreaterThanOrEqual(9);
    expect(Math.max(...errors)).toBeLessThan(0.03);
    // The naive estimate (predicted-class shares) is worse than BBSE's correction of it.
    const predicted = new Array(10).fill(0);
    const yhat = (op.columns.get('prediction') as { codes: Int32Array }).codes;
    for (const c of yhat) predicted[c]++;
    const naive = predicted.map((v, c) => Math.abs(v / op.rows - SHIFTED[c]!));
    expect(errors.reduce((a, b) => a + b)).toBeLessThan(naive.reduce((a, b) => a + b));
    // w(y) = q(y) / p(y): what SELECT weights training rows by. The operational rows are labelled, so q is measured
    // (measured beats estimated), and the weights in the details are the ones published.
    expect(check.figures.priorsSource).toBe('measured');
    expect(weights).toHaveLength(10);
    const measuredPriors = check.details!.priors as { measured: number; reference: number; weight: number }[];
    weights!.forEach((w, c) => {
      expect(w.weight).toBeCloseTo(measuredPriors[c]!.measured / measuredPriors[c]!.reference, 10);
      expect(w.weight).toBe(measuredPriors[c]!.weight);
    });
    expect(check.figures.consistentWithLabelShift).toBe(true);
    // Without labels, the premise is checked on outputs: validation reweighted by the estimated w(y) matches the
    // operational ones.
    const estimatedWeights = priors.map((p, c) => ({ class: p.class, code: c, weight: p.estimated / p.reference }));
    const reweighted = reweightedOutputs(op, validation, roles, estimatedWeights)!;
    expect(reweighted.columns).toBe(10);
    expect(reweighted.pValue).toBeGreaterThan(0.05);

    const drift = featureDrift(reference, op, roles, { ...DriftConfigSchema.parse(undefined), alpha: 0.05 });
    const measured = measuredPerformance(op, validation, roles, perf, { audit, rng: mulberry32(2) })!;
    const cbpe = estimatedPerformance(op, validation, roles, perf, { audit, rng: mulberry32(3) })!;
    console.log(`CBPE under label shift (its assumption broken): estimate ${Number(cbpe.figures.accuracy).toFixed(4)} vs measured ${Number(measured.figures.accuracy).toFixed(4)}`);
    const diagnosis = diagnoseShift([...drift, measured, check, cbpe]);
    expect(drift.some((c) => c.status === 'fail')).toBe(true); // a prior shift moves the pixel marginals too
    expect(diagnosis.figures.shiftType).toBe('label');
    expect((diagnosis.details!.evidence as { shiftType: string; checks: string[] }[])[0]!.checks).toContain('audit.label_shift');
  });

  // Regression: `pure` was set afterwards by the plan, mutating the check; the check now says it itself.
  it('without operational labels, says itself whether the prior shift explains the outputs (figure pure)', () => {
    const op = operational(SHIFTED, 11);
    const label = op.columns.get(roles.label!)! as Extract<Column, { type: 'categorical' }>;
    const unlabelled: Dataset = { ...op, columns: new Map(op.columns).set(roles.label!, { ...label, codes: new Int32Array(label.codes.length).fill(-1) }) };
    const { check, weights } = labelShift({ operational: unlabelled, validation: validation }, roles, perf, { audit, rng: mulberry32(1) });
    expect(check.status).toBe('fail');
    expect(check.figures.priorsSource).toBe('estimated');
    const priors = check.details!.priors as { estimated: number; reference: number }[];
    weights!.forEach((w, c) => expect(w.weight).toBeCloseTo(priors[c]!.estimated / priors[c]!.reference, 10));
    expect(check.figures.consistentWithLabelShift).toBeUndefined();
    expect(check.figures.reweightedOutputsPValue).toBeGreaterThan(perf.alpha);
    expect(check.figures.pure).toBe(true);
  });

  it('finds no prior change when the operational priors equal the validation priors', () => {
    const op = operational(UNIFORM, 12);
    const { check } = labelShift({ operational: op, validation: validation }, roles, perf, { audit, rng: mulberry32(1) });
    expect(check.status).toBe('pass');
    expect(Number(check.figures.priorDistance)).toBeLessThan(audit.minPriorChange);
    const drift = featureDrift(reference, op, roles, { ...DriftConfigSchema.parse(undefined), alpha: 0.05 });
    const measured = measuredPerformance(op, validation, roles, perf, { audit, rng: mulberry32(2) })!;
    expect(measured.status).toBe('pass');
    expect(diagnoseShift([...drift, measured, check]).figures.shiftType).toBe('none');
  });
});
