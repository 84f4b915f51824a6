import type { Dataset, Roles } from '../ingest/dataset.js';
import { AuditConfigSchema, type AuditConfig, type Config } from '../schema/config.js';
import { mulberry32, twoProportionZTest, welchZTest, type Mulberry32 } from '../stats/index.js';
import { bootstrapBase, percentileInterval, resampleInto, type Interval } from './bootstrap.js';
import { confusionReplicate, probaCells, probaReplicates } from './cell-bootstrap.js';
import { confusionCounts, metricsFromConfusion, probaMetrics, probaScores, type ConfusionMetrics } from './class-metrics.js';
import { classOutcomes, labelledRows, regressionOutcomes, type ClassOutcomes } from './outcomes.js';
import { reliability } from './reliability.js';
import { rocCurve } from './roc.js';
import { classificationFloor, regressionFloor, type FloorTest } from './floor.js';
import { CHECKS, type CheckOf, type DetailsOf, type FiguresOf } from '../checks/index.js';

type PerformanceCheck = CheckOf<typeof CHECKS.performance>;

/** With its α resolved by the caller (the plan's share, or `performance.alpha` when set). */
type PerformanceConfig = Config['performance'] & { alpha: number };

/** Randomness and AUDIT settings shared by the AUDIT checks; both default (seed 42, schema defaults). */
export interface AuditOptions {
  audit?: AuditConfig;
  rng?: Mulberry32;
}

export function auditDefaults(options: AuditOptions = {}): { audit: AuditConfig; rng: Mulberry32 } {
  return { audit: options.audit ?? AuditConfigSchema.parse(undefined), rng: options.rng ?? mulberry32(42) };
}

/** Counts of (true label, predicted label) over labelled rows; rows = true class, columns = predicted class. */
export function confusionMatrix(d: Dataset, roles: Roles): { labels: string[]; matrix: number[][] } | undefined {
  const o = classOutcomes(d, roles);
  if (!o || !roles.label) return undefined;
  const k = o.classes.length;
  const cm = confusionCounts(o, labelledRows(o));
  const used = new Uint8Array(k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) if (cm[i * k + j]! > 0) used[i] = used[j] = 1;
  const keep = [...used.keys()].filter((i) => used[i]);
  return { labels: keep.map((i) => o.classes[i]!), matrix: keep.map((i) => keep.map((j) => cm[i * k + j]!)) };
}

type Figures = FiguresOf<typeof CHECKS.performance>;
type Details = DetailsOf<typeof CHECKS.performance>;
/** Figure names that carry a bootstrap interval (`name_lo`, `name_hi`). */
type WithInterval = keyof Figures & `${string}_lo` extends `${infer N}_lo` ? N : never;

/**
 * Write a metric and its interval. A metric undefined for the data (R² of a constant target, a drop relative to a
 * baseline MAE of 0) is left out rather than written as NaN or ±Infinity, which JSON cannot hold.
 */
function put(figures: Figures, name: WithInterval, value: number, interval?: Interval): void {
  if (!Number.isFinite(value)) return;
  figures[name] = value;
  if (interval && Number.isFinite(interval.lo) && Number.isFinite(interval.hi)) {
    figures[`${name}_lo`] = interval.lo;
    figures[`${name}_hi`] = interval.hi;
  }
}

interface ClassSide {
  o: ClassOutcomes;
  rows: Int32Array;
  metrics: ConfusionMetrics;
  /** Replicates of accuracy, balanced accuracy, macro F1 (and log loss, Brier, ECE when probabilities exist). */
  reps: Record<string, Float64Array>;
  scale: number;
  proba?: { rows: Int32Array; logLoss: number; brier: number; ece: number; reliability: ReturnType<typeof reliability>; scale: number };
}

