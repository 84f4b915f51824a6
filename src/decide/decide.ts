import type { CheckResult, Decision } from '../schema/results.js';

export interface DecideOptions {
  /** Proceed past failed data-quality gates (configuration `gates.allowFailed`). */
  allowFailedGates: boolean;
}

const ids = (checks: CheckResult[]) => checks.map((c) => c.id);
const isGate = (c: CheckResult) => c.kind === 'schema' || c.kind === 'data_quality';

/** The gates that failed: when any did, the operational data is broken and later checks are not run. */
export function failedGates(checks: CheckResult[]): CheckResult[] {
  return checks.filter((c) => isGate(c) && c.status === 'fail');
}

/**
 * Turn check results into an action. The order mirrors how a data scientist reasons: broken data first
 * (never retrain on it), then classes the model cannot predict, then measured harm, then unexplained change.
 * Confidence is a documented heuristic in [0, 1]: how directly the deciding evidence measures the question.
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
  const drifted = checks.filter((c) => c.kind === 'feature_drift' && c.status === 'fail');
  const newClasses = checks.filter((c) => c.kind === 'new_classes' && c.status === 'fail');
  const performance = checks.find((c) => c.kind === 'performance');
  const dropped = performance?.status === 'fail';
  const judged = performance !== undefined && ['pass', 'warn', 'fail'].includes(performance.status);
  const findings: string[] = [];
  if (gates.length) findings.push('data_quality');
  if (newClasses.length) findings.push('new_classes');
  if (dropped) findings.push('performance_drop');
  if (drifted.length) findings.push('feature_drift');
  const driftReason = drifted.length
    ? [{ text: `${drifted.length} feature(s) drifted: ${drifted.slice(0, 5).map((c) => c.subject).join(', ')}${drifted.length > 5 ? ', …' : ''}.`, checks: ids(drifted) }]
    : [];

  if (newClasses.length) {
    return {
      action: 'retrain',
      shiftType: 'new_class',
      findings,
      confidence: 0.9,
      reasons: [{ text: 'Operational labels contain classes the model was never trained on; it cannot predict them without retraining. ' + newClasses.map((c) => c.summary).join(' '), checks: ids(newClasses) }, ...(dropped ? [{ text: performance!.summary, checks: [performance!.id] }] : []), ...driftReason],
    };
  }
  if (dropped) {
    const p = Number(performance!.figures.pValue);
    return {
      action: 'retrain',
      shiftType: drifted.length ? 'covariate' : 'concept',
      findings,
      confidence: Math.min(0.99, 1 - (Number.isFinite(p) ? p : 0)),
      reasons: [
        { text: performance!.summary, checks: [performance!.id] },
        ...(drifted.length ? driftReason : [{ text: 'No input feature drifted while performance dropped: the relation between inputs and labels changed (concept shift).', checks: ids(checks.filter((c) => c.kind === 'feature_drift')) }]),
      ],
    };
  }
  if (drifted.length && !judged) {
    return {
      action: 'collect_labels',
      shiftType: 'covariate',
      findings,
      confidence: 0.7,
      reasons: [...driftReason, { text: 'The inputs changed but too few operational labels exist to tell whether the model suffers or to retrain on: label a sample of recent rows first.', checks: performance ? [performance.id] : [] }],
    };
  }
  const labelled = Number(performance?.figures.labelled ?? 0);
  return {
    action: 'none',
    shiftType: drifted.length ? 'covariate' : 'none',
    findings,
    // Measured performance that holds is strong evidence; no labels leaves only the absence of drift.
    confidence: judged ? Math.min(0.95, 0.5 + 0.45 * Math.min(1, labelled / 1000)) : 0.6,
    reasons: [
      ...driftReason,
      judged
        ? { text: drifted.length ? `The inputs drifted but performance holds: ${performance!.summary}` : `No drift and no drop in performance: ${performance!.summary}`, checks: [performance!.id, ...ids(drifted)] }
        : { text: 'No feature drifted; no labels to measure performance, so this rests on the inputs alone.', checks: ids(checks.filter((c) => c.kind === 'feature_drift')) },
    ],
  };
}
