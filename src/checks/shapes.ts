/**
 * `details` shapes shared by several check kinds (distributions, confusion matrices, reliability curves, …). The
 * report and the KFP metadata draw them; docs/artifacts.md describes them.
 */
import { z } from 'zod';
import { bool, int, num, numOrNull, text } from './envelope.js';

export const NumericDistribution = z.object({ kind: z.literal('numeric'), edges: z.array(num), reference: z.array(num), operational: z.array(num) }).strict();
export const CategoricalDistribution = z
  .object({ kind: z.literal('categorical'), categories: z.array(text), reference: z.array(num), operational: z.array(num), other: bool.optional() })
  .strict();
/** Proportions per bin or category, reference vs operational, for the report's charts. */
export const Distribution = z.discriminatedUnion('kind', [NumericDistribution, CategoricalDistribution]);
export type Distribution = z.infer<typeof Distribution>;

/** Counts of (true class, predicted class); rows = true class. */
export const ConfusionMatrix = z.object({ labels: z.array(text), matrix: z.array(z.array(num)) }).strict();
export const PerClass = z.array(z.object({ class: text, precision: numOrNull, recall: numOrNull, f1: numOrNull, support: num }).strict());
export const Reliability = z.object({ bins: z.array(z.object({ lo: num, hi: num, confidence: num, accuracy: num, count: num }).strict()) }).strict();
/**
 * A binary classifier's ROC and precision–recall curves on the labelled operational rows; `positive` is the class
 * whose probability is the score. `precision`, `averagePrecision` and the class counts came with the PR curve (older
 * results lack them).
 */
export const Roc = z
  .object({
    positive: text.optional(),
    points: z.array(z.object({ threshold: num, tpr: num, fpr: num, precision: num.optional() }).strict()),
    auc: numOrNull.optional(),
    averagePrecision: numOrNull.optional(),
    positives: int.optional(),
    negatives: int.optional(),
  })
  .strict();

/** The univariate drift test chosen from the registry for a column (analyze/registry.ts). */
export const DriftTest = z
  .object({
    id: z.enum(['ks', 'chi2', 'two_proportion']),
    kind: z.enum(['numeric', 'categorical', 'binary']),
    yields: z.literal('p_value'),
    effect: z.enum(['wasserstein_norm', 'jensen_shannon', 'proportion_diff']),
    alsoReports: z.array(text),
    describe: text,
  })
  .strict();
export type DriftTest = z.infer<typeof DriftTest>;

export const SkippedFeatures = z.array(z.object({ feature: text, reason: text }).strict());
export const Importance = z.array(z.object({ feature: text, importance: num }).strict());

export const Priors = z.array(
  z.object({ class: text, reference: num, estimated: num.optional(), lo: num.optional(), hi: num.optional(), weight: num, measured: num.optional() }).strict(),
);
export const Conditional = z.array(z.object({ class: text, pValue: num, distance: num, rows: int, adjustedPValue: num, changed: bool }).strict());
/** Label shift's premise on the inputs: the (class, feature) pairs whose distribution changed within the class. */
export const ConditionalFeatures = z.array(z.object({ class: text, feature: text, distance: num, pValue: num, adjustedPValue: num }).strict());

export const Slices = z.array(
  z
    .object({
      predicates: z.array(text),
      rows: int,
      operationalRows: int,
      errorRate: num,
      baselineRows: int,
      baselineErrorRate: num,
      lift: numOrNull,
      increase: num,
      pValue: num,
      adjustedPValue: num,
    })
    .strict(),
);

export const NoveltyClusters = z.array(
  z
    .object({
      size: int,
      share: num,
      estimatedRows: int,
      meanConfidence: numOrNull,
      rows: z.array(int),
      candidate: bool,
      dominantLabel: text.optional(),
      dominantLabelShare: num.optional(),
      dominantPrediction: text.optional(),
    })
    .strict(),
);
export type NoveltyCluster = z.infer<typeof NoveltyClusters>[number];

export const QualityFinding = z
  .object({
    check: z.enum(['empty', 'null_rate', 'out_of_range', 'scale_change', 'swapped_columns', 'constant', 'dominant_value', 'new_categories', 'vanished_categories']),
    status: z.enum(['warn', 'fail']),
    text: text,
    /** P(a result at least this extreme | no change) of the test behind the finding. */
    pValue: num.optional(),
  })
  .strict();
export type QualityFinding = z.infer<typeof QualityFinding>;
export const CategoryShares = z.array(z.object({ category: text, share: num }).strict());

export const ShiftEvidence = z.object({ shiftType: text, text: text, checks: z.array(text) }).strict();

export const CandidateScores = z.array(
  z.object({ name: text, description: text, rows: int, effectiveRows: numOrNull, metric: z.enum(['accuracy', 'mae']), value: num, recommended: bool }).strict(),
);
export const CandidateComparisons = z.array(
  z
    .object({ name: text, test: z.enum(['mcnemar_exact', 'paired_t']), n: int, better: int, worse: int, meanGain: num, pValue: num, adjustedP: num })
    .strict(),
);

/** One time chunk of operational rows: its window, performance against the baseline, and drift from the reference. */
export const EvidenceChunks = z.array(
  z
    .object({
      run: text.describe('The run that measured the chunk.'),
      start: num.describe('Window start (inclusive): epoch ms, or a row number without a timestamp.'),
      end: num.describe('Window end (exclusive).'),
      rows: int,
      labelled: int.describe('Rows with a label and a prediction: the performance sample.'),
      metric: numOrNull.describe('Accuracy (classification) or MAE (regression) of the chunk.'),
      variance: numOrNull.describe('Per-row variance of the metric in the chunk (p(1 − p), or of the absolute errors).'),
      drop: numOrNull.describe('Baseline − chunk accuracy, or chunk − baseline MAE: positive = worse.'),
      z: numOrNull.describe('The chunk’s drop over its standard error (baseline error included): the chunk alone.'),
      drift: numOrNull.describe('Largest KS statistic of a numeric feature against the reference.'),
      driftFeature: text.nullable(),
    })
    .strict(),
);
/** Earlier runs read through `--history`, and what each contributed. */
export const EvidenceHistory = z.array(
  z.object({ uri: text, runId: text, start: numOrNull, end: numOrNull, chunks: int, used: int, reason: text }).strict(),
);
