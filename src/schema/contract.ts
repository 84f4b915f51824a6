import { z } from 'zod';
import { CHECKS } from '../checks/index.js';

/**
 * The operational data contract: what a serving system logs so that `moa` can analyze it, and what each optional
 * column unlocks. Three parts, all here so docs, checks and JSON Schema come from one place:
 * - the standard column names (each mapped onto a `moa run` role flag),
 * - the record schemas of one operational log row and one label-feed row (for validating logs at the source),
 * - the catalogue of analyses with the columns and extra inputs each needs, and the report of a contract check.
 */
export const CONTRACT_VERSION = 'moa.contract/v1';

export const CONTRACT_KEYS = ['features', 'prediction', 'proba', 'timestamp', 'id', 'model_version', 'label', 'label_ts'] as const;
export const ContractKeySchema = z.enum(CONTRACT_KEYS);
export type ContractKey = z.infer<typeof ContractKeySchema>;

export const ContractColumnSchema = z
  .object({
    key: ContractKeySchema,
    name: z.string().describe('Standard column name; `<class>` and `<feature>` stand for one column per class / feature.'),
    where: z.enum(['log', 'labels', 'both']).describe('In the operational log, the label feed, or both.'),
    required: z.boolean().describe('Part of the minimum: without it `moa contract` exits 3.'),
    flag: z.string().nullable().describe('The `moa` flag that names this column when it is not the standard name.'),
    type: z.string().describe('Logical type to write (Parquet / Arrow).'),
    description: z.string(),
  })
  .strict();
export type ContractColumn = z.infer<typeof ContractColumnSchema>;

/** The columns, in the order the docs and `moa contract` list them. */
export const CONTRACT_COLUMNS: readonly ContractColumn[] = [
  {
    key: 'features',
    name: '<feature>',
    where: 'log',
    required: true,
    flag: null,
    type: 'as in the training data (number, string, bool, fixed-size list)',
    description: 'The model inputs, one column each, named and typed exactly as in the training data, before any preprocessing the model does itself.',
  },
  {
    key: 'prediction',
    name: 'prediction',
    where: 'log',
    required: true,
    flag: '--prediction',
    type: 'string (class) or double (regression)',
    description: 'What the model answered: the predicted class label, or the predicted value for regression.',
  },
  {
    key: 'proba',
    name: 'proba_<class>',
    where: 'log',
    required: false,
    flag: '--proba',
    type: 'double in [0, 1], one column per class, summing to 1',
    description: 'Class probabilities (classification only), one column per class the model knows.',
  },
  {
    key: 'timestamp',
    name: 'request_ts',
    where: 'log',
    required: false,
    flag: '--timestamp',
    type: "timestamp (UTC, ms), e.g. pa.timestamp('ms', tz='UTC')",
    description: 'When the request was served. Also decides the date= partition the row is written to.',
  },
  {
    key: 'id',
    name: 'request_id',
    where: 'both',
    required: false,
    flag: '--id',
    type: 'string (UUID) or int64, unique per request',
    description: 'A stable id per request, written with the prediction and again with the label when it arrives.',
  },
  {
    key: 'model_version',
    name: 'model_version',
    where: 'log',
    required: false,
    flag: '--model-version',
    type: 'string',
    description: 'Version of the model that served the request (registry version, image digest or git sha).',
  },
  {
    key: 'label',
    name: 'label',
    where: 'labels',
    required: false,
    flag: '--label',
    type: 'as the prediction',
    description: 'The true outcome. Usually arrives later, in a separate label feed joined on request_id; may also be a column of the log.',
  },
  {
    key: 'label_ts',
    name: 'label_ts',
    where: 'labels',
    required: false,
    flag: '--label-ts',
    type: 'timestamp (UTC, ms)',
    description: 'When the label was recorded; when an id is labelled twice, the latest label wins.',
  },
];

export const STANDARD_NAMES = {
  prediction: 'prediction',
  probaPrefix: 'proba_',
  timestamp: 'request_ts',
  id: 'request_id',
  modelVersion: 'model_version',
  label: 'label',
  labelTs: 'label_ts',
} as const;

