import { z } from 'zod';

/**
 * One result shape for every check. `error` means "could not run", not "failed"; `insufficient_data` too few rows to
 * judge; `degenerate` data on which the measure is undefined (one class, zero variance, a singular matrix): both
 * reach no verdict, and readers treat them alike.
 */
export const CHECK_STATUSES = ['pass', 'warn', 'fail', 'error', 'skipped', 'insufficient_data', 'degenerate'] as const;
export const CheckStatusSchema = z.enum(CHECK_STATUSES);
export type CheckStatus = z.infer<typeof CheckStatusSchema>;

export const STAGES = ['ingest', 'analyze', 'audit', 'decide', 'select'] as const;
export const StageSchema = z.enum(STAGES);
export type Stage = z.infer<typeof StageSchema>;

/** Figure types. JSON has no NaN or ±Infinity, so a figure that may have none is `nullable`, never NaN. */
export const num = z.number();
export const numOrNull = z.number().nullable();
export const int = z.number().int();
export const bool = z.boolean();
export const text = z.string();

/** A headline metric with its bootstrap interval: `name`, `name_lo`, `name_hi`. */
export function withInterval<const N extends string>(names: readonly N[]): Record<N | `${N}_lo` | `${N}_hi`, typeof num> {
  return Object.fromEntries(names.flatMap((n) => [n, `${n}_lo`, `${n}_hi`].map((k) => [k, num]))) as Record<N | `${N}_lo` | `${N}_hi`, typeof num>;
}

/** Prefix every key of a shape (`baseline_` for the baseline side of a comparison). */
export function prefixed<const P extends string, S extends Record<string, z.ZodType>>(prefix: P, shape: S): { [K in keyof S & string as `${P}${K}`]: S[K] } {
  return Object.fromEntries(Object.entries(shape).map(([k, v]) => [prefix + k, v])) as { [K in keyof S & string as `${P}${K}`]: S[K] };
}

/**
 * What a check ran on when the run read a profile (`--reference-profile` / `--operational-profile`): the sketches
 * (with the error bound folded into its decision), the profile's exact counts, or its uniform row sample. Absent
 * when every input was read as rows.
 */
export const BasisSchema = z
  .object({
    on: z.enum(['sketch', 'counts', 'sample']).describe('sketch: KLL quantile sketches; counts: exact counts kept in the profile; sample: the profile’s uniform row sample.'),
    text: z.string().describe('What that means for this check’s figures: the bound, the sample sizes.'),
    bound: num.optional().describe('For a KS statistic from sketches: the bound on |sketch KS − exact KS| (sum of both sketches’ rank-error bounds, each at 99 % confidence).'),
    sketchStatistic: num.optional().describe('The KS statistic between the two sketches, also when the decision was taken on the sample.'),
  })
  .strict();
export type Basis = z.infer<typeof BasisSchema>;

/** What one catalogue entry states: everything a producer may write and a reader may read for one check kind. */
export interface CheckSpec<K extends string, S extends Stage, F extends z.ZodRawShape, T extends z.ZodRawShape, D extends z.ZodRawShape> {
  kind: K;
  stage: S;
  /** What the check measures, in one or two sentences (docs/checks.md). */
  measures: string;
  /** Figures, each optional: which ones a result carries depends on its status (skipped, insufficient data, …). */
  figures: F;
  /** Thresholds applied to reach the status. */
  threshold: T;
  /** Larger structured data; keys that a result may leave out are `.optional()` in the shape. */
  details: D;
  /** Which decisions and outputs read this kind (docs/checks.md). */
  readBy: readonly string[];
}

/** The result envelope of one kind: the shared fields, with its own kind, stage, figures, threshold and details. */
function envelopeOf<K extends string, S extends Stage, F extends z.ZodRawShape, T extends z.ZodRawShape, D extends z.ZodRawShape>(spec: CheckSpec<K, S, F, T, D>) {
  return z
    .object({
      id: z.string().describe('Stable id, e.g. `drift.feature.age`; decisions point to these.'),
      stage: z.literal(spec.stage),
      kind: z.literal(spec.kind).describe(spec.measures),
      subject: z.string().optional().describe('The column or class the check is about.'),
      status: CheckStatusSchema,
      method: z.string().optional().describe('The test or metric actually used.'),
      figures: z.object(spec.figures).partial().strict().describe('The numbers behind the status (statistic, p-value, effect, …).'),
      threshold: z.object(spec.threshold).partial().strict().optional().describe('Thresholds applied to reach the status.'),
      summary: z.string().describe('One human sentence.'),
      details: z.object(spec.details).strict().optional().describe('Larger structured data (tables, lists).'),
      basis: BasisSchema.optional().describe('Present when the run read a profile: what the check ran on, and with what error bound.'),
    })
    .strict();
}

/** A catalogue entry: the spec and the zod schema of its results. */
export type CheckEntry<K extends string = string, S extends Stage = Stage, F extends z.ZodRawShape = z.ZodRawShape, T extends z.ZodRawShape = z.ZodRawShape, D extends z.ZodRawShape = z.ZodRawShape> = CheckSpec<K, S, F, T, D> & {
  schema: ReturnType<typeof envelopeOf<K, S, F, T, D>>;
};

export function defineCheck<const K extends string, const S extends Stage, F extends z.ZodRawShape, T extends z.ZodRawShape, D extends z.ZodRawShape>(spec: CheckSpec<K, S, F, T, D>): CheckEntry<K, S, F, T, D> {
  return { ...spec, schema: envelopeOf(spec) };
}
