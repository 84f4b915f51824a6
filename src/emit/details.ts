/**
 * The `details` shapes that renderers (report, KFP metadata) give a dedicated treatment. Checks are free to carry
 * other details; a shape that does not parse here is shown generically instead of breaking the report, because
 * results.json may come from a newer or older moa. Documented in docs/artifacts.md.
 */
import { z } from 'zod';
import * as S from '../checks/shapes.js';
import { CHECKS } from '../checks/index.js';

// The renderers read the catalogue's own shapes (src/checks/shapes.ts), adding only the consistency a chart needs.

export const NumericDistributionSchema = S.NumericDistribution.refine(
  (d) => d.reference.length > 0 && d.reference.length === d.operational.length && d.edges.length === d.reference.length + 1,
  'edges must be one longer than the bins',
);
export const CategoricalDistributionSchema = S.CategoricalDistribution.refine(
  (d) => d.categories.length > 0 && d.reference.length === d.categories.length && d.operational.length === d.categories.length,
  'one share per category',
);
export const DistributionSchema = z.union([NumericDistributionSchema, CategoricalDistributionSchema]);
export type DistributionDetail = z.infer<typeof DistributionSchema>;

export const ConfusionMatrixSchema = S.ConfusionMatrix.refine(
  (m) => m.labels.length > 0 && m.matrix.length === m.labels.length && m.matrix.every((r) => r.length === m.labels.length),
  'a square matrix with one row per label',
);
export type ConfusionMatrixDetail = z.infer<typeof ConfusionMatrixSchema>;

export const PerClassSchema = S.PerClass;
export type PerClassDetail = z.infer<typeof PerClassSchema>;

export const ReliabilitySchema = S.Reliability;

/** ROC points for binary classification (feeds the KFP ClassificationMetrics curve): a curve needs two points. */
export const RocSchema = S.Roc.refine((r) => r.points.length >= 2, 'a curve needs two points');
export type RocDetail = z.infer<typeof RocSchema>;

export const ImportanceSchema = S.Importance;

export const PriorsSchema = S.Priors;
export type PriorsDetail = z.infer<typeof PriorsSchema>;

export const SlicesSchema = S.Slices;
export type SlicesDetail = z.infer<typeof SlicesSchema>;

export const ClustersSchema = S.NoveltyClusters;
export type ClustersDetail = z.infer<typeof ClustersSchema>;

/** A drift statistic per time chunk (drift onset), as the drift-onset entry declares it. */
export const ChunksSchema = CHECKS.driftOnset.details.chunks.min(1);

/** Parse `details[key]` with `schema`; undefined when absent or not in the expected shape. */
export function detail<T>(details: Record<string, unknown> | undefined, key: string, schema: z.ZodType<T>): T | undefined {
  if (!details || !(key in details)) return undefined;
  const parsed = schema.safeParse(details[key]);
  return parsed.success ? parsed.data : undefined;
}