/** Partition keys read as the day of a partition (Hive style, `date=YYYY-MM-DD`). */
export const DATE_PARTITION_KEYS = ['date', 'dt', 'day'] as const;

/** Inputs of `moa run` besides the operational log that some analyses also need. */
export const ExtraInputSchema = z.enum(['reference', 'validation', 'labels']);

export const ContractAnalysisSchema = z
  .object({
    id: z.string().describe('Stable id, used in reports and docs.'),
    title: z.string(),
    kind: z.string().describe('The check `kind` the analysis produces in results.json (docs/checks.md); `per_version` is not a check yet.'),
    needs: z.array(ContractKeySchema).describe('Columns of the operational data it needs (labels: inline or joined from a label feed).'),
    inputs: z.array(z.string()).describe('Other inputs it needs at `moa run` time, e.g. `--validation` with labels and predictions.'),
    classificationOnly: z.boolean(),
  })
  .strict();
export type ContractAnalysis = z.infer<typeof ContractAnalysisSchema>;

/** What each column unlocks. `needs` lists contract keys; `label` means labels inline or joined by id from `--labels`. */
export const CONTRACT_ANALYSES: readonly ContractAnalysis[] = [
  { id: 'feature_drift', title: 'feature drift (per-feature tests)', kind: CHECKS.featureDrift.kind, needs: ['features'], inputs: ['--reference'], classificationOnly: false },
  { id: 'novelty', title: 'novelty (inputs unlike any training row)', kind: CHECKS.novelty.kind, needs: ['features'], inputs: ['--reference'], classificationOnly: false },
  { id: 'output_drift_class', title: 'output drift on predicted classes (BBSD)', kind: CHECKS.outputDrift.kind, needs: ['prediction'], inputs: ['--validation with predictions'], classificationOnly: false },
  { id: 'output_drift_proba', title: 'output drift on probabilities (BBSD)', kind: CHECKS.outputDrift.kind, needs: ['proba'], inputs: ['--validation with probabilities'], classificationOnly: true },
  { id: 'measured_performance', title: 'measured performance (accuracy / MAE vs baseline)', kind: CHECKS.performance.kind, needs: ['prediction', 'label'], inputs: [], classificationOnly: false },
  { id: 'cbpe', title: 'estimated performance without labels (CBPE)', kind: CHECKS.estimatedPerformance.kind, needs: ['proba'], inputs: ['--validation with labels and probabilities'], classificationOnly: true },
  { id: 'label_shift_bbse', title: 'label shift (BBSE)', kind: CHECKS.labelShift.kind, needs: ['prediction'], inputs: ['--validation with labels and predictions'], classificationOnly: true },
  { id: 'calibration', title: 'calibration', kind: CHECKS.calibration.kind, needs: ['proba', 'label'], inputs: [], classificationOnly: true },
  { id: 'weak_slices', title: 'weak slices (where the model fails)', kind: CHECKS.sliceDegradation.kind, needs: ['features', 'prediction', 'label'], inputs: [], classificationOnly: false },
  { id: 'new_classes', title: 'new classes from labels', kind: CHECKS.newClasses.kind, needs: ['label'], inputs: ['--reference'], classificationOnly: true },
  { id: 'recency_window', title: 'recency window and drift onset', kind: CHECKS.driftOnset.kind, needs: ['timestamp'], inputs: [], classificationOnly: false },
  { id: 'late_labels', title: 'late labels (label feed joined on id)', kind: CHECKS.labelJoin.kind, needs: ['id'], inputs: ['--labels'], classificationOnly: false },
  { id: 'predictions_apart', title: 'predictions stored apart (joined on id)', kind: CHECKS.ingestJoin.kind, needs: ['id'], inputs: ['--predictions'], classificationOnly: false },
  { id: 'per_version', title: 'per-model-version analysis', kind: 'per_version', needs: ['model_version'], inputs: [], classificationOnly: false },
];