function classSide(o: ClassOutcomes, audit: AuditConfig, rng: Mulberry32): ClassSide {
  const rows = labelledRows(o);
  const counts = confusionCounts(o, rows);
  const metrics = metricsFromConfusion(counts, o.classes);
  const B = audit.bootstrap;
  const reps: Record<string, Float64Array> = { accuracy: new Float64Array(B), balancedAccuracy: new Float64Array(B), macroF1: new Float64Array(B) };
  // Every labelled row, resampled through the confusion matrix's cells (cell-bootstrap.ts).
  const uniform = () => rng.nextDouble53();
  const cm = new Float64Array(o.classes.length ** 2);
  for (let b = 0; b < B; b++) {
    const m = metricsFromConfusion(confusionReplicate(counts, rows.length, uniform, cm), o.classes);
    reps.accuracy![b] = m.accuracy;
    reps.balancedAccuracy![b] = m.balancedAccuracy;
    reps.macroF1![b] = m.macroF1;
  }
  const side: ClassSide = { o, rows, metrics, reps, scale: 1 };
  const probaRows = o.proba ? labelledRows(o, true) : new Int32Array(0);
  if (probaRows.length > 0) {
    const bins = audit.calibrationBins;
    const scores = probaScores(o, probaRows, bins);
    const full = probaMetrics(scores, null, bins);
    const replicate = probaReplicates(scores, probaCells(scores, bins), rng);
    reps.logLoss = new Float64Array(B);
    reps.brier = new Float64Array(B);
    reps.ece = new Float64Array(B);
    for (let b = 0; b < B; b++) {
      const m = replicate();
      reps.logLoss[b] = m.logLoss;
      reps.brier[b] = m.brier;
      reps.ece[b] = m.ece;
    }
    side.proba = { rows: probaRows, ...full, reliability: reliability(scores.confidence, scores.correct, bins), scale: 1 };
  }
  return side;
}

function sideFigures(figures: Figures, side: ClassSide, prefix: '' | 'baseline_', level: number): void {
  const m = side.metrics;
  for (const name of ['accuracy', 'balancedAccuracy', 'macroF1'] as const) put(figures, `${prefix}${name}`, m[name], percentileInterval(side.reps[name]!, m[name], level, side.scale));
  figures[`${prefix}microF1`] = m.microF1;
  if (side.proba) {
    for (const name of ['logLoss', 'brier', 'ece'] as const) put(figures, `${prefix}${name}`, side.proba[name], percentileInterval(side.reps[name]!, side.proba[name], level, side.proba.scale));
  }
}

/**
 * Measured performance on labelled operational rows against the baseline (validation data, else the reference
 * when it carries predictions). Classification: accuracy, balanced accuracy, macro/micro F1, per-class
 * precision/recall/F1, confusion matrix and — with probabilities — log loss, Brier score, ECE and the reliability
 * curve; regression: MAE, RMSE, R² and residual bias. Every metric has a bootstrap interval (`<name>_lo/_hi`).
 * The status rests on a one-sided z-test of the headline metric (accuracy / MAE): a drop counts when it is both
 * significant at `alpha` and beyond `maxDrop` (absolute accuracy, or relative MAE increase).
 */
export function measuredPerformance(operational: Dataset, baseline: Dataset | undefined, roles: Roles, cfg: PerformanceConfig, options: AuditOptions = {}): PerformanceCheck | null {
  if (!roles.task || !roles.label || !roles.prediction) return null;
  const { audit, rng } = auditDefaults(options);
  return roles.task === 'classification' ? classification(operational, baseline, roles, cfg, audit, rng) : regression(operational, baseline, roles, cfg, audit, rng);
}

function insufficient(base: Omit<PerformanceCheck, 'status' | 'summary' | 'figures'>, metric: string, labelled: number, rows: number, cfg: PerformanceConfig): PerformanceCheck {
  return {
    ...base,
    status: 'insufficient_data',
    method: metric,
    figures: { labelled, rows, coverage: rows ? labelled / rows : 0 },
    threshold: { minLabels: cfg.minLabels },
    summary: `Only ${labelled} labelled operational rows with predictions (need ${cfg.minLabels}) to measure ${metric}.`,
  };
}

/**
 * The check runs two tests, Bonferroni within its α: the drop against the baseline at ¾α, the absolute floor (the
 * best constant predictor, floor.ts) at ¼α. Either failing fails the check; with no baseline the floor alone can.
 */
