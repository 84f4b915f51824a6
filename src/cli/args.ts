import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError } from '../errors.js';
import type { ConfigOverrides } from '../config/load.js';

export const RUN_HELP = `Usage: moa run --reference URI --operational URI --out URI [options]

Analyze operational data against training data, audit the model, and decide what to retrain on.
Writes results.json, summary.md, report.html and, last and only on success, retrain-config.json under --out.

Inputs (s3://bucket/key, s3://bucket/prefix/ for every part file under it, file://path or a plain path):
  --reference URI        training (reference) data                  [required, or --reference-profile]
  --operational URI      operational (production) data              [required, or --operational-profile]
  --reference-profile URI, --operational-profile URI
                         a profile (moa profile / moa merge) instead of the rows: checks run on its
                         sketches and counts, the rest on its uniform sample, each saying which
  --out URI              output prefix                                                   [required]
  --validation URI       held-out source data with the model's predictions and labels
  --predictions URI      operational predictions stored apart, joined on --id
  --labels URI           label feed (id, label, label_ts) joined on --id; the latest label per id wins
  --label-feed-column COL  the label feed's label column (default: the --label column)
  --history URI          earlier runs' outputs (their results.json, a prefix or directory): evidence over
                         time pools their chunks of the same model with this run's, each window once
  --since T, --until T   time window [since, until) of the operational data, UTC (2026-01-05 or
                         2026-01-05T12:00:00Z): only date=/dt=/day= partitions overlapping it are read
  --format FMT           parquet | arrow | csv | jsonl (default: from the file extension)
  --config FILE|URI      YAML or JSON config with the same keys (flags win)

Column roles:
  --label COL            true label          --prediction COL   model prediction
  --proba COLS|PREFIX    class probabilities: comma-separated names, or a prefix such as proba_
  --timestamp COL        event time          --id COL           stable row id
  --model-version COL    serving model version (kept out of the features)
  --categorical COLS     comma-separated columns to treat as categorical
  --ignore COLS          comma-separated columns to leave out
  --task TASK            classification | regression (inferred when absent)

Run (an empty value, e.g. --validation=, means the flag is not given):
  --output-params DIR    write action, shift_type, drift_detected, tests_run, manifest_uri as plain files
  --executor-input JSON  KFP v2: the executor input ('{{$}}'); writes the output artifacts, parameters and
                         the executor output file it names (Metrics, ClassificationMetrics, HTML, Markdown)
  --kfp-v1-dir DIR       KFP v1: write mlpipeline-ui-metadata.json and mlpipeline-metrics.json under DIR
  --alert JSON|@FILE     the Alertmanager (v4) webhook payload that triggered the run: recorded in the
                         manifest; its moa_reference / moa_operational / moa_validation / moa_predictions /
                         moa_out labels fill the URIs not given as flags or in --config
  --submit-retrain NAME  in a cluster, create a Workflow from this WorkflowTemplate with the manifest URI
                         when the action is retrain or reweight (needs the submit-retrain RBAC, k8s/)
  --selection-format F   parquet | csv: format of the selection files under --out (default parquet)
  --full                 run every test instead of stopping early
  --seed N               seed for every random choice (default 42)
  -h, --help             this help

Exit codes: 0 analysis done (whatever the decision), 1 internal error, 2 usage or config error,
            3 input data error, 4 storage error.
S3: the standard AWS credential chain and AWS_REGION; AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL for
MinIO, SeaweedFS or Ceph (path-style addressing is then used).
`;

export const MAIN_HELP = `Usage: moa <command> [options]

Model operational analysis: the pipeline step that analyzes, audits and selects data before a model is retrained.

Commands:
  run       analyze operational data against training data and write the decision and retrain manifest
  demo      generate the example "color" data set and run the analysis on it (local files, no services)
  contract  check operational logs against the data contract: which analyses they allow, what to log
  schema    print the JSON Schema of the retrain-config manifest (--kind config|results|profile; --write DIR writes all;
            --markdown prints the config reference, docs/configuration.md)
  profile   profile one shard: mergeable sketches, model-output counts and a uniform sample (docs/profiles.md)
  merge     merge any number of profiles into one
  shards    list the part files under a prefix as shards for a fan-out (JSON for Argo withParam)

Options:
  -h, --help       show help (also: moa <command> --help)
  -v, --version    print the version

Exit codes: 0 done, 1 internal error, 2 usage or config error, 3 input data error, 4 storage error.
`;

