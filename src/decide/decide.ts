import { SHIFT_TYPES, type CheckResult, type Decision, type ShiftType } from '../schema/results.js';

export interface DecideOptions {
  /** Proceed past failed data-quality gates (configuration `gates.allowFailed`). */
  allowFailedGates: boolean;
}

const ids = (checks: CheckResult[]) => checks.map((c) => c.id);
const isGate = (c: CheckResult) => c.kind === 'schema' || c.kind === 'data_quality';
const judged = (c: CheckResult | undefined) => c !== undefined && ['pass', 'warn', 'fail'].includes(c.status);
const failing = (checks: CheckResult[], kind: string) => checks.filter((c) => c.kind === kind && c.status === 'fail');

/** The gates that failed: when any did, the operational data is broken and later checks are not run. */
export function failedGates(checks: CheckResult[]): CheckResult[] {
  return checks.filter((c) => isGate(c) && c.status === 'fail');
}

/** Kinds that answer "is the model harmed, or are its outputs changing?" — the plan's second step. */
export const HARM_KINDS = ['performance', 'estimated_performance', 'output_drift', 'calibration', 'new_classes'] as const;

/**
 * Whether the harm step already shows there is nothing to act on: at least one harm detector could judge, and none
 * raised an alarm. The decision rules below give `none` in exactly this case, whatever later steps find, so
 * the plan may stop here.
 */
export function noEvidenceOfHarm(checks: CheckResult[]): boolean {
  const harm = checks.filter((c) => (HARM_KINDS as readonly string[]).includes(c.kind));
  const detectors = harm.filter((c) => c.kind === 'performance' || c.kind === 'estimated_performance' || c.kind === 'output_drift');
  return detectors.some(judged) && !harm.some((c) => c.status === 'fail') && failedGates(checks).length === 0;
}

/** A pure shift of class priors: BBSE found one, and the evidence marks it as explaining the output change. */
export function purePriorShift(checks: CheckResult[]): CheckResult | undefined {
  return checks.find((c) => c.kind === 'label_shift' && c.status === 'fail' && c.figures.pure === true);
}

/**
 * Turn check results into an action. The order mirrors how a data scientist reasons: broken data first (never
 * retrain on it), then classes the model cannot predict, measured harm, a pure prior shift, estimated harm
 * without labels, calibration, and finally change that does not hurt. Confidence is a documented heuristic in
 * [0, 1]: how directly the deciding evidence measures the question (docs/plan.md).
 */