const FLOOR_SHARE = 0.25;
const dropAlpha = (cfg: PerformanceConfig) => cfg.alpha * (1 - FLOOR_SHARE);

function verdict(pValue: number, drop: number, cfg: PerformanceConfig): 'pass' | 'warn' | 'fail' {
  const significant = pValue < dropAlpha(cfg);
  return significant && drop > cfg.maxDrop ? 'fail' : significant ? 'warn' : 'pass';
}

function classification(operational: Dataset, baseline: Dataset | undefined, roles: Roles, cfg: PerformanceConfig, audit: AuditConfig, rng: Mulberry32): PerformanceCheck | null {
  const base = { id: 'audit.performance.accuracy', stage: CHECKS.performance.stage, kind: CHECKS.performance.kind, subject: 'accuracy' };
  const o = classOutcomes(operational, roles);
  if (!o) return null;
  const labelled = labelledRows(o).length;
  if (labelled < cfg.minLabels) return insufficient(base, 'accuracy', labelled, operational.rows, cfg);
  const op = classSide(o, audit, rng);
  const figures: Figures = {};
  sideFigures(figures, op, '', audit.level);
  Object.assign(figures, { labelled, coverage: labelled / operational.rows });
  const details: Details = { perClass: op.metrics.perClass, confusionMatrix: confusionMatrix(operational, roles) };
  if (op.proba) details.reliability = { bins: op.proba.reliability.bins };
  const roc = rocCurve(o);
  if (roc) details.roc = roc;
  const rows = labelledRows(o);
  const floor = classificationFloor(o.y, o.yhat, rows, o.classes, cfg.floorMargin);
  const floorText = `accuracy ${(1 - floor.modelError).toFixed(4)} against ${(1 - floor.floorError).toFixed(4)} for always predicting "${floor.constant}"`;
  const bo = baseline ? classOutcomes(baseline, roles) : null;
  const baseLabelled = bo ? labelledRows(bo).length : 0;
  if (!bo || baseLabelled < cfg.minLabels) {
    return withFloor({ ...base, status: 'insufficient_data', method: 'accuracy', figures, details, summary: `Operational accuracy ${op.metrics.accuracy.toFixed(4)} on ${labelled} rows, but no baseline to compare with: give --validation, or predictions in the reference data.` }, floor, floorText, cfg);
  }
  const ref = classSide(bo, audit, rng);
  sideFigures(figures, ref, 'baseline_', audit.level);
  figures.baselineSource = baseline!.role;
  details.baselinePerClass = ref.metrics.perClass;
  if (ref.proba) details.baselineReliability = { bins: ref.proba.reliability.bins };

  const a = ref.metrics.accuracy;
  const b = op.metrics.accuracy;
  const drop = a - b;
  const { statistic: z, pValue } = twoProportionZTest(a * ref.rows.length, ref.rows.length, b * op.rows.length, op.rows.length, 'greater');
  // Independent resamples of the two sides: the spread of their difference.
  const dropReps = differenceReplicates(ref.reps.accuracy!, a, ref.scale, op.reps.accuracy!, b, op.scale);
  put(figures, 'drop', drop, percentileInterval(dropReps, drop, audit.level));
  Object.assign(figures, { z, pValue });
  const status = verdict(pValue, drop, cfg);
  const change = `accuracy ${a.toFixed(4)} → ${b.toFixed(4)} (${(audit.level * 100).toFixed(0)}% CI of the drop ${Number(figures.drop_lo).toFixed(4)} to ${Number(figures.drop_hi).toFixed(4)})`;
  return withFloor(
    {
      ...base,
      status,
      method: 'one-sided two-proportion z-test; bootstrap percentile intervals',
      figures,
      threshold: { alpha: cfg.alpha, maxDrop: cfg.maxDrop, level: audit.level, bootstrap: audit.bootstrap },
      details,
      summary: summaryOf(status, change, pValue, cfg),
    },
    floor,
    floorText,
    cfg,
  );
}

/**
 * Add the floor test to a performance check: its figures and threshold always, and when the model does not clear
 * the floor, a failed check whose summary says so first (a baseline, if any, cannot excuse a model no better than
 * a constant).
 */
