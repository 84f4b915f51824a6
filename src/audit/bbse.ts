import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import type { Dataset, Roles } from '../ingest/dataset.js';
import type { Config } from '../schema/config.js';
import { benjaminiHochberg, chi2Contingency, classShareChangeTest, multinomialSample, type Mulberry32 } from '../stats/index.js';
import { percentileInterval } from './bootstrap.js';
import { classOutcomes, labelledRows, predictedRows, rowsWithLabel, type ClassOutcomes } from './outcomes.js';
import { auditDefaults, type AuditOptions } from './performance.js';
import { reweightedOutputs } from './reweighted-outputs.js';
import { classConditionalShift, MIN_PREMISE_ROWS } from './class-conditional.js';
import { CHECKS, type CheckOf, type DetailsOf, type FiguresOf } from '../checks/index.js';

type LabelShiftCheck = CheckOf<typeof CHECKS.labelShift>;

/** With its α resolved by the caller (the plan's share, or `performance.alpha` when set). */
type PerformanceConfig = Config['performance'] & { alpha: number };

/** w(y) = q(y) / p(y) for one class: what SELECT multiplies a training row of that class by. */
export interface ClassWeight {
  class: string;
  /** The class's code in the label's shared category list. */
  code: number;
  weight: number;
}

export interface LabelShiftResult {
  check: LabelShiftCheck;
  /** Null when the estimate is not trusted (ill-conditioned confusion matrix, too little data) or not run. */
  weights: ClassWeight[] | null;
}

interface Estimate {
  /** Estimated operational priors q over the supported classes (clipped at 0, renormalised). */
  q: Float64Array;
  /** Validation priors p. */
  p: Float64Array;
  /** Entries of the raw solution w that came out negative before clipping. */
  clipped: number;
  condition: number;
}

/**
 * BBSE (Lipton, Wang & Smola 2018): with C[i][j] = P̂_val(ŷ = i, y = j) and μ[i] = P̂_op(ŷ = i), solve C·w = μ;
 * then q(y) = w(y)·p(y). Negative entries of w (sampling noise) are clipped to 0 and q renormalised.
 */
/**
 * What BBSE reads of the rows: validation counts per (predicted, true) class over the support, row-major m × m, and
 * operational counts per predicted class; each array's last cell counts the rows outside the support, so that a
 * bootstrap can draw all of them as multinomial counts (cell-bootstrap.ts) instead of resampling rows.
 */
interface BbseCounts {
  joint: Float64Array;
  predicted: Float64Array;
}

function bbseCounts(v: ClassOutcomes, vRows: Int32Array, o: ClassOutcomes, oRows: Int32Array, support: number[]): BbseCounts {
  const m = support.length;
  const pos = new Int32Array(v.classes.length).fill(-1);
  support.forEach((c, i) => (pos[c] = i));
  const joint = new Float64Array(m * m + 1);
  for (const i of vRows) {
    const a = pos[v.yhat[i]!]!;
    const b = pos[v.y[i]!]!;
    joint[a < 0 || b < 0 ? m * m : a * m + b]!++;
  }
  const predicted = new Float64Array(m + 1);
  for (const i of oRows) {
    const a = pos[o.yhat[i]!]!;
    predicted[a < 0 ? m : a]!++;
  }
  return { joint, predicted };
}

function bbse({ joint, predicted }: BbseCounts, m: number): Estimate {
  const C = Matrix.zeros(m, m);
  let nv = 0;
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      C.set(a, b, joint[a * m + b]!);
      nv += joint[a * m + b]!;
    }
  }
  const mu = new Float64Array(m);
  let no = 0;
  for (let a = 0; a < m; a++) {
    mu[a] = predicted[a]!;
    no += predicted[a]!;
  }
  C.div(nv);
  for (let i = 0; i < m; i++) mu[i]! /= no;
  const p = new Float64Array(m);
  for (let j = 0; j < m; j++) for (let i = 0; i < m; i++) p[j]! += C.get(i, j);
  const svd = new SingularValueDecomposition(C);
  const w = svd.solve(Matrix.columnVector(mu)).to1DArray();
  const q = new Float64Array(m);
  let clipped = 0;
  let sum = 0;
  for (let j = 0; j < m; j++) {
    if (!(w[j]! >= 0)) clipped++;
    q[j] = Math.max(0, w[j]!) * p[j]!;
    sum += q[j]!;
  }
  for (let j = 0; j < m; j++) q[j] = sum > 0 ? q[j]! / sum : p[j]!;
  return { q, p, clipped, condition: svd.condition };
}

