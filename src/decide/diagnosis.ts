import { CHECKS, failing, find, findAll, type CheckOf, type CheckResult } from '../checks/index.js';
import type { ShiftType } from '../schema/results.js';

export interface ShiftEvidence {
  shiftType: ShiftType;
  text: string;
  checks: string[];
}

export type ShiftDiagnosis = CheckOf<typeof CHECKS.shiftDiagnosis>;

const ids = (checks: readonly { id: string }[]) => checks.map((c) => c.id);

/**
 * Which kind of shift the evidence points to, from ANALYZE and AUDIT results together (a pure reading of check
 * results, not a test of its own). Every rule whose evidence is present is listed; the first in this order is the
 * diagnosis and the others are named as alternatives:
 *  1. data_quality — a `schema` or `data_quality` gate failed: nothing else can be trusted.
 *  2. new_class — `new_classes` failed: labels the model cannot predict.
 *  3. label — `label_shift` failed (priors moved) and operational labels show p(ŷ|y) unchanged per class
 *     (figure consistentWithLabelShift); without labels, when the reweighted validation outputs match (figure
 *     `pure`, set by the label-shift check) or, untested, when no input drift is seen besides.
 *  4. concept — P(y|x) changed: `performance` dropped while no input (`feature_drift`, `multivariate_drift`)
 *     drifted; or measured accuracy fell below CBPE's interval (CBPE assumes P(y|x) fixed); or a
 *     `slice_degradation` failed with no input drift.
 *  5. covariate — inputs drifted (`feature_drift`, `multivariate_drift`), or only the outputs did (`output_drift`).
 *     Also named when label_shift failed without labels to confirm p(x|y) held: the two cannot then be told apart.
 *  6. none.
 */
export function diagnoseShift(checks: readonly CheckResult[]): ShiftDiagnosis {
  const evidence: ShiftEvidence[] = [];
  const gates = failing(checks, CHECKS.schemaGate, CHECKS.dataQuality);
  if (gates.length) evidence.push({ shiftType: 'data_quality', text: 'A data-quality gate failed: the operational data is broken, not shifted.', checks: ids(gates) });
  const newClasses = failing(checks, CHECKS.newClasses);
  if (newClasses.length) evidence.push({ shiftType: 'new_class', text: 'Operational labels hold classes the model was never trained on.', checks: ids(newClasses) });

  const inputDrift = failing(checks, CHECKS.featureDrift, CHECKS.multivariateDrift);
  const outputDrift = failing(checks, CHECKS.outputDrift);
  const label = failing(checks, CHECKS.labelShift);
  const performance = failing(checks, CHECKS.performance);
  const slices = failing(checks, CHECKS.sliceDegradation);
  const cbpe = findAll(checks, CHECKS.estimatedPerformance).find(
    (c) => c.figures.measuredWithinInterval === false && c.figures.measuredAccuracy !== undefined && c.figures.estimatedOnLabelled_lo !== undefined && c.figures.measuredAccuracy < c.figures.estimatedOnLabelled_lo,
  );

  const confirmed = label.filter((c) => c.figures.consistentWithLabelShift === true);
  // Without labels the label-shift check still tests the premise: validation outputs reweighted by w(y) match (figure `pure`).
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
    evidence.push({ shiftType: 'concept', text: 'Performance dropped although no input drifted: the relation between inputs and labels changed.', checks: ids([...performance, ...findAll(checks, CHECKS.featureDrift, CHECKS.multivariateDrift)]) });
  }
  if (cbpe) {
    evidence.push({ shiftType: 'concept', text: `Measured accuracy ${cbpe.figures.measuredAccuracy!.toFixed(4)} is below what calibrated confidence predicts for the same rows (${cbpe.figures.estimatedOnLabelled_lo!.toFixed(4)}–${Number(cbpe.figures.estimatedOnLabelled_hi).toFixed(4)}), which holds under covariate shift alone.`, checks: [cbpe.id, ...ids(performance)] });
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
    id: 'decide.shift_diagnosis',
    stage: CHECKS.shiftDiagnosis.stage,
    kind: CHECKS.shiftDiagnosis.kind,
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

/** The diagnosis a set of results already holds (results.json readers), if any. */
export const diagnosisIn = (checks: readonly CheckResult[]) => find(checks, CHECKS.shiftDiagnosis);
