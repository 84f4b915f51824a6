import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import type { Dataset, Roles } from '../ingest/dataset.js';
import type { Config } from '../schema/config.js';
import { benjaminiHochberg, chi2Contingency, multinomialSample } from '../stats/index.js';
import { percentileInterval } from './bootstrap.js';
import { classOutcomes, labelledRows, predictedRows, type ClassOutcomes } from './outcomes.js';
import { auditDefaults, type AuditOptions } from './performance.js';
import { reweightedOutputs } from './reweighted-outputs.js';
import { classConditionalShift } from './class-conditional.js';
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

/**
 * Label shift (BBSE): operational class priors and weights w(y) = q(y)/p(y) from the validation confusion matrix and
 * the operational predicted-class distribution, with bootstrap intervals (validation and operational rows
 * resampled together) and the condition number of the confusion matrix (above `maxCondition` the estimate is not
 * trusted and no weights are returned). Whether the priors changed is tested on what BBSE rests on — the
 * predicted-class counts, validation vs operational (chi-square; under label shift with an invertible C they differ
 * exactly when q ≠ p) — and sized by the total-variation distance between p and q (`minPriorChange`).
 * With operational labels it also checks BBSE's premise p(x|y) unchanged, as seen through the model: per class,
 * the distribution of predictions given the true class, validation vs operational (chi-square, BH at `alpha`, and a
 * total-variation distance of at least `minPriorChange`), and reports the measured priors against the estimate.
 */
