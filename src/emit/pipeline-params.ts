import { CHECKS, failing } from '../checks/index.js';
import type { Results } from '../schema/results.js';

/** Kinds whose failure means the data's distribution moved (features, joint, model outputs, class priors). */
export const DRIFT_CHECKS = [CHECKS.featureDrift, CHECKS.multivariateDrift, CHECKS.outputDrift, CHECKS.labelShift] as const;
const DRIFT_KINDS: readonly string[] = DRIFT_CHECKS.map((e) => e.kind);

/**
 * The decision as pipeline parameters, typed: Argo writes them as text files (`--output-params`), KFP v2 as
 * `parameterValues` (BOOLEAN and NUMBER_INTEGER must be JSON booleans and numbers) and as text files.
 */
export interface PipelineParams {
  action: string;
  shift_type: string;
  drift_detected: boolean;
  tests_run: number;
  manifest_uri: string;
}

export function pipelineParams(results: Results, manifestUri: string): PipelineParams {
  const drifted = failing(results.checks, ...DRIFT_CHECKS).length > 0;
  return {
    action: results.decision.action,
    shift_type: results.decision.shiftType,
    // `feature_drift` in findings alone missed drift seen only jointly or in the model's outputs.
    drift_detected: drifted || results.decision.findings.some((f) => DRIFT_KINDS.includes(f)),
    tests_run: results.plan.testsRun,
    manifest_uri: manifestUri,
  };
}

/** Text form for parameter files: no trailing newline (KFP does not trim STRING outputs), `true`/`false`. */
export function paramFiles(p: PipelineParams): Record<keyof PipelineParams, string> {
  return { action: p.action, shift_type: p.shift_type, drift_detected: String(p.drift_detected), tests_run: String(p.tests_run), manifest_uri: p.manifest_uri };
}

/**
 * The parameters of a run that ended without a decision: action `error`, no manifest. Written at the start of
 * a run and on failure, so a step killed half-way never leaves an earlier run's action behind.
 */
export const FAILED_RUN_PARAMS: PipelineParams = { action: 'error', shift_type: 'unknown', drift_detected: false, tests_run: 0, manifest_uri: '' };
