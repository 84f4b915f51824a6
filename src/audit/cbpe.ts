import type { Dataset, Roles } from '../ingest/dataset.js';
import type { Config } from '../schema/config.js';
import { normQuantile, normSf, type Mulberry32 } from '../stats/index.js';
import { bootstrapBase, resampleInto, uniformStream } from './bootstrap.js';
import { confusionCounts, metricsFromConfusion } from './class-metrics.js';
import { fitIsotonicSorted, predictIsotonic, sortedPairs, type IsotonicFit, type SortedPairs } from './isotonic.js';
import { classOutcomes, labelledRows, predictedConfidence, predictedRows, type ClassOutcomes } from './outcomes.js';
import { auditDefaults, type AuditOptions } from './performance.js';
import { CHECKS, failing, find, judged, type CheckOf, type CheckResult, type FiguresOf } from '../checks/index.js';

type EstimatedPerformanceCheck = CheckOf<typeof CHECKS.estimatedPerformance>;

/** With its α resolved by the caller (the plan's share, or `performance.alpha` when set). */
type PerformanceConfig = Config['performance'] & { alpha: number };

/** Isotonic maps fitted on validation: P(correct | confidence), and per class P(y = c | p_c) (one-vs-rest). */
interface Calibrators {
  correct: IsotonicFit;
  perClass: IsotonicFit[];
}

/** Validation pairs sorted once, so that bootstrap refits are linear and walk memory in order (weights = resample counts). */
interface CalibrationData {
  /** Confidence of the predicted class, ascending, with 1 where the prediction is right. */
  correct: SortedPairs;
  /** Per class c: P(c), ascending, with 1 where the true class is c. */
  perClass: SortedPairs[];
  /** The rows' confidences in row order (for the range CBPE was calibrated on). */
  confidence: Float64Array;
}

function calibrationData(v: ClassOutcomes, rows: Int32Array): CalibrationData {
  const k = v.classes.length;
  const n = rows.length;
  const confidence = new Float64Array(n);
  const correct = new Float64Array(n);
  const classProba = Array.from({ length: k }, () => new Float64Array(n));
  const classHit = Array.from({ length: k }, () => new Float64Array(n));
  for (let r = 0; r < n; r++) {
    const i = rows[r]!;
    confidence[r] = predictedConfidence(v, i);
    correct[r] = v.y[i] === v.yhat[i] ? 1 : 0;
    for (let c = 0; c < k; c++) {
      classProba[c]![r] = v.proba![i * k + c]!;
      classHit[c]![r] = v.y[i] === c ? 1 : 0;
    }
  }
  return { correct: sortedPairs(confidence, correct), perClass: classProba.map((p, c) => sortedPairs(p, classHit[c]!)), confidence };
}

/** Calibrators fitted on the pairs, each row weighted by `weight[row]` (row = position in the calibration rows). */
function fitCalibrators(d: CalibrationData, weight?: Float64Array): Calibrators {
  const fit = (pairs: SortedPairs) => fitIsotonicSorted(pairs, weight);
  return { correct: fit(d.correct), perClass: d.perClass.map(fit) };
}

/** Calibrated P(correct) of each row (the fit at the confidence of its prediction), into `out`. */
function calibratedCorrect(o: ClassOutcomes, rows: Int32Array, fit: IsotonicFit, out = new Float64Array(rows.length)): Float64Array {
  for (let r = 0; r < rows.length; r++) out[r] = predictIsotonic(fit, predictedConfidence(o, rows[r]!));
  return out;
}

/** The mean, summed in order (CBPE's accuracy estimate from calibratedCorrect). */
function meanOf(values: Float64Array): number {
  let sum = 0;
  for (let r = 0; r < values.length; r++) sum += values[r]!;
  return sum / values.length;
}

/**
 * The expected confusion matrix Σ_i p̃_i(true = c) at (c, ŷ_i), into cm, and the per-row calibrated class
 * probabilities into `probs` when given (only the simulated F1 spread reads them: 56 MB for 1M rows of 7 classes).
 */
function expectedConfusion(o: ClassOutcomes, rows: Int32Array, perClass: IsotonicFit[], cm: Float64Array, probs?: Float64Array): void {
  const k = o.classes.length;
  cm.fill(0);
  const p = new Float64Array(k);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    let sum = 0;
    for (let c = 0; c < k; c++) sum += p[c] = predictIsotonic(perClass[c]!, o.proba![i * k + c]!);
    // All calibrated values 0 happens only far outside validation's range: keep the model's own probabilities.
    for (let c = 0; c < k; c++) p[c] = sum > 0 ? p[c]! / sum : o.proba![i * k + c]!;
    const yhat = o.yhat[i]!;
    for (let c = 0; c < k; c++) {
      cm[c * k + yhat]! += p[c]!;
    }
    if (probs) for (let c = 0; c < k; c++) probs[r * k + c] = p[c]!;
  }
}