function countsOver(codes: Int32Array, rows: Int32Array, support: number[]): number[] {
  const pos = new Map(support.map((c, i) => [c, i]));
  const out = new Array<number>(support.length).fill(0);
  for (const i of rows) {
    const a = pos.get(codes[i]!);
    if (a !== undefined) out[a]!++;
  }
  return out;
}

/** Pearson chi-square on a 2×m table after dropping all-zero columns; NaN p when fewer than two columns remain. */
function twoSampleChi2(a: number[], b: number[]): number {
  const keep = a.map((_, j) => j).filter((j) => a[j]! + b[j]! > 0);
  if (keep.length < 2) return NaN;
  return chi2Contingency([keep.map((j) => a[j]!), keep.map((j) => b[j]!)], { correction: false }).pValue;
}

const tv = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / 2;
};
const normalise = (x: number[]) => {
  const s = x.reduce((a, b) => a + b, 0);
  return x.map((v) => (s > 0 ? v / s : 0));
};

/** The datasets label shift reads: the operational rows, the labelled validation rows BBSE rests on, and the
 * training data whose label priors the weights divide by. */
export interface LabelShiftInputs {
  operational: Dataset;
  validation?: Dataset;
  reference?: Dataset;
}

/** What the BBSE estimate adds beside measured priors, or the whole answer without operational labels. */
interface BbseRun {
  est: Estimate;
  support: number[];
  names: string[];
  vRows: Int32Array;
  vCounts: number[];
  intervals: { lo: number; hi: number }[];
  predV: number[];
  pValue: number;
  figures: FiguresOf<typeof CHECKS.labelShift>;
  singular: string | null;
}

/** BBSE on validation (labels + predictions) vs operational predictions, with bootstrap intervals. */
function runBbse(v: ClassOutcomes, vRows: Int32Array, o: ClassOutcomes, oRows: Int32Array, audit: AuditOptions['audit'] & object, rng: Mulberry32): BbseRun {
  // Classes with validation support: the only ones whose prior BBSE can estimate.
  const vCounts = new Array<number>(v.classes.length).fill(0);
  for (const i of vRows) vCounts[v.y[i]!]!++;
  const support = vCounts.flatMap((n, c) => (n > 0 ? [c] : []));
  const names = support.map((c) => v.classes[c]!);
  const counts = bbseCounts(v, vRows, o, oRows, support);
  const m = support.length;
  const est = bbse(counts, m);

  // Every row of both sides resampled through the counts' cells: multinomial draws (cell-bootstrap.ts).
  const B = audit.bootstrap;
  const reps = Array.from({ length: m }, () => new Float64Array(B));
  const uniform = () => rng.nextDouble53();
  const drawn: BbseCounts = { joint: new Float64Array(counts.joint.length), predicted: new Float64Array(counts.predicted.length) };
  let unstable = 0;
  for (let b = 0; b < B; b++) {
    multinomialSample(vRows.length, counts.joint, uniform, drawn.joint);
    multinomialSample(oRows.length, counts.predicted, uniform, drawn.predicted);
    const e = bbse(drawn, m);
    if (!Number.isFinite(e.condition) || e.condition > audit.maxCondition) unstable++;
    for (let j = 0; j < m; j++) reps[j]![b] = e.q[j]!;
  }
  const intervals = reps.map((r, j) => percentileInterval(r, est.q[j]!, audit.level));

  const predV = countsOver(v.yhat, vRows, support);
  const predO = countsOver(o.yhat, oRows, support);
  const change = classShareChangeTest(predV, predO);
  const pValue = change.pValue;
  const recall = support.map((c) => {
    let hit = 0;
    for (const i of vRows) if (v.y[i] === c && v.yhat[i] === c) hit++;
    return hit / vCounts[c]!;
  });
  const figures: FiguresOf<typeof CHECKS.labelShift> = {
    baselineSource: 'validation',
    classes: m,
    // A singular matrix (a class never predicted, or predicted alike for two classes) has no finite condition number.
    ...(Number.isFinite(est.condition) ? { conditionNumber: est.condition } : {}),
    clipped: est.clipped,
    unstableReplicates: unstable,
    priorDistance: tv(est.p, est.q),
    ...(Number.isFinite(pValue) ? { pValue, omnibusPValue: change.omnibusPValue, mostChangedClass: names[change.mostChanged]! } : {}),
    expectedAccuracy: recall.reduce((s, r, j) => s + r * est.q[j]!, 0),
    validationRows: vRows.length,
    operationalRows: oRows.length,
  };
  // BBSE needs an invertible validation confusion matrix; the measured priors do not, but the run says why the
  // estimate beside them is missing.
  const never = names.filter((_, j) => predV[j] === 0);
  const singular = Number.isFinite(est.condition) ? null : `The validation confusion matrix is singular${never.length ? ` (never predicted on validation: ${never.slice(0, 5).join(', ')})` : ''}: BBSE cannot recover the class priors from it`;
  return { est, support, names, vRows, vCounts: support.map((c) => vCounts[c]!), intervals, predV, pValue, figures, singular };
}