export function decide(checks: CheckResult[], options: DecideOptions): Decision {
  const gates = failedGates(checks);
  if (gates.length > 0 && !options.allowFailedGates) {
    return {
      action: 'fix_data',
      shiftType: 'data_quality',
      findings: ['data_quality'],
      confidence: 0.95,
      reasons: [{ text: 'The operational data failed a data-quality gate: fix the pipeline before retraining on it. ' + gates.map((g) => g.summary).join(' '), checks: ids(gates) }],
    };
  }
  const drifted = failing(checks, 'feature_drift');
  const multivariate = failing(checks, 'multivariate_drift');
  const outputDrift = failing(checks, 'output_drift');
  const newClasses = failing(checks, 'new_classes');
  const novel = failing(checks, 'novelty');
  const slices = failing(checks, 'slice_degradation');
  const calibration = failing(checks, 'calibration');
  const performance = checks.find((c) => c.kind === 'performance');
  const estimated = failing(checks, 'estimated_performance');
  const labelShift = purePriorShift(checks);
  const dropped = performance?.status === 'fail';
  const measured = judged(performance);
  const labelled = Number(performance?.figures.labelled ?? 0);
  const enoughLabels = measured || labelled >= Number(performance?.threshold?.minLabels ?? Infinity);

  const findings: string[] = [];
  if (gates.length) findings.push('data_quality');
  if (newClasses.length) findings.push('new_classes');
  if (dropped) findings.push('performance_drop');
  if (estimated.length) findings.push('estimated_performance_drop');
  if (outputDrift.length) findings.push('output_drift');
  if (checks.some((c) => c.kind === 'label_shift' && c.status === 'fail')) findings.push('label_shift');
  if (drifted.length) findings.push('feature_drift');
  if (multivariate.length) findings.push('multivariate_drift');
  if (calibration.length) findings.push('calibration_drift');
  if (novel.length) findings.push('novelty');
  if (slices.length) findings.push('slice_degradation');
  const inputChange = drifted.length > 0 || multivariate.length > 0;
  const reason = (list: CheckResult[], prefix = '') => ({ text: prefix + list.slice(0, 3).map((c) => c.summary).join(' '), checks: ids(list) });
  const driftReasons = [
    ...(drifted.length ? [{ text: `${drifted.length} feature(s) drifted: ${drifted.slice(0, 5).map((c) => c.subject).join(', ')}${drifted.length > 5 ? ', …' : ''}.`, checks: ids(drifted) }] : []),
    ...(multivariate.length ? [reason(multivariate)] : []),
  ];
  // The shift-type diagnosis (AUDIT) reads all the evidence; when it ran, its verdict names the shift.
  const diagnosed = checks.find((c) => c.kind === 'shift_diagnosis')?.figures.shiftType;
  const decision = (action: Decision['action'], shiftType: ShiftType, confidence: number, reasons: Decision['reasons']): Decision => ({
    action,
    shiftType: typeof diagnosed === 'string' && (SHIFT_TYPES as readonly string[]).includes(diagnosed) ? (diagnosed as ShiftType) : shiftType,
    findings,
    confidence: Math.max(0, Math.min(1, confidence)),
    reasons,
  });
  const pConfidence = (c: CheckResult | undefined, fallback: number) => {
    const p = Number(c?.figures.pValue);
    return Number.isFinite(p) ? Math.min(0.99, 1 - p) : fallback;
  };

  if (newClasses.length) {
    const canRetrain = enoughLabels;
    return decision(canRetrain ? 'retrain' : 'collect_labels', 'new_class', canRetrain ? 0.9 : 0.75, [
      reason(newClasses, canRetrain ? 'The operational data holds classes the model was never trained on; it cannot predict them without retraining. ' : 'Candidate new classes were found but there are too few labels to train on them: label the queued rows first. '),
      ...(dropped ? [reason([performance!])] : []),
      ...driftReasons,
    ]);
  }
  if (dropped) {
    const shift: ShiftType = labelShift ? 'label' : inputChange || outputDrift.length ? 'covariate' : 'concept';
    return decision('retrain', shift, pConfidence(performance, 0.9), [
      reason([performance!]),
      ...(shift === 'concept'
        ? [{ text: 'Performance dropped while the inputs did not change: the relation between inputs and labels changed (concept shift).', checks: ids(checks.filter((c) => c.kind === 'feature_drift' || c.kind === 'multivariate_drift')) }]
        : driftReasons),
      ...(slices.length ? [reason(slices, 'Degraded slices: ')] : []),
    ]);
  }
  if (labelShift) {
    return decision('reweight', 'label', pConfidence(labelShift, 0.8), [
      reason([labelShift], 'The class priors shifted while the class-conditional inputs did not: reweight the training data by class instead of refitting blindly. '),
    ]);
  }
  if (!measured && (estimated.length || outputDrift.length || (inputChange && !checks.some((c) => c.kind === 'output_drift' && judged(c)) && !checks.some((c) => c.kind === 'estimated_performance' && judged(c))))) {
    return decision('collect_labels', inputChange ? 'covariate' : 'unknown', 0.7, [
      ...(estimated.length ? [reason(estimated)] : []),
      ...(outputDrift.length ? [reason(outputDrift)] : []),
      ...driftReasons,
      ...(novel.length ? [reason(novel, 'Unlabelled rows unlike anything in training (candidate new classes) are queued for labelling first: ')] : []),
      { text: 'The data changed but too few operational labels exist to tell whether the model suffers or to retrain on: label the queued rows, then run again.', checks: performance ? [performance.id] : [] },
    ]);
  }
  if (calibration.length) {
    return decision('recalibrate', inputChange || outputDrift.length ? 'covariate' : 'concept', 0.75, [
      reason(calibration, 'Accuracy holds but the probabilities no longer match outcomes: recalibrate on recent labelled data. '),
    ]);
  }
  const harmJudged = checks.filter((c) => (c.kind === 'performance' || c.kind === 'output_drift' || c.kind === 'estimated_performance') && judged(c));
  return decision('none', inputChange || outputDrift.length ? 'covariate' : 'none', measured ? Math.min(0.95, 0.5 + 0.45 * Math.min(1, labelled / 1000)) : harmJudged.length ? 0.7 : 0.6, [
    ...driftReasons,
    harmJudged.length
      ? { text: inputChange ? 'The inputs drifted but the model is not harmed: ' + harmJudged.map((c) => c.summary).join(' ') : 'No evidence of harm or change: ' + harmJudged.map((c) => c.summary).join(' '), checks: ids(harmJudged) }
      : { text: 'No feature drifted; no labels or model outputs to judge performance, so this rests on the inputs alone.', checks: ids(checks.filter((c) => c.kind === 'feature_drift')) },
    ...(slices.length ? [reason(slices, 'Overall performance holds; watch these slices: ')] : []),
  ]);
}
