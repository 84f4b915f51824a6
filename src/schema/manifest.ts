import { z } from 'zod';
import { ConfigSchema } from './config.js';
import { DecisionSchema, InputRecordSchema } from './results.js';

/**
 * The retrain-config manifest: what the training stage reads. Written last, only on success.
 * `schemas/retrain-config.schema.json` is generated from this (`moa schema`); a test fails when they disagree.
 */
export const DataSourceSchema = z
  .object({
    role: z.enum(['reference', 'operational', 'validation']),
    uri: z.string(),
    use: z
      .enum(['all', 'labelled', 'none'])
      .describe('`all` rows, only `labelled` rows (operational data with labels), or `none` (excluded).'),
    rows: z.number().int().describe('Rows available in this source.'),
    reason: z.string().describe('Why this source is used this way.'),
  })
  .strict();

export const ManifestSchema = z
  .object({
    apiVersion: z.literal('moa/v1'),
    kind: z.literal('RetrainConfig'),
    metadata: z
      .object({
        runId: z.string(),
        createdAt: z.string().describe('ISO 8601 time the analysis finished.'),
        toolVersion: z.string(),
        trigger: z.record(z.string(), z.unknown()).optional().describe('What started the run (e.g. an alert).'),
        inputs: z.array(InputRecordSchema).describe('Every input object read, with its ETag where storage gives one.'),
        config: ConfigSchema.describe('The fully resolved configuration.'),
        resultsUri: z.string().describe('Where the full results are.'),
      })
      .strict(),
    decision: DecisionSchema,
    data: z
      .object({
        sources: z.array(DataSourceSchema),
        labelColumn: z.string().optional(),
        idColumn: z.string().optional(),
      })
      .strict(),
    training: z
      .object({
        task: z.enum(['classification', 'regression']).nullable(),
        newClasses: z.array(z.string()).describe('Classes to add to the model output.'),
        warmStart: z.boolean().describe('Whether fine-tuning the current model is advisable (no new classes, no broken data).'),
        hints: z.array(z.string()),
      })
      .strict(),
    evaluation: z
      .object({
        baseline: z.record(z.string(), z.number()).describe('Baseline metrics the retrained model should match or beat.'),
        acceptance: z.array(z.string()).describe('Acceptance criteria in words.'),
      })
      .strict(),
    plan: z
      .object({
        testsRun: z.number().int(),
        testsFull: z.number().int(),
        executed: z.array(z.string()),
        skipped: z.array(z.object({ id: z.string(), reason: z.string() }).strict()),
      })
      .strict(),
  })
  .strict();

export type Manifest = z.infer<typeof ManifestSchema>;
export type DataSource = z.infer<typeof DataSourceSchema>;