const variance = (x: Float64Array) => {
  const f = x.filter(Number.isFinite);
  if (f.length < 2) return 0;
  const m = f.reduce((a, b) => a + b, 0) / f.length;
  return f.reduce((a, b) => a + (b - m) ** 2, 0) / (f.length - 1);
};

function macroF1OfDraws(o: ClassOutcomes, rows: Int32Array, probs: Float64Array, reps: number, rng: Mulberry32): Float64Array {
  const k = o.classes.length;
  const out = new Float64Array(reps);
  const cm = new Float64Array(k * k);
  for (let b = 0; b < reps; b++) {
    cm.fill(0);
    const next = uniformStream(rng);
    for (let r = 0; r < rows.length; r++) {
      let u = next();
      let c = 0;
      while (c < k - 1 && u >= probs[r * k + c]!) u -= probs[r * k + c++]!;
      cm[c * k + o.yhat[rows[r]!]!]!++;
    }
    out[b] = metricsFromConfusion(cm, o.classes).macroF1;
  }
  return out;
}

/**
 * Operational rows the calibrator replicates are evaluated on. Their spread measures the calibrators' uncertainty,
 * which a few thousand rows already show; evaluating all rows would multiply the cost by n / EVAL_ROWS.
 */
const EVAL_ROWS = 5000;
const CALIBRATION_REPLICATES = 50;

/** Checks whose failure breaks CBPE's premise that the inputs stay within what the model knows. */
const NOVELTY_EVIDENCE = [CHECKS.schemaGate, CHECKS.dataQuality, CHECKS.newClasses, CHECKS.novelty] as const;

/**
 * Confidence-based performance estimation (CBPE, as NannyML): the model's probabilities are calibrated on the
 * validation data with isotonic regression, then operational accuracy is estimated as the mean calibrated
 * P(correct | confidence), and the confusion matrix (hence per-class precision/recall/F1, macro F1) as the sum of
 * per-class calibrated probabilities at each row's predicted class. The interval adds two variances: the
 * realised-versus-expected spread on the operational rows (Poisson-binomial for accuracy, simulated for F1) and
 * the calibrators' own uncertainty (validation bootstrap, refitted). Valid when P(y|x) is unchanged; the check
 * lists that assumption and the evidence against it (novelty flagged by ANALYZE, confidences outside validation's).
 * With operational labels present it also reports the measured accuracy on the same rows, for the diagnosis.
 */
