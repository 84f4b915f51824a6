import type { CheckResult, ShiftType } from '../schema/results.js';

export interface ShiftEvidence {
  shiftType: ShiftType;
  text: string;
  checks: string[];
}

const failed = (checks: CheckResult[], ...kinds: string[]) => checks.filter((c) => kinds.includes(c.kind) && c.status === 'fail');
const ids = (checks: CheckResult[]) => checks.map((c) => c.id);

/**
 * Which kind of shift the evidence points to, from ANALYZE and AUDIT results together (a pure function of check
 * results, keyed on their kinds). Every rule whose evidence is present is listed; the first in this order is the
 * diagnosis and the others are named as alternatives:
 *  1. data_quality — a `schema` or `data_quality` gate failed: nothing else can be trusted.
 *  2. new_class — `new_classes` failed: labels the model cannot predict.
 *  3. label — `label_shift` failed (priors moved) and operational labels show p(ŷ|y) unchanged per class
 *     (figure consistentWithLabelShift); without labels, when the reweighted validation outputs match (figure
 *     `pure`, set by the plan) or, untested, when no input drift is seen besides.
 *  4. concept — P(y|x) changed: `performance` dropped while no input (`feature_drift`, `multivariate_drift`)
 *     drifted; or measured accuracy fell below CBPE's interval (CBPE assumes P(y|x) fixed); or a
 *     `slice_degradation` failed with no input drift.
 *  5. covariate — inputs drifted (`feature_drift`, `multivariate_drift`), or only the outputs did (`output_drift`).
 *     Also named when label_shift failed without labels to confirm p(x|y) held: the two cannot then be told apart.
 *  6. none.
 */
export function diagnoseShift(checks: CheckResult[]): CheckResult {
  const evidence: ShiftEvidence[] = [];
  const gates = failed(checks, 'schema', 'data_quality');
  if (gates.length) evidence.push({ shiftType: 'data_quality', text: 'A data-quality gate failed: the operational data is broken, not shifted.', checks: ids(gates) });
  const newClasses = failed(checks, 'new_classes');
  if (newClasses.length) evidence.push({ shiftType: 'new_class', text: 'Operational labels hold classes the model was never trained on.', checks: ids(newClasses) });

  const inputDrift = failed(checks, 'feature_drift', 'multivariate_drift');
  const outputDrift = failed(checks, 'output_drift');
  const label = failed(checks, 'label_shift');
  const performance = failed(checks, 'performance');
  const slices = failed(checks, 'slice_degradation');
  const cbpe = checks.find((c) => c.kind === 'estimated_performance' && c.figures.measuredWithinInterval === false && Number(c.figures.measuredAccuracy) < Number(c.figures.estimatedOnLabelled_lo));

  const confirmed = label.filter((c) => c.figures.consistentWithLabelShift === true);
  // Without labels the plan may still test the premise: validation outputs reweighted by w(y) match (figure `pure`).
  const explained = label.filter((c) => c.figures.consistentWithLabelShift === undefined && c.figures.pure === true);
  const unconfirmed = label.filter((c) => c.figures.consistentWithLabelShift === undefined && c.figures.pure === undefined);
  if (confirmed.length) {
    evidence.push({ shiftType: 'label', text: 'Class priors moved (BBSE) while, per class, the predictions given the true class stayed as on validation: p(x|y) held.', checks: ids(confirmed) });
  } else if (explained.length) {
    evidence.push({ shiftType: 'label', text: 'Class priors moved (BBSE) and the validation outputs reweighted by w(y) match the operational outputs: the prior change explains the output change.', checks: ids(explained) });
  } else if (unconfirmed.length && inputDrift.length === 0) {
    evidence.push({ shiftType: 'label', text: 'Class priors moved (BBSE) with no input drift seen; no operational labels to confirm p(x|y) held.', checks: ids(unconfirmed) });
  }
  if (performance.length && inputDrift.length === 0) {
    evidence.push({ shiftType: 'concept', text: 'Performance dropped although no input drifted: the relation between inputs and labels changed.', checks: ids([...performance, ...checks.filter((c) => c.kind === 'feature_drift' || c.kind === 'multivariate_drift')]) });
  }
  if (cbpe) {
    evidence.push({ shiftType: 'concept', text: `Measured accuracy ${Number(cbpe.figures.measuredAccuracy).toFixed(4)} is below what calibrated confidence predicts for the same rows (${Number(cbpe.figures.estimatedOnLabelled_lo).toFixed(4)}–${Number(cbpe.figures.estimatedOnLabelled_hi).toFixed(4)}), which holds under covariate shift alone.`, checks: [cbpe.id, ...ids(performance)] });
  }
  if (slices.length && inputDrift.length === 0) {
    evidence.push({ shiftType: 'concept', text: 'Some slices got worse than on the baseline while no input drifted.', checks: ids(slices) });
  }
  if (inputDrift.length) {
    evidence.push({ shiftType: 'covariate', text: `${inputDrift.length} input check(s) drifted.`, checks: ids(inputDrift) });
  } else if (outputDrift.length) {
    evidence.push({ shiftType: 'covariate', text: 'The model outputs drifted though no monitored input did (an unmonitored input, or a change the per-feature tests miss).', checks: ids(outputDrift) });
  }
  if (unconfirmed.length && inputDrift.length) {
    evidence.push({ shiftType: 'covariate', text: 'BBSE reads the change as moved class priors, but without operational labels label shift cannot be told from covariate shift.', checks: ids(unconfirmed) });
  }

  const order: ShiftType[] = ['data_quality', 'new_class', 'label', 'concept', 'covariate'];
  const found = order.filter((t) => evidence.some((e) => e.shiftType === t));
  const shiftType: ShiftType = found[0] ?? 'none';
  const alternatives = found.slice(1);
  if (unconfirmed.length && inputDrift.length && !alternatives.includes('label') && shiftType !== 'label') alternatives.push('label');
  const sorted = [...evidence].sort((a, b) => order.indexOf(a.shiftType) - order.indexOf(b.shiftType));
  return {
    id: 'audit.shift_diagnosis',
    stage: 'audit',
    kind: 'shift_diagnosis',
    status: shiftType === 'none' ? 'pass' : 'warn',
    method: 'rules over ANALYZE and AUDIT check kinds (docs/audit.md)',
    figures: { shiftType, alternatives: alternatives.join(',') },
    details: { shiftType, alternatives, evidence: sorted },
    summary:
      shiftType === 'none'
        ? 'No shift: no gate, drift, prior change or performance loss was found.'
        : `Diagnosis: ${shiftType.replace('_', ' ')} shift${shiftType === 'data_quality' ? ' (broken data)' : ''}. ${sorted.find((e) => e.shiftType === shiftType)!.text}${alternatives.length ? ` Also consistent with: ${alternatives.join(', ')}.` : ''}`,
  };
}