/**
 * Label shift: operational class priors, whether they moved, and weights w(y) = q(y)/p(y).
 *
 * Measured beats estimated: with enough operational labels, q is measured from them and compared with the training
 * priors p — the reference labels (the rows the weights multiply), else the validation labels — by a chi-square
 * test on the two label-count vectors, sized by the total-variation distance (`minPriorChange`). The premise that
 * separates a prior shift from other shift, p(x | y) unchanged, is tested on the same labelled rows: per class and
 * feature (reference or validation vs operational), and, where validation predictions exist, per class on the
 * model's predictions given the true class. BBSE's estimate stays beside the measured priors when it can run.
 *
 * Without operational labels, BBSE (Lipton et al. 2018): the validation confusion matrix and the operational
 * predicted-class distribution give q, with bootstrap intervals and the matrix's condition number (above
 * `maxCondition` no weights). The change is tested on what BBSE rests on — the predicted-class counts, validation
 * vs operational (under label shift with an invertible C they differ exactly when q ≠ p) — and its premise by
 * whether the validation outputs reweighted by w(y) match the operational ones (figure `pure`).
 */
export function labelShift(inputs: LabelShiftInputs, roles: Roles, cfg: PerformanceConfig, options: AuditOptions = {}): LabelShiftResult {
  const { operational, validation, reference } = inputs;
  const { audit, rng } = auditDefaults(options);
  const base = { id: 'audit.label_shift', stage: CHECKS.labelShift.stage, kind: CHECKS.labelShift.kind, method: 'BBSE (black-box shift estimation)' };
  const o = roles.task === 'classification' ? classOutcomes(operational, roles) : null;
  const v = validation && roles.task === 'classification' ? classOutcomes(validation, roles) : null;
  const r = reference && roles.task === 'classification' ? classOutcomes(reference, roles) : null;
  if (!o) {
    return { check: { ...base, status: 'skipped', figures: {}, summary: 'Label shift not estimated: the operational data holds neither labels nor predictions or probabilities.' }, weights: null };
  }
  const vRows = v ? labelledRows(v) : new Int32Array(0);
  const oRows = predictedRows(o);
  const oLabelled = rowsWithLabel(o);
  const rLabelled = r ? rowsWithLabel(r) : new Int32Array(0);
  const vLabelled = v ? rowsWithLabel(v) : new Int32Array(0);
  const canEstimate = !!v && vRows.length >= cfg.minLabels && oRows.length >= cfg.minLabels;
  const bbseRun = canEstimate ? runBbse(v!, vRows, o, oRows, audit, rng) : null;

  // With labels: priors measured, against the training priors (reference labels, else validation labels).
  const priorsBase = rLabelled.length >= cfg.minLabels ? { source: 'reference' as const, d: reference!, out: r!, rows: rLabelled } : vLabelled.length >= cfg.minLabels ? { source: 'validation' as const, d: validation!, out: v!, rows: vLabelled } : null;
  if (priorsBase && oLabelled.length >= cfg.minLabels) {
    return measuredLabelShift(base, { ...cfg, audit, rng }, { base: priorsBase, o, oLabelled, operational, validation, v, vRows, bbse: bbseRun, features: roles.features });
  }
  if (!bbseRun) {
    const missing = !validation
      ? 'no validation data was given (--validation)'
      : !v
        ? 'the validation data holds no labels with predictions or probabilities'
        : `it needs at least ${cfg.minLabels} labelled validation rows with predictions and ${cfg.minLabels} operational predictions (has ${vRows.length} and ${oRows.length})`;
    const measurable = `measuring the priors needs at least ${cfg.minLabels} labelled operational rows (has ${oLabelled.length}) and ${cfg.minLabels} labelled reference or validation rows (has ${rLabelled.length} and ${vLabelled.length})`;
    // Skipped when an input is missing (no validation data for BBSE, and no labels to measure priors on either
    // side); insufficient data when the inputs are there but hold too few rows.
    const skipped = (!validation || !v) && (oLabelled.length === 0 || (rLabelled.length === 0 && vLabelled.length === 0));
    return {
      check: {
        ...base,
        status: skipped ? 'skipped' : 'insufficient_data',
        figures: { validationRows: vRows.length, operationalRows: oRows.length },
        threshold: { minLabels: cfg.minLabels },
        summary: `Label shift not estimated: BBSE compares the validation data's confusion matrix with the operational predictions, and ${missing}; ${measurable}.`,
      },
      weights: null,
    };
  }
  const { est, names, support, intervals, pValue, figures, singular } = bbseRun;
  figures.priorsSource = 'estimated';
  const details: DetailsOf<typeof CHECKS.labelShift> = { priors: names.map((cls, j) => ({ class: cls, reference: est.p[j]!, estimated: est.q[j]!, lo: intervals[j]!.lo, hi: intervals[j]!.hi, weight: est.p[j]! > 0 ? est.q[j]! / est.p[j]! : 0 })) };
  const threshold = { alpha: cfg.alpha, minPriorChange: audit.minPriorChange, maxCondition: audit.maxCondition, level: audit.level, bootstrap: audit.bootstrap };
  if (singular) {
    return {
      check: { ...base, status: 'degenerate', figures, threshold, details, summary: `${singular}; no weights are given.` },
      weights: null,
    };
  }
  if (!(est.condition <= audit.maxCondition)) {
    return {
      check: { ...base, status: 'insufficient_data', figures, threshold, details, summary: `The validation confusion matrix is ill-conditioned (condition number ${est.condition.toPrecision(3)} > ${audit.maxCondition}): the model confuses classes too much for BBSE to recover priors; no weights are given.` },
      weights: null,
    };
  }
  if (!Number.isFinite(pValue)) {
    return {
      check: { ...base, status: 'degenerate', figures, threshold, details, summary: 'The model predicts one class only on the validation and operational rows: the predicted-class counts BBSE rests on cannot show a change of priors; no weights are given.' },
      weights: null,
    };
  }
  const distance = figures.priorDistance!;
  const significant = pValue < cfg.alpha;
  const status = significant && distance >= audit.minPriorChange ? 'fail' : significant ? 'warn' : 'pass';
  const weights = names.map((cls, j) => ({ class: cls, code: support[j]!, weight: est.p[j]! > 0 ? est.q[j]! / est.p[j]! : 0 }));
  if (status === 'fail') {
    let pure = false;
    const match = reweightedOutputs(operational, validation!, roles, weights);
    if (match) {
      figures.reweightedOutputsPValue = match.pValue;
      figures.reweightedOutputsStatistic = match.statistic;
      pure = match.pValue >= cfg.alpha;
    }
    figures.pure = pure;
  }
  const moved = largestMoves(names, est.p, est.q);
  return {
    check: {
      ...base,
      status,
      figures,
      threshold,
      details,
      summary:
        status === 'fail'
          ? `Class priors shifted (total variation ${distance.toFixed(3)}, p = ${pValue.toExponential(2)}): ${moved}.`
          : status === 'warn'
            ? `Class priors changed slightly (total variation ${distance.toFixed(3)} < ${audit.minPriorChange}, p = ${pValue.toExponential(2)}).`
            : `No significant change in class priors (total variation ${distance.toFixed(3)}, p = ${pValue.toPrecision(3)}).`,
    },
    weights,
  };
}

