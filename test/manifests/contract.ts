/** The parts of the CLI contract (moa run --help, issue "CLI contract") the YAML must agree with. */
import { RUN_OPTIONS } from '../../src/cli/args.js';

export const IMAGE = 'ghcr.io/moa-ml/moa:0.1.0';

/** Flags of `moa run` the YAML may pass: the CLI's own option table, so the two cannot drift apart. */
export const RUN_FLAGS = new Set(Object.keys(RUN_OPTIONS).filter((flag) => flag !== 'help'));

/** Files `--output-params DIR` writes (no trailing newline). */
export const OUTPUT_PARAMS = ['action', 'shift_type', 'drift_detected', 'tests_run', 'manifest_uri'];
