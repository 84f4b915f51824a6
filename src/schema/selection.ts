import { z } from 'zod';

/** What SELECT chose: in results.json (`selection`) and, with file URIs, in the manifest's `data`. */
export const CandidateScoreSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    rows: z.number().int().describe('Training rows (after the bound on proxy training size).'),
    metric: z.enum(['accuracy', 'mae']),
    value: z.number(),
    recommended: z.boolean(),
  })
  .strict();

export const SelectionSchema = z
  .object({
    recommended: z.string().nullable().describe('The candidate whose rows and weights are in the selection file (selection/weights.parquet or .csv).'),
    description: z.string(),
    candidates: z.array(CandidateScoreSchema).describe('Proxy-model comparison on the most recent labelled rows held out.'),
    window: z.object({ since: z.string().nullable().describe('Start of persistent drift, when a timestamp exists.') }).strict(),
    weights: z
      .object({ rows: z.number().int(), reference: z.number().int(), operational: z.number().int(), weightSum: z.number().describe('Sum of the weights of the selected rows.') })
      .strict(),
    classWeights: z.record(z.string(), z.number()).nullable(),
    exclusions: z.array(z.object({ source: z.string(), rows: z.number().int(), reason: z.string(), check: z.string() }).strict()),
    labelQueue: z.object({ rows: z.number().int(), budget: z.number().int(), byReason: z.record(z.string(), z.number()) }).strict(),
    validation: z.object({ rows: z.number().int(), since: z.string().nullable() }).strict(),
  })
  .strict();

export type Selection = z.infer<typeof SelectionSchema>;
export type CandidateScoreRecord = z.infer<typeof CandidateScoreSchema>;
