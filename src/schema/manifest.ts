import { z } from 'zod';
import { ConfigSchema } from './config.js';
import { DecisionSchema, InputRecordSchema, PlanSchema } from './results.js';
import { CandidateScoreSchema, ClassWeightingSchema, ClassWeightsSchema } from './selection.js';

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
    rows: z
      .number()
      .int()
      .describe('Rows of this source to train on: with a selection, exactly its rows from this source (data.weights.bySource); else the rows available.'),
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
        features: z.array(z.string()).describe('The model input columns, in reference column order: read these from the source objects.'),
        labelColumn: z.string().optional(),
        idColumn: z.string().optional(),
        window: z
          .object({ since: z.string().nullable().describe('Train on operational rows from here on (start of persistent drift).') })
          .strict()
          .nullable(),
        weights: z
          .object({
            uri: z
              .string()
              .describe(
                'The training rows, one per line: source (reference|operational), uri (the object the row was read from), ' +
                  'row (its row number in that object, 0-based, header not counted), id (the id column, else uri#row), label ' +
                  '(as the run saw it: from the label feed where it supplied one), weight. The validation rows are included ' +
                  '(see validation.afterAcceptance).',
              ),
            format: z.enum(['parquet', 'csv']),
            rows: z.number().int(),
            weightSum: z.number().positive().describe('Sum of the weight column.'),
            effectiveRows: z
              .number()
              .min(0)
              .describe("Kish's effective sample size of the weight column, (Σw)²/Σw²: how many equally weighted rows the weighted rows are worth (≤ rows)."),
            bySource: z.object({ reference: z.number().int(), operational: z.number().int() }).strict().describe('Rows per source in the file.'),
            candidate: z.string().describe('The selection these rows and weights implement.'),
            reason: z.string().describe('Why this candidate: the proxy comparison on the newest labelled rows, or the fallback without a hold-out.'),
          })
          .strict()
          .nullable(),
        exclusions: z.array(z.object({ source: z.string(), rows: z.number().int(), reason: z.string(), check: z.string() }).strict()),
        validation: z
          .object({
            uri: z.string().describe('source, uri, row, id, label of the held-out most recent labelled operational rows (same format as weights).'),
            rows: z.number().int(),
            since: z.string().nullable(),
            afterAcceptance: z
              .enum(['train', 'hold_out'])
              .describe(
                '`train`: fit on the weights rows without these rows, check the acceptance criteria on them, then refit ' +
                  'on every weights row (they are in the weights file, weighted by the same rule) — they are the most ' +
                  'recent labelled data. `hold_out`: they are not in the weights file; keep them out of training.',
              ),
          })
          .strict()
          .nullable(),
        labelQueue: z
          .object({ uri: z.string().describe('uri, row, id, reason (novel|slice|uncertain), score (same format as weights).'), rows: z.number().int(), budget: z.number().int() })
          .strict()
          .nullable(),
      })
      .strict(),
    training: z
      .object({
        task: z.enum(['classification', 'regression']).nullable(),
        newClasses: z.array(z.string()).describe('Classes to add to the model output.'),
        classWeights: ClassWeightsSchema.nullable().describe(
          'Per-class loss weights w(y) = q(y)/p(y) for every class in the reference or operational labels, clipped to ' +
            '[1/clip, clip] (never zero): only when the label-shift check found a prior shift and its premise test passed; ' +
            'from the measured operational labels where there are some, else from BBSE. Null otherwise — ' +
            'classWeighting.reason says why. Already in the weights file for the class_weighted candidate: apply them only without a weights file.',
        ),
        classWeighting: ClassWeightingSchema,
        warmStart: z.boolean().describe('Whether fine-tuning the current model is advisable (no new classes, no broken data).'),
        hints: z.array(z.string()),
      })
      .strict(),
    evaluation: z
      .object({
        baseline: z.record(z.string(), z.number()).describe('Baseline metrics the retrained model should match or beat.'),
        acceptance: z.array(z.string()).describe('Acceptance criteria in words.'),
        proxy: z.array(CandidateScoreSchema).describe('How each candidate selection scored with the proxy model on held-out recent rows.'),
        slicesToWatch: z.array(z.string()).describe('Slices that degraded: evaluate the retrained model on them.'),
      })
      .strict(),
    plan: PlanSchema,
  })
  .strict()
  .superRefine((m, ctx) => {
    for (const problem of manifestProblems(m)) ctx.addIssue({ code: 'custom', message: problem });
  });

export type Manifest = z.infer<typeof ManifestSchema>;
export type DataSource = z.infer<typeof DataSourceSchema>;

/**
 * What moa guarantees of every manifest it writes, beyond the field types: `ManifestSchema.parse` (run before the
 * manifest is written) rejects a manifest that breaks one. Returns one message per broken rule.
 */
export function manifestProblems(m: {
  decision: { action: string };
  data: { sources: { role: string; rows: number }[]; weights: { rows: number; effectiveRows: number; bySource: { reference: number; operational: number } } | null };
  training: { classWeights: Record<string, number> | null; classWeighting: { source: string | null; clip: number } };
}): string[] {
  const problems: string[] = [];
  const { classWeights, classWeighting } = m.training;
  if ((classWeights === null) !== (classWeighting.source === null)) problems.push('training.classWeights and training.classWeighting.source must be both set or both null');
  for (const [cls, w] of Object.entries(classWeights ?? {})) {
    // A relative slack for the float round trip of 1/clip.
    if (!(w >= (1 / classWeighting.clip) * (1 - 1e-12) && w <= classWeighting.clip * (1 + 1e-12))) problems.push(`class weight of ${cls} is ${w}, outside [1/${classWeighting.clip}, ${classWeighting.clip}]`);
  }
  if (m.decision.action === 'reweight' && !classWeights) problems.push('a reweight decision needs class weights');
  const w = m.data.weights;
  if (w) {
    if (w.bySource.reference + w.bySource.operational !== w.rows) problems.push('data.weights.bySource does not add up to data.weights.rows');
    if (w.effectiveRows > w.rows * (1 + 1e-9)) problems.push('data.weights.effectiveRows exceeds data.weights.rows');
    for (const role of ['reference', 'operational'] as const) {
      const source = m.data.sources.find((s) => s.role === role);
      if (source && source.rows !== w.bySource[role]) problems.push(`data.sources ${role} says ${source.rows} rows, the weights file holds ${w.bySource[role]}`);
    }
  }
  return problems;
}
