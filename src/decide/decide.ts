import { CHECKS, FINDINGS, failing, find, findAll, judged, type CheckResult, type Finding } from '../checks/index.js';
import type { Decision, ShiftType } from '../schema/results.js';
import { diagnoseShift, type ShiftDiagnosis } from './diagnosis.js';

export interface DecideOptions {
  /** Proceed past failed data-quality gates (configuration `gates.allowFailed`). */
  allowFailedGates: boolean;
}

const ids = (checks: readonly { id: string }[]) => checks.map((c) => c.id);

/** The gates that failed: when any did, the operational data is broken and later checks are not run. */
export function failedGates(checks: readonly CheckResult[]) {
  return failing(checks, CHECKS.schemaGate, CHECKS.dataQuality);
}

/** Kinds that answer "is the model harmed, or are its outputs changing?" — the plan's second step. */
export const HARM_CHECKS = [CHECKS.performance, CHECKS.evidenceOverTime, CHECKS.estimatedPerformance, CHECKS.outputDrift, CHECKS.calibration, CHECKS.newClasses] as const;
/** The harm checks that detect harm or change (calibration and new classes only add to it). */
const HARM_DETECTORS = [CHECKS.performance, CHECKS.estimatedPerformance, CHECKS.outputDrift] as const;

/**
 * Whether the harm step already shows there is nothing to act on: at least one harm detector could judge, and none
 * raised an alarm. The decision rules below then give `none` whatever later steps find, except a pure prior shift
 * (`reweight`), which only the label-shift step can find: the plan stops on this after that step when it can run.
 */
export function noEvidenceOfHarm(checks: readonly CheckResult[]): boolean {
  return findAll(checks, ...HARM_DETECTORS).some(judged) && failing(checks, ...HARM_CHECKS).length === 0 && failedGates(checks).length === 0;
}

/** A pure shift of class priors: BBSE found one, and its own test says the prior change explains the outputs. */
export function purePriorShift(checks: readonly CheckResult[]) {
  return failing(checks, CHECKS.labelShift).find((c) => c.figures.pure === true);
}

/** The decision and the shift diagnosis it rests on (a check result of its own, stage decide). */
export interface Decided {
  decision: Decision;
  diagnosis: ShiftDiagnosis;
}

/**
 * Turn check results into an action. The order mirrors how a data scientist reasons: broken data first (never
 * retrain on it), then classes the model cannot predict, measured harm, a pure prior shift, estimated harm
 * without labels, calibration, and finally change that does not hurt. Confidence is a documented heuristic in
 * [0, 1]: how directly the deciding evidence measures the question (docs/plan.md).
 */
export function decide(checks: readonly CheckResult[], options: DecideOptions): Decided {
  const diagnosis = diagnoseShift(checks);
  return { decision: decideAction(checks, diagnosis, options), diagnosis };
}