/** Every `moa run` flag (the pipeline templates may pass only these: test/manifests). */
export const RUN_OPTIONS = {
  reference: { type: 'string' },
  operational: { type: 'string' },
  'reference-profile': { type: 'string' },
  'operational-profile': { type: 'string' },
  out: { type: 'string' },
  validation: { type: 'string' },
  predictions: { type: 'string' },
  labels: { type: 'string' },
  history: { type: 'string' },
  'label-feed-column': { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  format: { type: 'string' },
  config: { type: 'string' },
  label: { type: 'string' },
  prediction: { type: 'string' },
  proba: { type: 'string' },
  timestamp: { type: 'string' },
  id: { type: 'string' },
  'model-version': { type: 'string' },
  categorical: { type: 'string' },
  ignore: { type: 'string' },
  task: { type: 'string' },
  'output-params': { type: 'string' },
  'executor-input': { type: 'string' },
  'kfp-v1-dir': { type: 'string' },
  alert: { type: 'string' },
  'submit-retrain': { type: 'string' },
  'selection-format': { type: 'string' },
  full: { type: 'boolean' },
  seed: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/** Parse with node's own parser; unknown flags and missing values are usage errors (exit 2). */
export function parseFlags<O extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: O,
  command: string,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>> {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw usageError('usage.flags', `moa ${command}: ${(error as Error).message}`, {
      fix: `Run \`moa ${command} --help\` for the list of options.`,
    });
  }
}

const list = (v: string | undefined) => (v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean));

export interface RunArgs {
  help: boolean;
  configUri: string | undefined;
  overrides: ConfigOverrides;
  /** Pipeline UI outputs (not analysis config): KFP v2 executor input JSON, KFP v1 output directory. */
  pipeline: { executorInput?: string; kfpV1Dir?: string };
  /** Cluster wiring: the Alertmanager payload that triggered the run, and the WorkflowTemplate to submit. */
  cluster: { alert?: string; submitRetrain?: string };
}

export function parseRunArgs(argv: string[]): RunArgs {
  const { values: given } = parseFlags(argv, RUN_OPTIONS, 'run');
  // Argo and KFP cannot leave an argument out, so `--validation=` (empty) means "not given".
  const v = Object.fromEntries(Object.entries(given).filter(([, x]) => x !== '')) as typeof given;
  let seed: number | undefined;
  if (v.seed !== undefined) {
    seed = Number(v.seed);
    if (!Number.isInteger(seed)) throw usageError('usage.seed', `--seed "${v.seed}" is not an integer.`, { subject: '--seed', fix: 'Pass a whole number, e.g. --seed 42.' });
  }
  const proba = v.proba === undefined ? undefined : v.proba.includes(',') ? list(v.proba) : v.proba;
  const columns = Object.fromEntries(
    Object.entries({
      label: v.label,
      prediction: v.prediction,
      proba,
      timestamp: v.timestamp,
      id: v.id,
      modelVersion: v['model-version'],
      categorical: list(v.categorical),
      ignore: list(v.ignore),
    }).filter(([, x]) => x !== undefined),
  );
  const overrides: ConfigOverrides = {
    reference: v.reference,
    operational: v.operational,
    referenceProfile: v['reference-profile'],
    operationalProfile: v['operational-profile'],
    out: v.out,
    validation: v.validation,
    predictions: v.predictions,
    history: v.history,
    ...(v.labels !== undefined || v['label-feed-column'] !== undefined ? { labels: { uri: v.labels, column: v['label-feed-column'] } } : {}),
    ...(v.since !== undefined || v.until !== undefined ? { window: { since: v.since, until: v.until } } : {}),
    format: v.format,
    task: v.task,
    outputParams: v['output-params'],
    ...(v['selection-format'] !== undefined ? { select: { format: v['selection-format'] } } : {}),
    full: v.full,
    seed,
    ...(Object.keys(columns).length ? { columns } : {}),
  };
  const pipeline = {
    ...(v['executor-input'] !== undefined ? { executorInput: v['executor-input'] } : {}),
    ...(v['kfp-v1-dir'] !== undefined ? { kfpV1Dir: v['kfp-v1-dir'] } : {}),
  };
  const cluster = {
    ...(v.alert !== undefined ? { alert: v.alert } : {}),
    ...(v['submit-retrain'] !== undefined ? { submitRetrain: v['submit-retrain'] } : {}),
  };
  return { help: v.help ?? false, configUri: v.config, overrides, pipeline, cluster };
}
