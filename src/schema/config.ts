import { z } from 'zod';

/**
 * The step's configuration: the single source of truth for `--config` files (YAML or JSON) and for the flags,
 * which are mapped onto the same keys (flags win). The resolved config is recorded in results and manifest.
 */
export const FORMATS = ['parquet', 'arrow', 'csv', 'jsonl'] as const;
export const FormatSchema = z.enum(FORMATS).describe('Input file format; inferred from the file extension when absent.');

export const ColumnTypeSchema = z
  .enum(['numeric', 'categorical', 'boolean', 'timestamp', 'string'])
  .describe('Type override for a CSV / JSON Lines column (types are otherwise inferred).');

export const ColumnsSchema = z
  .object({
    label: z.string().min(1).optional().describe('Column holding the true label (target).'),
    prediction: z.string().min(1).optional().describe("Column holding the model's prediction."),
    proba: z
      .union([z.array(z.string().min(1)).min(1), z.string().min(1)])
      .optional()
      .describe('Class-probability columns: a list of names, or a name prefix such as `proba_` (class = rest of the name).'),
    timestamp: z.string().min(1).optional().describe('Column holding the event time of each row.'),
    id: z.string().min(1).optional().describe('Stable row id; joins predictions stored apart.'),
    categorical: z.array(z.string().min(1)).default([]).describe('Columns to treat as categorical even if numeric.'),
    ignore: z.array(z.string().min(1)).default([]).describe('Columns to leave out of the analysis.'),
    types: z.record(z.string(), ColumnTypeSchema).default({}).describe('Per-column type overrides for CSV / JSON Lines.'),
  })
  .strict()
  .default({ categorical: [], ignore: [], types: {} });

export const DriftConfigSchema = z
  .object({
    alpha: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.05)
      .describe('False discovery rate for the per-feature drift tests (Benjamini–Hochberg).'),
    minEffect: z
      .number()
      .min(0)
      .default(0.1)
      .describe(
        'Smallest practical effect for a feature to count as drifted: the KS statistic (numeric) or the total ' +
          'variation distance (categorical). Guards against "everything is significant" on large samples.',
      ),
    minRows: z.number().int().min(1).default(30).describe('Fewer rows on either side gives "insufficient data".'),
  })
  .strict()
  .default({ alpha: 0.05, minEffect: 0.1, minRows: 30 });

export const PerformanceConfigSchema = z
  .object({
    alpha: z.number().gt(0).lt(1).default(0.05).describe('Significance level of the one-sided test for a performance drop.'),
    maxDrop: z
      .number()
      .min(0)
      .default(0.05)
      .describe('Tolerated absolute accuracy drop (classification) or relative MAE increase (regression).'),
    minLabels: z.number().int().min(1).default(30).describe('Fewer labelled operational rows gives "insufficient data".'),
  })
  .strict()
  .default({ alpha: 0.05, maxDrop: 0.05, minLabels: 30 });

export const GatesConfigSchema = z
  .object({
    allowFailed: z
      .boolean()
      .default(false)
      .describe('Proceed to a retraining decision even when a data-quality gate fails (default: decide fix_data).'),
    minNewClassShare: z
      .number()
      .min(0)
      .max(1)
      .default(0.01)
      .describe('Share of labelled operational rows a new label value must reach to count as a new class.'),
  })
  .strict()
  .default({ allowFailed: false, minNewClassShare: 0.01 });

// ISO 8601 in UTC: a bare date is midnight; a date-time without an offset is read as UTC.
const Instant = z.union([z.iso.date(), z.iso.datetime({ offset: true, local: true })]);

export const WindowConfigSchema = z
  .object({
    since: Instant.optional().describe('Start of the operational time window (inclusive), e.g. 2026-01-05 or 2026-01-05T12:00:00Z.'),
    until: Instant.optional().describe('End of the operational time window (exclusive).'),
  })
  .strict()
  .default({})
  .describe(
    'Time window of the operational data: only date=/dt=/day= partitions that overlap it are listed and read, and ' +
      'rows are kept by the timestamp column when there is one. Absent: all the data under the URI.',
  );

export const LabelsConfigSchema = z
  .object({
    uri: z
      .string()
      .min(1)
      .optional()
      .describe('URI of a label feed (columns: the id, the label, the label time) joined onto the operational rows on the id column.'),
    timestamp: z.string().min(1).default('label_ts').describe('Label-time column of the feed; the latest label per id wins.'),
    minCoverage: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('Share of operational rows with a label below which the label join warns.'),
  })
  .strict()
  .default({ timestamp: 'label_ts', minCoverage: 0.5 });

export const TaskSchema = z.enum(['classification', 'regression']);

export const ConfigSchema = z
  .object({
    reference: z.string().min(1).describe('URI of the training (reference) data.'),
    operational: z.string().min(1).describe('URI of the operational (production) data.'),
    out: z.string().min(1).describe('URI prefix where outputs are written.'),
    validation: z.string().min(1).optional().describe("URI of held-out source data with the model's predictions and labels."),
    predictions: z.string().min(1).optional().describe('URI of operational predictions stored apart, joined on the id column.'),
    labels: LabelsConfigSchema,
    window: WindowConfigSchema,
    format: FormatSchema.optional(),
    task: TaskSchema.optional().describe('Inferred from the label / prediction column when absent.'),
    columns: ColumnsSchema,
    drift: DriftConfigSchema,
    performance: PerformanceConfigSchema,
    gates: GatesConfigSchema,
    outputParams: z.string().min(1).optional().describe('Directory for Argo/KFP output parameter files.'),
    full: z.boolean().default(false).describe('Run every test instead of stopping early.'),
    seed: z.number().int().default(42).describe('Seed for every random choice (subsampling, bootstrap).'),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
export type Format = z.infer<typeof FormatSchema>;
export type Task = z.infer<typeof TaskSchema>;
export type ColumnType = z.infer<typeof ColumnTypeSchema>;