/** The minimum: without these `moa` cannot say anything useful about the model in production. */
export const MINIMUM_KEYS: readonly ContractKey[] = CONTRACT_COLUMNS.filter((c) => c.required).map((c) => c.key);

const Scalar = z.union([z.number(), z.string(), z.boolean(), z.null()]);

/**
 * One row of the operational log, as a serving system writes it (a JSON line, or a Parquet row). Feature columns
 * are the catch-all; the named columns are the contract's standard names.
 */
export const OperationalRecordSchema = z
  .object({
    request_id: z.union([z.string().min(1), z.number().int()]).optional().describe('Stable request id. Enables: late labels, predictions stored apart. Without it labels cannot be joined.'),
    request_ts: z.iso.datetime({ offset: true }).optional().describe('Request time (UTC). Enables: recency window, drift onset, label coverage by day.'),
    prediction: z.union([z.string(), z.number()]).describe('Predicted class or value. Required. Enables: output drift on classes, BBSE, performance with labels.'),
    model_version: z.string().min(1).optional().describe('Serving model version. Enables: per-version analysis.'),
    label: z.union([z.string(), z.number()]).nullable().optional().describe('True outcome, when known at serving time (else use the label feed).'),
  })
  .catchall(z.union([Scalar, z.array(z.number())]))
  .describe('One operational log row: the named columns plus one column per feature (proba_<class> columns are features of this shape too: double in [0, 1]).');

/** One row of the label feed: labels that arrive later, joined on request_id; the latest label_ts per id wins. */
export const LabelRecordSchema = z
  .object({
    request_id: z.union([z.string().min(1), z.number().int()]).describe('The id logged with the prediction.'),
    label: z.union([z.string(), z.number()]).describe('The true outcome.'),
    label_ts: z.iso.datetime({ offset: true }).optional().describe('When the label was recorded; the latest per id wins.'),
  })
  .strict();

export const ColumnVerdictSchema = z
  .object({
    key: ContractKeySchema,
    standard: z.string().describe('Standard name of the column.'),
    column: z.string().nullable().describe('The column actually used (role flag or standard name), null when absent.'),
    required: z.boolean(),
    present: z.boolean().describe('Present, of a usable type and not all null.'),
    count: z.number().int().optional().describe('For features and probabilities: how many columns.'),
    nullShare: z.number().min(0).max(1).optional(),
    problem: z.string().optional().describe('Why it is not usable, or a warning about its values.'),
  })
  .strict();

export const AnalysisVerdictSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    kind: z.string(),
    available: z.boolean().describe('The operational columns allow it.'),
    missing: z.array(ContractKeySchema).describe('Columns to add to unlock it.'),
    inputs: z.array(z.string()).describe('Other inputs it also needs at run time.'),
    note: z.string().optional(),
  })
  .strict();

export const ContractReportSchema = z
  .object({
    apiVersion: z.literal('moa/v1'),
    kind: z.literal('ContractReport'),
    contract: z.literal(CONTRACT_VERSION),
    uri: z.string(),
    rows: z.number().int(),
    minimumMet: z.boolean(),
    columns: z.array(ColumnVerdictSchema),
    analyses: z.array(AnalysisVerdictSchema),
    add: z
      .array(z.object({ key: ContractKeySchema, column: z.string(), type: z.string(), unlocks: z.array(z.string()) }).strict())
      .describe('What to add to the logging, and which analyses each addition unlocks.'),
    labels: z
      .object({ uri: z.string(), rows: z.number().int(), coverage: z.number().min(0).max(1), labelled: z.number().int() })
      .strict()
      .optional()
      .describe('The label feed, when one was given, and how many operational rows it labels.'),
  })
  .strict();
export type ContractReport = z.infer<typeof ContractReportSchema>;
export type ColumnVerdict = z.infer<typeof ColumnVerdictSchema>;
export type AnalysisVerdict = z.infer<typeof AnalysisVerdictSchema>;