function withFloor(check: PerformanceCheck, floor: FloorTest, text: string, cfg: PerformanceConfig): PerformanceCheck {
  const floorAlpha = cfg.alpha * FLOOR_SHARE;
  const figures = { ...check.figures, floor: floor.floorError, floorModel: floor.modelError, floorConstant: String(floor.constant), floorPValue: floor.pValue };
  const threshold = { ...check.threshold, alpha: cfg.alpha, dropAlpha: dropAlpha(cfg), floorAlpha, floorMargin: cfg.floorMargin };
  if (floor.pValue >= floorAlpha) return { ...check, figures, threshold };
  const method = `${check.method === 'accuracy' || check.method === 'mae' ? '' : check.method + '; '}one-sided paired z-test against the best constant predictor`;
  const summary = `The model is no better than a constant: ${text} (it must remove ${(cfg.floorMargin * 100).toFixed(0)}% of the constant's error; p = ${floor.pValue.toExponential(2)}).`;
  return { ...check, status: 'fail', method, figures, threshold, summary: check.status === 'fail' ? `${summary} ${check.summary}` : summary };
}

/**
 * Replicates of x − y from independent resamples of the two sides, each side's deviations first shrunk by its own
 * subsampling scale (see bootstrapBase), so the result needs no further rescaling.
 */
function differenceReplicates(x: Float64Array, xHat: number, xScale: number, y: Float64Array, yHat: number, yScale: number): Float64Array {
  const centre = (r: Float64Array) => {
    const s = Float64Array.from(r.filter(Number.isFinite)).sort();
    return s.length ? s[Math.floor(s.length / 2)]! : NaN;
  };
  const xc = xScale === 1 ? xHat : centre(x);
  const yc = yScale === 1 ? yHat : centre(y);
  return x.map((v, i) => xHat + (v - xc) * xScale - (yHat + (y[i]! - yc) * yScale));
}

function summaryOf(status: string, change: string, pValue: number, cfg: PerformanceConfig): string {
  return status === 'fail'
    ? `Performance dropped: ${change}, p = ${pValue.toExponential(2)}.`
    : status === 'warn'
      ? `Small but significant change: ${change}, p = ${pValue.toExponential(2)}, within the tolerated ${cfg.maxDrop}.`
      : `No significant drop: ${change}, p = ${pValue.toPrecision(3)}.`;
}

interface RegressionMetrics {
  mae: number;
  rmse: number;
  r2: number;
  /** Mean of prediction − target: positive means over-prediction. */
  bias: number;
  /** Sample variance of the absolute errors, for the z-test on MAE. */
  varAbs: number;
}

function regressionMetrics(y: Float64Array, yhat: Float64Array, rows: Int32Array): RegressionMetrics {
  const n = rows.length;
  let abs = 0;
  let sq = 0;
  let res = 0;
  let ySum = 0;
  let absSq = 0;
  for (let r = 0; r < n; r++) {
    const i = rows[r]!;
    const e = yhat[i]! - y[i]!;
    abs += Math.abs(e);
    absSq += e * e;
    sq += e * e;
    res += e;
    ySum += y[i]!;
  }
  const mean = ySum / n;
  let tss = 0;
  for (let r = 0; r < n; r++) tss += (y[rows[r]!]! - mean) ** 2;
  const mae = abs / n;
  return { mae, rmse: Math.sqrt(sq / n), r2: tss > 0 ? 1 - sq / tss : NaN, bias: res / n, varAbs: n > 1 ? (absSq - n * mae * mae) / (n - 1) : NaN };
}

const REG_METRICS = ['mae', 'rmse', 'r2', 'bias'] as const;

