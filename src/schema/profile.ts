import { z } from 'zod';

/**
 * A profile: everything the checks that can run without rows need from one shard (or from many, merged), in one
 * small JSON object. Sketch arrays are base64 of little-endian Float64 / Uint8 bytes (exact, and ±Infinity
 * survive); scalars that may be non-finite are numbers or the strings "Infinity", "-Infinity", "NaN".
 * See docs/profiles.md.
 */
export const PROFILE_FORMAT_VERSION = 1;

const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/).describe('base64 of little-endian bytes');
export const JsonFloatSchema = z.union([z.number(), z.enum(['Infinity', '-Infinity', 'NaN'])]);
const Count = z.number().int().min(0);

export const MomentsSchema = z
  .object({
    count: Count.describe('Non-null values.'),
    nulls: Count,
    min: JsonFloatSchema.describe('Smallest value ("Infinity" when there is none).'),
    max: JsonFloatSchema.describe('Largest value ("-Infinity" when there is none).'),
    sum: z.tuple([JsonFloatSchema, JsonFloatSchema]).describe('Neumaier-compensated sum: value and compensation.'),
    sumSquares: z.tuple([JsonFloatSchema, JsonFloatSchema]).describe('Compensated sum of squares.'),
  })
  .strict();

export const KllProfileSchema = z
  .object({
    k: z.number().int().min(8),
    n: Count,
    min: JsonFloatSchema,
    max: JsonFloatSchema,
    seed: z.number().int().min(1).describe('Coin state of the compactor (uint32).'),
    levels: z.array(Base64).describe('Level h: retained items of weight 2^h (Float64, ascending).'),
    rankError: z.number().describe('Normalized rank error bound at 99 % confidence over all queries (kllRankError(k)).'),
  })
  .strict();

export const HllProfileSchema = z
  .object({
    precision: z.number().int().min(4).max(18),
    registers: Base64.describe('2^precision one-byte registers.'),
    estimate: z.number().describe('Distinct values (estimate; relative standard error in relativeStandardError).'),
    relativeStandardError: z.number(),
  })
  .strict();

export const FrequentProfileSchema = z
  .object({
    capacity: z.number().int().min(1),
    total: Count,
    errorBound: z.number().min(0).describe('0 = every count exact; else each count may be under by at most this.'),
    items: z.array(z.tuple([z.string(), z.number()])).describe('[value, count] by count descending, then value.'),
  })
  .strict();

export const HistogramProfileSchema = z
  .object({
    edges: z.array(z.number()).describe('Inner edges, strictly increasing; bins are right-closed (as PSI).'),
    counts: z.array(Count).describe('edges.length + 1 exact counts.'),
  })
  .strict();

export const NumericProfileSchema = z
  .object({
    name: z.string(),
    kind: z.enum(['numeric', 'timestamp']),
    integer: z.boolean().describe('Every part held integers only.'),
    moments: MomentsSchema,
    quantiles: KllProfileSchema,
    distinct: HllProfileSchema,
    histogram: HistogramProfileSchema.optional().describe('Present when the profile was made with --edges.'),
  })
  .strict();

export const CategoricalProfileSchema = z
  .object({
    name: z.string(),
    kind: z.literal('categorical'),
    boolean: z.boolean(),
    count: Count,
    nulls: Count,
    frequent: FrequentProfileSchema,
    distinct: HllProfileSchema,
  })
  .strict();

export const OtherProfileSchema = z
  .object({
    name: z.string(),
    kind: z.literal('other'),
    type: z.enum(['tensor', 'null', 'unsupported']).describe('Columns no sketch covers; only their presence is recorded.'),
    rows: Count,
  })
  .strict();

export const ColumnProfileSchema = z.discriminatedUnion('kind', [NumericProfileSchema, CategoricalProfileSchema, OtherProfileSchema]);

export const OutputsProfileSchema = z
  .object({
    label: z.string().optional(),
    prediction: z.string().optional(),
    confusion: z
      .array(z.tuple([z.string(), z.string(), Count]))
      .describe('[label, prediction, rows] for rows with both (label-major order): the confusion cells per class.'),
    calibration: z
      .object({
        bins: z.number().int().min(2),
        probaColumns: z.array(z.tuple([z.string(), z.string()])).describe('[column, class].'),
        count: z.array(Count).describe('Rows per equal-width bin of the top-class probability.'),
        sumConfidence: z.array(z.number()),
        labelled: z.array(Count),
        correct: z.array(Count).describe('Labelled rows whose top class is the label.'),
      })
      .strict()
      .optional(),
  })
  .strict();

export const SampleProfileSchema = z
  .object({
    capacity: z.number().int().min(0),
    keys: Base64.describe('Uniform keys of the kept rows, ascending (Float64): the sample is the rows with the smallest keys.'),
    columns: z.record(
      z.string(),
      z.union([
        z.object({ numeric: Base64.describe('Float64 values, NaN = null') }).strict(),
        z.object({ categorical: z.array(z.string().nullable()) }).strict(),
      ]),
    ),
  })
  .strict();

export const ProfileSchema = z
  .object({
    apiVersion: z.literal('moa/v1'),
    kind: z.literal('Profile'),
    formatVersion: z.literal(PROFILE_FORMAT_VERSION),
    toolVersion: z.string(),
    rows: Count,
    settings: z
      .object({
        kllK: z.number().int(),
        hllPrecision: z.number().int(),
        categoryCapacity: z.number().int(),
        sampleSize: z.number().int(),
        calibrationBins: z.number().int(),
      })
      .strict()
      .describe('Sketch sizes: profiles merge only with equal settings.'),
    sources: z.array(z.object({ uri: z.string(), bytes: Count, etag: z.string().optional() }).strict()).describe('Objects read, over every merged shard.'),
    columns: z.array(ColumnProfileSchema),
    outputs: OutputsProfileSchema.optional(),
    sample: SampleProfileSchema,
  })
  .strict();

export type Profile = z.infer<typeof ProfileSchema>;
export type ColumnProfile = z.infer<typeof ColumnProfileSchema>;
export type NumericProfile = z.infer<typeof NumericProfileSchema>;
export type CategoricalProfile = z.infer<typeof CategoricalProfileSchema>;
export type OutputsProfile = z.infer<typeof OutputsProfileSchema>;
export type SampleProfile = z.infer<typeof SampleProfileSchema>;