function decideAction(checks: readonly CheckResult[], diagnosis: ShiftDiagnosis, options: DecideOptions): Decision {
  const gates = failedGates(checks);
  if (gates.length > 0 && !options.allowFailedGates) {
    return {
      action: 'fix_data',
      shiftType: diagnosis.details!.shiftType as ShiftType,
      findings: [FINDINGS.dataQuality],
      confidence: 0.95,
      reasons: [{ text: 'The operational data failed a data-quality gate: fix the pipeline before retraining on it. ' + gates.map((g) => g.summary).join(' '), checks: ids(gates) }],
    };
  }
  const drifted = failing(checks, CHECKS.featureDrift);
  const multivariate = failing(checks, CHECKS.multivariateDrift);
  const outputDrift = failing(checks, CHECKS.outputDrift);
  const newClasses = failing(checks, CHECKS.newClasses);
  const novel = failing(checks, CHECKS.novelty);
  const slices = failing(checks, CHECKS.sliceDegradation);
  const calibration = failing(checks, CHECKS.calibration);
  const performance = find(checks, CHECKS.performance);
  const estimated = failing(checks, CHECKS.estimatedPerformance);
  const labelShift = purePriorShift(checks);
  // A persistent decline over time chunks (and earlier runs) is a measured drop too, found by pooling.
  const decline = failing(checks, CHECKS.evidenceOverTime);
  const dropped = performance?.status === 'fail' || decline.length > 0;
  const measured = judged(performance);
  const labelled = performance?.figures.labelled ?? 0;
  const enoughLabels = measured || labelled >= (performance?.threshold?.minLabels ?? Infinity);

  const findings: Finding[] = [];
  if (gates.length) findings.push(FINDINGS.dataQuality);
  if (newClasses.length) findings.push(FINDINGS.newClasses);
  if (performance?.status === 'fail') findings.push(FINDINGS.performanceDrop);
  if (decline.length) findings.push(FINDINGS.persistentDecline);
  if (estimated.length) findings.push(FINDINGS.estimatedPerformanceDrop);
  if (outputDrift.length) findings.push(FINDINGS.outputDrift);
  if (failing(checks, CHECKS.labelShift).length) findings.push(FINDINGS.labelShift);
  if (drifted.length) findings.push(FINDINGS.featureDrift);
  if (multivariate.length) findings.push(FINDINGS.multivariateDrift);
  if (calibration.length) findings.push(FINDINGS.calibrationDrift);
  if (novel.length) findings.push(FINDINGS.novelty);
  if (slices.length) findings.push(FINDINGS.sliceDegradation);
  const inputChange = drifted.length > 0 || multivariate.length > 0;
  const reason = (list: readonly CheckResult[], prefix = '') => ({ text: prefix + list.slice(0, 3).map((c) => c.summary).join(' '), checks: ids(list) });
  const driftReasons = [
    ...(drifted.length ? [{ text: `${drifted.length} feature(s) drifted: ${drifted.slice(0, 5).map((c) => c.subject).join(', ')}${drifted.length > 5 ? ', …' : ''}.`, checks: ids(drifted) }] : []),
    ...(multivariate.length ? [reason(multivariate)] : []),
  ];
  // The shift-type diagnosis reads all the evidence; its verdict names the shift.
  const decision = (action: Decision['action'], confidence: number, reasons: Decision['reasons']): Decision => ({
    action,
    shiftType: diagnosis.details!.shiftType as ShiftType,
    findings,
    confidence: Math.max(0, Math.min(1, confidence)),
    reasons,
  });
  const pConfidence = (c: { figures: { pValue?: number } } | undefined, fallback: number) => {
    const p = c?.figures.pValue;
    return p !== undefined && Number.isFinite(p) ? Math.min(0.99, 1 - p) : fallback;
  };

  if (newClasses.length) {
    const canRetrain = enoughLabels;
    return decision(canRetrain ? 'retrain' : 'collect_labels', canRetrain ? 0.9 : 0.75, [
      reason(newClasses, canRetrain ? 'The operational data holds classes the model was never trained on; it cannot predict them without retraining. ' : 'Candidate new classes were found but there are too few labels to train on them: label the queued rows first. '),
      ...(dropped ? [reason(performance?.status === 'fail' ? [performance] : decline)] : []),
      ...driftReasons,
    ]);
  }
  if (dropped) {
    // No pure prior shift and no input or output change: the relation between inputs and labels changed.
    const concept = !labelShift && !inputChange && outputDrift.length === 0;
    const measuredDrop = performance?.status === 'fail' ? performance : decline[0]!;
    return decision('retrain', pConfidence(measuredDrop, 0.9), [
      reason(performance?.status === 'fail' ? [performance, ...decline] : decline),
      ...(concept
        ? [{ text: 'Performance dropped while the inputs did not change: the relation between inputs and labels changed (concept shift).', checks: ids(findAll(checks, CHECKS.featureDrift, CHECKS.multivariateDrift)) }]
        : driftReasons),
      ...(slices.length ? [reason(slices, 'Degraded slices: ')] : []),
    ]);
  }
  if (labelShift) {
    return decision('reweight', pConfidence(labelShift, 0.8), [
      reason([labelShift], 'The class priors shifted while the class-conditional inputs did not: reweight the training data by class instead of refitting blindly. '),
    ]);
  }
  if (!measured && (estimated.length || outputDrift.length || (inputChange && !findAll(checks, CHECKS.outputDrift, CHECKS.estimatedPerformance).some(judged)))) {
    return decision('collect_labels', 0.7, [
      ...(estimated.length ? [reason(estimated)] : []),
      ...(outputDrift.length ? [reason(outputDrift)] : []),
      ...driftReasons,
      ...(novel.length ? [reason(novel, 'Unlabelled rows unlike anything in training (candidate new classes) are queued for labelling first: ')] : []),
      { text: 'The data changed but too few operational labels exist to tell whether the model suffers or to retrain on: label the queued rows, then run again.', checks: performance ? [performance.id] : [] },
    ]);
  }
  if (calibration.length) {
    return decision('recalibrate', 0.75, [
      reason(calibration, 'Accuracy holds but the probabilities no longer match outcomes: recalibrate on recent labelled data. '),
    ]);
  }
  const harmChecks = findAll(checks, ...HARM_DETECTORS);
  const harmJudged = harmChecks.filter(judged);
  // Harm checks that ran but had too little to judge on: say so, instead of claiming there was nothing to judge.
  const tooFew = harmChecks.filter((c) => c.status === 'insufficient_data' || c.status === 'degenerate');
  return decision('none', measured ? Math.min(0.95, 0.5 + 0.45 * Math.min(1, labelled / 1000)) : harmJudged.length ? 0.7 : 0.6, [
    ...driftReasons,
    harmJudged.length
      ? { text: inputChange ? 'The inputs drifted but the model is not harmed: ' + harmJudged.map((c) => c.summary).join(' ') : 'No evidence of harm or change: ' + harmJudged.map((c) => c.summary).join(' '), checks: ids(harmJudged) }
      : tooFew.length
        ? { text: `No feature drifted; performance could not be judged, so this rests on the inputs alone: ${tooFew[0]!.summary}`, checks: ids([...tooFew.slice(0, 1), ...findAll(checks, CHECKS.featureDrift)]) }
        : { text: 'No feature drifted; no labels or model outputs to judge performance, so this rests on the inputs alone.', checks: ids(findAll(checks, CHECKS.featureDrift)) },
    ...(slices.length ? [reason(slices, 'Overall performance holds; watch these slices: ')] : []),
  ]);
}
