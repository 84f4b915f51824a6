/** The parts of the CLI contract (moa run --help, issue "CLI contract") the YAML must agree with. */
export const IMAGE = 'ghcr.io/moa-ml/moa:0.1.0';

/** Flags of `moa run` the YAML may pass. */
export const RUN_FLAGS = new Set([
  'reference', 'operational', 'out', 'validation', 'predictions', 'label', 'prediction', 'proba', 'timestamp', 'id',
  'categorical', 'task', 'format', 'config', 'output-params', 'executor-input', 'kfp-v1-dir', 'alert', 'submit-retrain', 'full',
]);

/** Files `--output-params DIR` writes (no trailing newline). */
export const OUTPUT_PARAMS = ['action', 'shift_type', 'drift_detected', 'tests_run', 'manifest_uri'];
