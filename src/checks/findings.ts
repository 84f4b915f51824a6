import * as C from './catalogue.js';

/**
 * The codes of `decision.findings`: what the decision found, most named after the check kind that found it, so a
 * reader can go from a finding to its checks.
 */
export const FINDINGS = {
  dataQuality: C.dataQuality.kind,
  newClasses: C.newClasses.kind,
  performanceDrop: 'performance_drop',
  persistentDecline: C.evidenceOverTime.kind,
  estimatedPerformanceDrop: 'estimated_performance_drop',
  outputDrift: C.outputDrift.kind,
  labelShift: C.labelShift.kind,
  featureDrift: C.featureDrift.kind,
  multivariateDrift: C.multivariateDrift.kind,
  calibrationDrift: 'calibration_drift',
  novelty: C.novelty.kind,
  sliceDegradation: C.sliceDegradation.kind,
} as const;
export const FINDING_CODES = Object.values(FINDINGS) as [Finding, ...Finding[]];
export type Finding = (typeof FINDINGS)[keyof typeof FINDINGS];