interface MeasuredInputs {
  /** The training priors' source: reference labels (what the weights multiply), else validation labels. */
  base: { source: 'reference' | 'validation'; d: Dataset; out: ClassOutcomes; rows: Int32Array };
  o: ClassOutcomes;
  oLabelled: Int32Array;
  operational: Dataset;
  validation: Dataset | undefined;
  v: ClassOutcomes | null;
  vRows: Int32Array;
  bbse: BbseRun | null;
  features: string[];
}

/**
 * Label shift measured on the operational labels: training-prior vs operational label counts (chi-square, sized by
 * the total-variation distance), weights q/p from the measured priors. A prior shift is pure when the
 * class-conditional premise was tested on the labelled rows and held: no class's features changed (training-prior
 * source vs operational, per class) and, with validation predictions, no class's predictions-given-label changed.
 */
function measuredLabelShift(
  base: Pick<LabelShiftCheck, 'id' | 'stage' | 'kind' | 'method'>,
  cfg: PerformanceConfig & Required<AuditOptions>,
  m: MeasuredInputs,
): LabelShiftResult {
  const { audit, rng } = cfg;
  const baseCountsAll = new Array<number>(m.base.out.classes.length).fill(0);
  for (const i of m.base.rows) baseCountsAll[m.base.out.y[i]!]!++;
  // Classes the training priors hold: a class only the operational labels have is a new class (its own check).
  const support = baseCountsAll.flatMap((n, c) => (n > 0 ? [c] : []));
  const names = support.map((c) => m.base.out.classes[c]!);
  const baseCounts = support.map((c) => baseCountsAll[c]!);
  const oCounts = countsOver(m.o.y, m.oLabelled, support);
  const p = normalise(baseCounts);
  const q = normalise(oCounts);
  const change = classShareChangeTest(baseCounts, oCounts);
  const pValue = change.pValue;
  const distance = tv(p, q);
  const labelled = oCounts.reduce((a, b) => a + b, 0);

  const figures: FiguresOf<typeof CHECKS.labelShift> = {
    ...(m.bbse?.figures ?? {}),
    baselineSource: m.base.source,
    classes: support.length,
    baselineRows: m.base.rows.length,
    operationalRows: labelled,
    priorsSource: 'measured',
    pValue: Number.isFinite(pValue) ? pValue : 1,
    priorDistance: distance,
  };
  if (Number.isFinite(pValue)) Object.assign(figures, { omnibusPValue: change.omnibusPValue, mostChangedClass: names[change.mostChanged]! });
  else for (const key of ['omnibusPValue', 'mostChangedClass'] as const) delete figures[key];
  // The BBSE estimate beside, by class name (its support is the validation's classes).
  const estimate = new Map(m.bbse ? m.bbse.names.map((cls, j) => [cls, { q: m.bbse!.est.q[j]!, ...m.bbse!.intervals[j]! }]) : []);
  const details: DetailsOf<typeof CHECKS.labelShift> = {
    priors: names.map((cls, j) => {
      const e = estimate.get(cls);
      return { class: cls, reference: p[j]!, measured: q[j]!, weight: p[j]! > 0 ? q[j]! / p[j]! : 0, ...(e ? { estimated: e.q, lo: e.lo, hi: e.hi } : {}) };
    }),
  };
  if (estimate.size) {
    let maxError = 0;
    let covered = 0;
    for (const prior of details.priors) {
      if (prior.estimated === undefined) continue;
      maxError = Math.max(maxError, Math.abs(prior.measured! - prior.estimated));
      if (prior.measured! >= prior.lo! && prior.measured! <= prior.hi!) covered++;
    }
    Object.assign(figures, { measuredPriorMaxError: maxError, measuredPriorsCovered: covered });
  }

  // Premise 1, through the model: per class, predictions given the true class, validation vs operational.
  const conditional =
    m.v && m.vRows.length
      ? support.flatMap((c, j) => {
          const inV = m.vRows.filter((i) => m.v!.y[i] === c);
          const inO = m.oLabelled.filter((i) => m.o.yhat[i]! >= 0 && m.o.y[i] === c);
          if (inO.length < 20 || inV.length === 0) return [];
          const a = countsOver(m.v!.yhat, inV, support);
          const b = countsOver(m.o.yhat, inO, support);
          return [{ class: names[j]!, pValue: twoSampleChi2(a, b), distance: tv(normalise(a), normalise(b)), rows: inO.length }];
        })
      : [];
  const tested = conditional.filter((c) => Number.isFinite(c.pValue));
  const bh = tested.length ? benjaminiHochberg(tested.map((c) => c.pValue), cfg.alpha) : null;
  const rows = tested.map((c, i) => ({ ...c, adjustedPValue: bh!.adjusted[i]!, changed: bh!.reject[i]! && c.distance >= audit.minPriorChange }));
  const changed = rows.filter((r) => r.changed).length;
  // Premise 2, on the inputs: per class and feature, the training-prior source vs operational labelled rows.
  const features = classConditionalShift(
    m.base.d,
    support.map((c) => m.base.rows.filter((i) => m.base.out.y[i] === c)),
    m.operational,
    support.map((c) => m.oLabelled.filter((i) => m.o.y[i] === c)),
    names,
    m.features,
    { alpha: cfg.alpha, minDistance: audit.minPriorChange, rng },
  );
  const premiseTests = rows.length + features.tests;
  Object.assign(figures, {
    conditionalClassesTested: rows.length,
    conditionalShiftClasses: changed,
    conditionalFeatureTests: features.tests,
    conditionalFeatureShifts: features.shifts.length,
    // Untested is not consistent: with no class large enough to test, a prior shift cannot be called pure.
    ...(premiseTests > 0 ? { consistentWithLabelShift: changed === 0 && features.shifts.length === 0 } : {}),
  });
  if (rows.length) details.conditional = rows;
  if (features.shifts.length) details.conditionalFeatures = features.shifts.slice(0, 20);

  const significant = pValue < cfg.alpha;
  const status = significant && distance >= audit.minPriorChange ? 'fail' : significant ? 'warn' : 'pass';
  if (status === 'fail') figures.pure = figures.consistentWithLabelShift === true;
  const weights = names.map((cls, j) => ({ class: cls, code: support[j]!, weight: p[j]! > 0 ? q[j]! / p[j]! : 0 }));
  const moved = largestMoves(names, p, q);
  const threshold = { alpha: cfg.alpha, minLabels: cfg.minLabels, minPriorChange: audit.minPriorChange, maxCondition: audit.maxCondition, level: audit.level, bootstrap: audit.bootstrap };
  const method = `measured label priors (chi-square and per-class tests, ${m.base.source} vs operational labels)${m.bbse ? '; BBSE estimate beside' : ''}`;
  const estimateNote = m.bbse?.singular ? ` ${m.bbse.singular}; the measured priors stand alone.` : '';
  const untested = status === 'fail' && premiseTests === 0 ? ` Too few labelled rows per class (${MIN_PREMISE_ROWS} per class and side) to test that the class-conditional inputs held: not called a pure prior shift.` : '';
  const against = `${m.base.source} labels (${m.base.rows.length} rows)`;
  return {
    check: {
      ...base,
      method,
      status,
      figures,
      threshold,
      details,
      summary:
        (status === 'fail'
          ? `Class priors shifted, measured on ${labelled} labelled rows against the ${against} (total variation ${distance.toFixed(3)}, p = ${pValue.toExponential(2)}): ${moved}.${figures.pure ? '' : premiseBroken(details)}${untested}`
          : status === 'warn'
            ? `Class priors changed slightly, measured on ${labelled} labelled rows against the ${against} (total variation ${distance.toFixed(3)} < ${audit.minPriorChange}, p = ${pValue.toExponential(2)}).`
            : `No significant change in the measured class priors (${labelled} labelled rows against the ${against}, total variation ${distance.toFixed(3)}, p = ${pValue.toPrecision(3)}).`) + estimateNote,
    },
    weights,
  };
}

/** Why a measured prior shift is not pure: which class-conditional distribution changed. */
function premiseBroken(details: DetailsOf<typeof CHECKS.labelShift>): string {
  const feature = details.conditionalFeatures?.[0];
  if (feature) return ` Within class ${feature.class}, ${feature.feature} changed too (distance ${feature.distance.toFixed(3)}): not a pure prior shift, reweighting by class would not undo it.`;
  const cls = details.conditional?.find((c) => c.changed);
  return cls ? ` The predictions given the true class ${cls.class} changed too: not a pure prior shift.` : '';
}

/** The three classes whose prior moved most, as text ("a 50.0% → 60.0%, …"). */
function largestMoves(names: string[], from: ArrayLike<number>, to: ArrayLike<number>): string {
  return names
    .map((cls, j) => ({ cls, from: from[j]!, to: to[j]! }))
    .sort((a, b) => Math.abs(b.to - b.from) - Math.abs(a.to - a.from))
    .slice(0, 3)
    .map((x) => `${x.cls} ${(x.from * 100).toFixed(1)}% → ${(x.to * 100).toFixed(1)}%`)
    .join(', ');
}
