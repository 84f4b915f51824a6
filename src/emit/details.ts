/**
 * The `details` shapes that renderers (report, KFP metadata) give a dedicated treatment. Checks are free to carry
 * other details; a shape that does not parse here is shown generically instead of breaking the report, because
 * results.json may come from a newer or older moa. Documented in docs/artifacts.md.
 */
import { z } from 'zod';

// JSON has no NaN or Infinity: they arrive as null.
const num = z.number().nullable();
const finite = z.number();

export const NumericDistributionSchema = z
  .object({ kind: z.literal('numeric'), edges: z.array(finite), reference: z.array(finite), operational: z.array(finite) })
  .refine((d) => d.reference.length > 0 && d.reference.length === d.operational.length && d.edges.length === d.reference.length + 1, 'edges must be one longer than the bins');
export const CategoricalDistributionSchema = z
  .object({ kind: z.literal('categorical'), categories: z.array(z.string()), reference: z.array(finite), operational: z.array(finite), other: z.boolean().optional() })
  .refine((d) => d.categories.length > 0 && d.reference.length === d.categories.length && d.operational.length === d.categories.length, 'one share per category');
export const DistributionSchema = z.union([NumericDistributionSchema, CategoricalDistributionSchema]);
export type DistributionDetail = z.infer<typeof DistributionSchema>;

export const ConfusionMatrixSchema = z
  .object({ labels: z.array(z.string()), matrix: z.array(z.array(finite)) })
  .refine((m) => m.labels.length > 0 && m.matrix.length === m.labels.length && m.matrix.every((r) => r.length === m.labels.length), 'a square matrix with one row per label');
export type ConfusionMatrixDetail = z.infer<typeof ConfusionMatrixSchema>;

export const PerClassSchema = z.array(z.object({ class: z.string(), precision: num, recall: num, f1: num, support: finite }));
export type PerClassDetail = z.infer<typeof PerClassSchema>;

export const ReliabilitySchema = z.object({
  bins: z.array(z.object({ lo: finite, hi: finite, confidence: finite, accuracy: finite, count: finite })),
});

/** ROC points for binary classification (optional; feeds the KFP ClassificationMetrics curve). */
export const RocSchema = z.object({
  positive: z.string().optional(),
  points: z.array(z.object({ threshold: finite, tpr: finite, fpr: finite })).min(2),
  auc: num.optional(),
});
export type RocDetail = z.infer<typeof RocSchema>;

export const ImportanceSchema = z.array(z.object({ feature: z.string(), importance: finite }));

export const PriorsSchema = z.array(
  z.object({ class: z.string(), reference: finite, estimated: finite, lo: num.optional(), hi: num.optional(), weight: num.optional(), measured: num.optional() }),
);
export type PriorsDetail = z.infer<typeof PriorsSchema>;

/** A slice predicate is text ("age >= 40") or a structured condition. */
export const PredicateSchema = z.union([z.string(), z.object({ column: z.string(), op: z.string(), value: z.unknown() }).loose()]);
export const SlicesSchema = z.array(
  z.object({
    predicates: z.array(PredicateSchema),
    rows: finite,
    errorRate: num,
    baselineErrorRate: num,
    lift: num,
    pValue: num,
    adjustedPValue: num.optional(),
  }),
);
export type SlicesDetail = z.infer<typeof SlicesSchema>;

export const ClustersSchema = z.array(
  z.object({ size: finite, meanConfidence: num, rows: z.unknown().optional(), dominantLabel: z.string().nullable().optional(), estimatedRows: num.optional() }),
);

/** A drift statistic per time chunk (drift onset); `since` is the onset in epoch ms or ISO text, if found. */
export const ChunksSchema = z.array(z.object({ start: z.string(), statistic: num })).min(1);
export type ClustersDetail = z.infer<typeof ClustersSchema>;

/** Parse `details[key]` with `schema`; undefined when absent or not in the expected shape. */
export function detail<T>(details: Record<string, unknown> | undefined, key: string, schema: z.ZodType<T>): T | undefined {
  if (!details || !(key in details)) return undefined;
  const parsed = schema.safeParse(details[key]);
  return parsed.success ? parsed.data : undefined;
}