function regressionSide(y: Float64Array, yhat: Float64Array, audit: AuditConfig, rng: Mulberry32) {
  const rows: number[] = [];
  for (let i = 0; i < y.length; i++) if (Number.isFinite(y[i]!) && Number.isFinite(yhat[i]!)) rows.push(i);
  const all = Int32Array.from(rows);
  const metrics = regressionMetrics(y, yhat, all);
  const base = bootstrapBase(all, audit.bootstrapMaxRows, rng);
  const draw = new Int32Array(base.rows.length);
  const reps = Object.fromEntries(REG_METRICS.map((m) => [m, new Float64Array(audit.bootstrap)])) as Record<(typeof REG_METRICS)[number], Float64Array>;
  for (let b = 0; b < audit.bootstrap && all.length > 1; b++) {
    const m = regressionMetrics(y, yhat, resampleInto(base.rows, draw, rng));
    for (const name of REG_METRICS) reps[name][b] = m[name];
  }
  return { n: all.length, rows: all, metrics, reps, scale: base.scale };
}

function regression(operational: Dataset, baseline: Dataset | undefined, roles: Roles, cfg: PerformanceConfig, audit: AuditConfig, rng: Mulberry32): PerformanceCheck | null {
  const base = { id: 'audit.performance.mae', stage: CHECKS.performance.stage, kind: CHECKS.performance.kind, subject: 'mae' };
  const o = regressionOutcomes(operational, roles);
  if (!o) return null;
  const op = regressionSide(o.y, o.yhat, audit, rng);
  if (op.n < Math.max(2, cfg.minLabels)) return insufficient(base, 'mae', op.n, operational.rows, cfg);
  const figures: Figures = {};
  for (const name of REG_METRICS) put(figures, name, op.metrics[name], percentileInterval(op.reps[name], op.metrics[name], audit.level, op.scale));
  Object.assign(figures, { labelled: op.n, coverage: op.n / operational.rows });
  const floor = regressionFloor(o.y, o.yhat, op.rows, cfg.floorMargin);
  const floorText = `MAE ${floor.modelError.toPrecision(4)} against ${floor.floorError.toPrecision(4)} for always predicting the median ${Number(floor.constant).toPrecision(4)}`;
  const bo = baseline ? regressionOutcomes(baseline, roles) : null;
  const ref = bo ? regressionSide(bo.y, bo.yhat, audit, rng) : null;
  if (!ref || ref.n < cfg.minLabels) {
    return withFloor({ ...base, status: 'insufficient_data', method: 'mae', figures, summary: `Operational MAE ${op.metrics.mae.toPrecision(4)} on ${op.n} rows, but no baseline to compare with: give --validation, or predictions in the reference data.` }, floor, floorText, cfg);
  }
  for (const name of REG_METRICS) put(figures, `baseline_${name}`, ref.metrics[name], percentileInterval(ref.reps[name], ref.metrics[name], audit.level, ref.scale));
  figures.baselineSource = baseline!.role;
  const worse = op.metrics.mae - ref.metrics.mae;
  const { statistic: z, pValue } = welchZTest({ mean: op.metrics.mae, variance: op.metrics.varAbs, n: op.n }, { mean: ref.metrics.mae, variance: ref.metrics.varAbs, n: ref.n }, 'greater');
  const drop = ref.metrics.mae > 0 ? worse / ref.metrics.mae : worse > 0 ? Infinity : 0;
  const dropReps = differenceReplicates(op.reps.mae, op.metrics.mae, op.scale, ref.reps.mae, ref.metrics.mae, ref.scale).map((v) => (ref.metrics.mae > 0 ? v / ref.metrics.mae : NaN));
  put(figures, 'drop', drop, percentileInterval(dropReps, drop, audit.level));
  // Welch with zero variance on both sides gives z = ±∞ (and its limit p): the statistic is then left out.
  Object.assign(figures, Number.isFinite(z) ? { z, pValue } : { pValue });
  const status = verdict(pValue, drop, cfg);
  const change = `MAE ${ref.metrics.mae.toPrecision(4)} → ${op.metrics.mae.toPrecision(4)}`;
  return withFloor(
    {
      ...base,
      status,
      method: 'one-sided Welch z-test on absolute errors; bootstrap percentile intervals',
      figures,
      threshold: { alpha: cfg.alpha, maxDrop: cfg.maxDrop, level: audit.level, bootstrap: audit.bootstrap },
      summary: summaryOf(status, change, pValue, cfg),
    },
    floor,
    floorText,
    cfg,
  );
}