export function estimatedPerformance(
  operational: Dataset,
  validation: Dataset | undefined,
  roles: Roles,
  cfg: PerformanceConfig,
  options: AuditOptions & { analyze?: readonly CheckResult[] } = {},
): EstimatedPerformanceCheck | null {
  if (roles.task !== 'classification') return null;
  const { audit, rng } = auditDefaults(options);
  const base = { id: 'audit.estimated_performance.accuracy', stage: CHECKS.estimatedPerformance.stage, kind: CHECKS.estimatedPerformance.kind, subject: 'accuracy', method: 'CBPE (isotonic calibration on validation)' };
  const o = classOutcomes(operational, roles);
  const v = validation ? classOutcomes(validation, roles) : null;
  if (!o?.proba || !v?.proba) {
    const why = !o?.proba ? 'the operational data holds no class probabilities (--proba)' : !validation ? 'no validation data was given (--validation)' : 'the validation data holds no labels with class probabilities';
    return { ...base, status: 'skipped', figures: {}, summary: `CBPE not run: it is calibrated on labelled validation rows with probabilities and applied to the operational rows with probabilities, and ${why}.` };
  }
  const vRows = labelledRows(v, true);
  const oRows = predictedRows(o, true);
  if (vRows.length < cfg.minLabels || oRows.length === 0) {
    return { ...base, status: 'insufficient_data', figures: { baselineSource: 'validation', validationRows: vRows.length, operationalRows: oRows.length }, threshold: { minLabels: cfg.minLabels }, summary: `CBPE needs at least ${cfg.minLabels} labelled validation rows with probabilities (has ${vRows.length}) and operational rows with probabilities (has ${oRows.length}).` };
  }
  const k = o.classes.length;
  const data = calibrationData(v, vRows);
  const cal = fitCalibrators(data);
  const cm = new Float64Array(k * k);
  // Calibrated P(correct) once per operational row: the estimate, its Poisson-binomial spread, and the same for
  // the labelled rows (a subset of them) all read it.
  const calibrated = calibratedCorrect(o, oRows, cal.correct);
  const correctOfRow = new Float64Array(o.yhat.length);
  for (let r = 0; r < oRows.length; r++) correctOfRow[oRows[r]!] = calibrated[r]!;
  const sub = bootstrapBase(oRows, Math.min(audit.bootstrapMaxRows, EVAL_ROWS), rng);
  const subProbs = new Float64Array(sub.rows.length * k);
  expectedConfusion(o, oRows, cal.perClass, cm, sub.rows === oRows ? subProbs : undefined);
  const point = { accuracy: meanOf(calibrated) };
  const estMetrics = metricsFromConfusion(cm, o.classes);
  const oLabelled = labelledRows(o, true);
  const calibratedLabelled = Float64Array.from(oLabelled, (i) => correctOfRow[i]!);
  const labelledPoint = oLabelled.length >= cfg.minLabels ? meanOf(calibratedLabelled) : NaN;

  // Realised-vs-expected spread: Poisson-binomial for accuracy; simulated labels for macro F1 on ≤ cap rows.
  const sampVarAcc = calibrated.reduce((s, c) => s + c * (1 - c), 0) / oRows.length ** 2;
  if (sub.rows !== oRows) expectedConfusion(o, sub.rows, cal.perClass, new Float64Array(k * k), subProbs);
  const sampVarF1 = variance(macroF1OfDraws(o, sub.rows, subProbs, Math.min(audit.bootstrap, CALIBRATION_REPLICATES), rng)) * sub.scale ** 2;

  // Calibrator uncertainty: refit on validation resamples (counts as weights), evaluate on the operational rows.
  // Only the variance of these replicates is used, which 50 already estimate to about ±20%.
  const B = Math.min(audit.bootstrap, CALIBRATION_REPLICATES);
  const calAcc = new Float64Array(B);
  const calF1 = new Float64Array(B);
  const calLabelled = new Float64Array(B);
  const labelledSub = bootstrapBase(oLabelled, EVAL_ROWS, rng).rows;
  // Refits see at most bootstrapMaxRows validation rows (a seeded subsample), so each costs O(bootstrapMaxRows).
  const vBase = bootstrapBase(vRows, audit.bootstrapMaxRows, rng);
  const repData = vBase.scale === 1 ? data : calibrationData(v, vBase.rows);
  const positions = Int32Array.from(vBase.rows.keys());
  const draw = new Int32Array(positions.length);
  const weight = new Float64Array(positions.length);
  const cmB = new Float64Array(k * k);
  const correctB = new Float64Array(sub.rows.length);
  const correctLabelledB = new Float64Array(labelledSub.length);
  for (let b = 0; b < B; b++) {
    weight.fill(0);
    for (const r of resampleInto(positions, draw, rng)) weight[r]!++;
    const c = fitCalibrators(repData, weight);
    calAcc[b] = meanOf(calibratedCorrect(o, sub.rows, c.correct, correctB));
    expectedConfusion(o, sub.rows, c.perClass, cmB);
    calF1[b] = metricsFromConfusion(cmB, o.classes).macroF1;
    if (Number.isFinite(labelledPoint)) calLabelled[b] = meanOf(calibratedCorrect(o, labelledSub, c.correct, correctLabelledB));
  }
  const z = normQuantile(1 - (1 - audit.level) / 2);
  // sampVarF1 was simulated on sub.rows: F1's variance scales as 1/n, hence the rescaling above.
  const sdAcc = Math.sqrt(sampVarAcc + variance(calAcc) * vBase.scale ** 2);
  const sdF1 = Math.sqrt(sampVarF1 + variance(calF1) * vBase.scale ** 2);
  const clip = (x: number) => Math.min(1, Math.max(0, x));
  const figures: FiguresOf<typeof CHECKS.estimatedPerformance> = {
    baselineSource: 'validation',
    accuracy: point.accuracy,
    accuracy_lo: clip(point.accuracy - z * sdAcc),
    accuracy_hi: clip(point.accuracy + z * sdAcc),
    macroF1: estMetrics.macroF1,
    macroF1_lo: clip(estMetrics.macroF1 - z * sdF1),
    macroF1_hi: clip(estMetrics.macroF1 + z * sdF1),
    balancedAccuracy: estMetrics.balancedAccuracy,
    rows: oRows.length,
    validationRows: vRows.length,
  };

  const vMetrics = metricsFromConfusion(confusionCounts(v, vRows), v.classes);
  figures.baseline_accuracy = vMetrics.accuracy;
  figures.baseline_macroF1 = vMetrics.macroF1;
  const drop = vMetrics.accuracy - point.accuracy;
  figures.drop = drop;

  if (Number.isFinite(labelledPoint)) {
    // The measured accuracy on the labelled rows, against CBPE's estimate for exactly those rows.
    let hits = 0;
    for (const i of oLabelled) if (o.y[i] === o.yhat[i]) hits++;
    const measured = hits / oLabelled.length;
    const sd = Math.sqrt(calibratedLabelled.reduce((s, c) => s + c * (1 - c), 0) / oLabelled.length ** 2 + variance(calLabelled) * vBase.scale ** 2);
    Object.assign(figures, {
      measuredAccuracy: measured,
      estimatedOnLabelled: labelledPoint,
      estimatedOnLabelled_lo: clip(labelledPoint - z * sd),
      estimatedOnLabelled_hi: clip(labelledPoint + z * sd),
      measuredWithinInterval: Math.abs(measured - labelledPoint) <= z * sd,
      labelled: oLabelled.length,
    });
  }

  // Assumptions: no novelty flagged by ANALYZE; confidences inside the range calibration saw.
  const novelty = failing(options.analyze ?? [], ...NOVELTY_EVIDENCE);
  // The plan runs CBPE before the novelty test: until that test has judged, "no novelty" is not known.
  const noveltyJudged = judged(find(options.analyze ?? [], CHECKS.novelty));
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of data.confidence) (lo = Math.min(lo, c)), (hi = Math.max(hi, c));
  let outside = 0;
  for (const i of oRows) {
    const c = predictedConfidence(o, i);
    if (c < lo || c > hi) outside++;
  }
  const outsideShare = outside / oRows.length;
  const assumptions = [
    figures.measuredWithinInterval === undefined
      ? { assumption: 'P(y|x) unchanged (no concept shift)', holds: null, evidence: 'Cannot be checked without operational labels.' }
      : {
          assumption: 'P(y|x) unchanged (no concept shift)',
          holds: figures.measuredWithinInterval === true,
          evidence: `Measured accuracy ${Number(figures.measuredAccuracy).toFixed(4)} on ${oLabelled.length} labelled rows; CBPE for the same rows ${Number(figures.estimatedOnLabelled_lo).toFixed(4)}–${Number(figures.estimatedOnLabelled_hi).toFixed(4)}.`,
        },
    {
      assumption: 'no novelty: inputs and classes the model has seen',
      holds: !options.analyze ? null : novelty.length ? false : noveltyJudged ? true : null,
      evidence: !options.analyze
        ? 'No ANALYZE results were passed.'
        : novelty.length
          ? `ANALYZE flagged: ${novelty.map((c) => c.id).join(', ')}`
          : noveltyJudged
            ? 'ANALYZE flagged no novelty, new classes or broken data.'
            : 'No gate or label-based new-class check failed; the novelty test (rows unlike any training row) had not run when CBPE did, so this premise is unchecked.',
    },
    { assumption: 'operational confidences within the validation range', holds: outsideShare <= 0.01, evidence: `${(outsideShare * 100).toFixed(2)}% of operational rows fall outside [${lo.toFixed(3)}, ${hi.toFixed(3)}].` },
  ];
  const assumptionsHold = assumptions.every((a) => a.holds !== false);
  figures.assumptionsHold = assumptionsHold;
  figures.outsideValidationRange = outsideShare;

  // One-sided at the caller's alpha (the plan's budget), not the reporting level: estimate + z₁₋α·sd below baseline.
  const significant = point.accuracy + normQuantile(1 - cfg.alpha) * sdAcc < vMetrics.accuracy;
  figures.pValue = sdAcc > 0 ? normSf((vMetrics.accuracy - point.accuracy) / sdAcc) : drop > 0 ? 0 : 1;
  const status = significant && drop > cfg.maxDrop ? 'fail' : significant ? 'warn' : 'pass';
  const interval = `${(audit.level * 100).toFixed(0)}% interval ${Number(figures.accuracy_lo).toFixed(4)}–${Number(figures.accuracy_hi).toFixed(4)}`;
  const caveat = assumptionsHold ? '' : ' Its assumptions do not hold here (see details.assumptions): treat it as indicative only.';
  return {
    ...base,
    status,
    figures,
    threshold: { alpha: cfg.alpha, maxDrop: cfg.maxDrop, level: audit.level, bootstrap: B },
    details: {
      confusionMatrix: { labels: o.classes, matrix: o.classes.map((_, i) => Array.from(cm.subarray(i * k, (i + 1) * k))) },
      perClass: estMetrics.perClass,
      assumptions,
    },
    summary:
      (status === 'fail'
        ? `Estimated accuracy without labels fell from ${vMetrics.accuracy.toFixed(4)} to ${point.accuracy.toFixed(4)} (${interval}).`
        : status === 'warn'
          ? `Estimated accuracy ${point.accuracy.toFixed(4)} (${interval}) is below the validation ${vMetrics.accuracy.toFixed(4)}, within the tolerated ${cfg.maxDrop}.`
          : `Estimated accuracy ${point.accuracy.toFixed(4)} (${interval}); validation accuracy ${vMetrics.accuracy.toFixed(4)}.`) + caveat,
  };
}