export function labelShift(operational: Dataset, validation: Dataset | undefined, roles: Roles, cfg: PerformanceConfig, options: AuditOptions = {}): LabelShiftResult {
  const { audit, rng } = auditDefaults(options);
  const base = { id: 'audit.label_shift', stage: CHECKS.labelShift.stage, kind: CHECKS.labelShift.kind, method: 'BBSE (black-box shift estimation)' };
  const o = roles.task === 'classification' ? classOutcomes(operational, roles) : null;
  const v = validation && roles.task === 'classification' ? classOutcomes(validation, roles) : null;
  if (!o || !v) {
    return { check: { ...base, status: 'skipped', figures: {}, summary: `Label shift (BBSE) not estimated: it compares the validation data's confusion matrix with the operational predictions, and ${!o ? 'the operational data holds no predictions or probabilities' : !validation ? 'no validation data was given (--validation)' : 'the validation data holds no labels with predictions or probabilities'}.` }, weights: null };
  }
  const vRows = labelledRows(v);
  const oRows = predictedRows(o);
  if (vRows.length < cfg.minLabels || oRows.length < cfg.minLabels) {
    return {
      check: { ...base, status: 'insufficient_data', figures: { baselineSource: 'validation', validationRows: vRows.length, operationalRows: oRows.length }, threshold: { minLabels: cfg.minLabels }, summary: `BBSE needs at least ${cfg.minLabels} labelled validation rows and ${cfg.minLabels} operational predictions (has ${vRows.length} and ${oRows.length}).` },
      weights: null,
    };
  }
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
  const pValue = twoSampleChi2(predV, predO);
  const distance = tv(est.p, est.q);
  const recall = support.map((c) => {
    let hit = 0;
    for (const i of vRows) if (v.y[i] === c && v.yhat[i] === c) hit++;
    return hit / vCounts[c]!;
  });
  const expectedAccuracy = recall.reduce((s, r, j) => s + r * est.q[j]!, 0);
  const figures: FiguresOf<typeof CHECKS.labelShift> = {
    baselineSource: 'validation',
    classes: m,
    // A singular matrix (a class never predicted, or predicted alike for two classes) has no finite condition number.
    ...(Number.isFinite(est.condition) ? { conditionNumber: est.condition } : {}),
    clipped: est.clipped,
    unstableReplicates: unstable,
    priorDistance: distance,
    ...(Number.isFinite(pValue) ? { pValue } : {}),
    expectedAccuracy,
    validationRows: vRows.length,
    operationalRows: oRows.length,
  };
  const priors: DetailsOf<typeof CHECKS.labelShift>['priors'] = names.map((cls, j) => ({ class: cls, reference: est.p[j]!, estimated: est.q[j]!, lo: intervals[j]!.lo, hi: intervals[j]!.hi, weight: est.p[j]! > 0 ? est.q[j]! / est.p[j]! : 0 }));
  const details: DetailsOf<typeof CHECKS.labelShift> = { priors };

  // With labels: measured priors, and whether p(ŷ | y) held (the premise that separates label from other shift).
  const oLabelled = labelledRows(o);
  // Measured beats estimated: with enough operational labels the priors, the test of their change and the weights
  // come from the labels (validation labels vs operational labels); BBSE's estimate stays beside them, and its
  // premise (p(ŷ | y) unchanged, as seen through the model) is tested on the labelled rows.
  let measuredPriors: number[] | null = null;
  if (oLabelled.length >= cfg.minLabels) {
    const measured = normalise(countsOver(o.y, oLabelled, support));
    measuredPriors = measured;
    let maxError = 0;
    let covered = 0;
    measured.forEach((qm, j) => {
      priors[j]!.measured = qm;
      maxError = Math.max(maxError, Math.abs(qm - est.q[j]!));
      if (qm >= intervals[j]!.lo && qm <= intervals[j]!.hi) covered++;
    });
    const conditional = support.flatMap((c, j) => {
      const inV = vRows.filter((i) => v.y[i] === c);
      const inO = oLabelled.filter((i) => o.y[i] === c);
      if (inO.length < 20) return [];
      const a = countsOver(v.yhat, inV, support);
      const b = countsOver(o.yhat, inO, support);
      return [{ class: names[j]!, pValue: twoSampleChi2(a, b), distance: tv(normalise(a), normalise(b)), rows: inO.length }];
    });
    const tested = conditional.filter((c) => Number.isFinite(c.pValue));
    const bh = tested.length ? benjaminiHochberg(tested.map((c) => c.pValue), cfg.alpha) : null;
    const rows = tested.map((c, i) => ({ ...c, adjustedPValue: bh!.adjusted[i]!, changed: bh!.reject[i]! && c.distance >= audit.minPriorChange }));
    const changed = rows.filter((r) => r.changed).length;
    const features = classConditionalShift(
      validation!,
      support.map((c) => vRows.filter((i) => v.y[i] === c)),
      operational,
      support.map((c) => oLabelled.filter((i) => o.y[i] === c)),
      names,
      roles.features,
      { alpha: cfg.alpha, minDistance: audit.minPriorChange, rng },
    );
    Object.assign(figures, {
      measuredPriorMaxError: maxError,
      measuredPriorsCovered: covered,
      conditionalClassesTested: rows.length,
      conditionalShiftClasses: changed,
      conditionalFeatureTests: features.tests,
      conditionalFeatureShifts: features.shifts.length,
      consistentWithLabelShift: changed === 0 && features.shifts.length === 0,
    });
    details.conditional = rows;
    if (features.shifts.length) details.conditionalFeatures = features.shifts.slice(0, 20);
  }

  const threshold = { alpha: cfg.alpha, minPriorChange: audit.minPriorChange, maxCondition: audit.maxCondition, level: audit.level, bootstrap: B };
  // BBSE needs an invertible validation confusion matrix; the measured priors do not, but the run says why the
  // estimate beside them is missing.
  const never = names.filter((_, j) => predV[j] === 0);
  const singular = Number.isFinite(est.condition) ? null : `The validation confusion matrix is singular${never.length ? ` (never predicted on validation: ${never.slice(0, 5).join(', ')})` : ''}: BBSE cannot recover the class priors from it`;
  if (measuredPriors) return measuredLabelShift(base, figures, threshold, details, { p: est.p, q: measuredPriors, names, support, vCounts: support.map((c) => vCounts[c]!), oCounts: countsOver(o.y, oLabelled, support), cfg, minPriorChange: audit.minPriorChange, singular });
  figures.priorsSource = 'estimated';
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

/**
 * Label shift measured on the operational labels: validation vs operational label counts (chi-square, sized by the
 * total-variation distance), weights q/p from the measured priors. A prior shift is pure when the class-conditional
 * premise held on the labelled rows (no class's predictions-given-label changed).
 */
function measuredLabelShift(
  base: Pick<LabelShiftCheck, 'id' | 'stage' | 'kind' | 'method'>,
  figures: FiguresOf<typeof CHECKS.labelShift>,
  threshold: LabelShiftCheck['threshold'],
  details: DetailsOf<typeof CHECKS.labelShift>,
  m: { p: Float64Array; q: number[]; names: string[]; support: number[]; vCounts: number[]; oCounts: number[]; cfg: PerformanceConfig; minPriorChange: number; singular: string | null },
): LabelShiftResult {
  const pValue = twoSampleChi2(m.vCounts, m.oCounts);
  const distance = tv(m.p, m.q);
  Object.assign(figures, { priorsSource: 'measured', pValue: Number.isFinite(pValue) ? pValue : 1, priorDistance: distance });
  const significant = pValue < m.cfg.alpha;
  const status = significant && distance >= m.minPriorChange ? 'fail' : significant ? 'warn' : 'pass';
  if (status === 'fail') figures.pure = figures.consistentWithLabelShift === true;
  const weights = m.names.map((cls, j) => ({ class: cls, code: m.support[j]!, weight: m.p[j]! > 0 ? m.q[j]! / m.p[j]! : 0 }));
  details.priors.forEach((prior, j) => (prior.weight = weights[j]!.weight));
  const labelled = m.oCounts.reduce((a, b) => a + b, 0);
  const moved = largestMoves(m.names, m.p, m.q);
  const method = 'measured label priors (chi-square, validation vs operational labels); BBSE estimate beside';
  const estimateNote = m.singular ? ` ${m.singular}; the measured priors stand alone.` : '';
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
          ? `Class priors shifted, measured on ${labelled} labelled rows (total variation ${distance.toFixed(3)}, p = ${pValue.toExponential(2)}): ${moved}.${figures.pure ? '' : premiseBroken(details)}`
          : status === 'warn'
            ? `Class priors changed slightly, measured on ${labelled} labelled rows (total variation ${distance.toFixed(3)} < ${m.minPriorChange}, p = ${pValue.toExponential(2)}).`
            : `No significant change in the measured class priors (${labelled} labelled rows, total variation ${distance.toFixed(3)}, p = ${pValue.toPrecision(3)}).`) + estimateNote,
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
