import { z } from 'zod';

/** What SELECT chose: in results.json (`selection`) and, with file URIs, in the manifest's `data`. */
export const CandidateScoreSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    rows: z.number().int().describe('Training rows (after the bound on proxy training size).'),
    effectiveRows: z
      .number()
      .min(0)
      .nullable()
      .describe("Kish's effective sample size of those rows' weights, (Σw)²/Σw²: equal to rows when unweighted, smaller the more the weights vary (null for the deployed model)."),
    metric: z.enum(['accuracy', 'mae']),
    value: z.number(),
    recommended: z.boolean(),
  })
  .strict();

/** Per-class loss weights: positive and finite for every class present in the reference or operational labels. */
export const ClassWeightsSchema = z.record(z.string(), z.number().positive().finite());

export const ClassWeightingSchema = z
  .object({
    source: z
      .enum(['measured', 'estimated'])
      .nullable()
      .describe('`measured`: w(y) from the operational labels; `estimated`: from BBSE (no labels to measure); null: no class weights.'),
    reason: z.string().describe("Why these class weights, or why none: the label-shift check's verdict and premise test, contradictions with the measured labels, clipping."),
    clip: z.number().min(1).describe('Weights are clipped to [1/clip, clip] (select.weightClip).'),
    effectiveRows: z.number().min(0).nullable().describe("Kish's effective sample size of the labelled reference rows under the class weights (null without class weights)."),
  })
  .strict();

export const SelectionSchema = z
  .object({
    recommended: z.string().nullable().describe('The candidate whose rows and weights are in the selection file (selection/weights.parquet or .csv).'),
    description: z.string(),
    candidates: z.array(CandidateScoreSchema).describe('Proxy-model comparison on the most recent labelled rows held out.'),
    window: z.object({ since: z.string().nullable().describe('Start of persistent drift, when a timestamp exists.') }).strict(),
    weights: z
      .object({
        rows: z.number().int(),
        reference: z.number().int(),
        operational: z.number().int(),
        weightSum: z.number().describe('Sum of the weights of the selected rows.'),
        effectiveRows: z.number().min(0).describe("Kish's effective sample size of the selected rows' weights, (Σw)²/Σw²."),
      })
      .strict(),
    reason: z.string().describe('Why the recommended candidate was chosen (proxy comparison on the newest labelled rows, or the fallback without a hold-out).'),
    classWeights: ClassWeightsSchema.nullable().describe('The class weights the run supports (see classWeighting), or null.'),
    classWeighting: ClassWeightingSchema,
    exclusions: z.array(z.object({ source: z.string(), rows: z.number().int(), reason: z.string(), check: z.string() }).strict()),
    labelQueue: z.object({ rows: z.number().int(), budget: z.number().int(), byReason: z.record(z.string(), z.number()) }).strict(),
    validation: z.object({ rows: z.number().int(), since: z.string().nullable() }).strict(),
  })
  .strict();

export type Selection = z.infer<typeof SelectionSchema>;
export type CandidateScoreRecord = z.infer<typeof CandidateScoreSchema>;
