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
    id: z.string().min(1).optional().describe('Stable row id; joins predictions stored apart and the label feed, and identifies the selected rows.'),
    modelVersion: z
      .string()
      .min(1)
      .optional()
      .describe('Column holding the serving model version (registry version, image digest or git sha); kept out of the features, so a rollout is not read as drift.'),
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
      .optional()
      .describe('False discovery rate for the per-feature drift tests (Benjamini–Hochberg). Overrides the plan’s error budget for this family; absent (the default), the plan gives it half of the drift step’s share: 0.005 of plan.alpha 0.05 (docs/plan.md). An explicit value is used as it is and the plan’s total α grows or shrinks by the difference (results.json plan.alpha).'),
    minEffect: z
      .object(
        {
          wassersteinNorm: z
            .number()
            .min(0)
            .default(0.1)
            .describe('Numeric features: Wasserstein distance in reference standard deviations. 0.1 = the mass moved by a tenth of a standard deviation on average (a mean shift of 0.1 σ).'),
          jensenShannon: z
            .number()
            .min(0)
            .max(1)
            .default(0.1)
            .describe('Categorical features: Jensen–Shannon distance, base 2, in [0, 1]. 0.1 ≈ 12 % of the rows moving between two even categories, or 5 % leaving a 10 % category.'),
          proportionDiff: z
            .number()
            .min(0)
            .max(1)
            .default(0.1)
            .describe('Binary features: absolute difference of the two proportions. 0.1 = ten percentage points.'),
        },
        { error: 'drift.minEffect takes one threshold per measure, as the measures are on different scales: { wassersteinNorm, jensenShannon, proportionDiff }' },
      )
      .strict()
      .prefault({})
      .describe(
        'Smallest practical effect for a feature to count as drifted, one per measure (each on its own scale). ' +
          'Guards against "everything is significant" on large samples.',
      ),
    minRows: z.number().int().min(1).default(30).describe('Fewer rows on either side gives "insufficient data".'),
    maxRows: z
      .number()
      .int()
      .min(100)
      .default(200_000)
      .describe('Per-feature cap on rows per side; larger inputs are subsampled (seeded) before testing. Bounds time on millions of rows.'),
    minExpected: z
      .number()
      .min(0)
      .default(5)
      .describe('Categories whose expected count falls below this in either sample are pooled into one "rare" cell before the chi-square test.'),
  })
  .strict()
  .default({ minEffect: { wassersteinNorm: 0.1, jensenShannon: 0.1, proportionDiff: 0.1 }, minRows: 30, maxRows: 200_000, minExpected: 5 });

/** ANALYZE beyond per-feature drift: data-quality gates, model outputs, multivariate, tensors, novelty (docs/analyze.md). */
export const AnalyzeConfigSchema = z
  .object({
    quality: z
      .object({
        alpha: z
          .number()
          .gt(0)
          .lt(1)
          .optional()
          .describe('Family-wise level of the data-quality gates: every gate test (null share, constancy, range, scale / unit, swapped columns, new and vanished categories) runs at this α divided by the number of gate tests (Bonferroni). Absent (the default), the plan gives the gates 5 % of its error budget (docs/plan.md). An explicit value is used as it is and the plan’s total α grows or shrinks by the difference (results.json plan.alpha).'),
        maxNullIncrease: z.number().min(0).max(1).default(0.2).describe('Gate fails when a column\'s share of null / NaN / ±Inf values rises significantly (beta-binomial test within the gates\' α) and by at least this much (absolute).'),
        warnNullIncrease: z.number().min(0).max(1).default(0.05).describe('Warn when the null share rises significantly and by at least this much.'),
        maxOutOfRange: z.number().min(0).max(1).default(0.05).describe('Warn when significantly more than the reference\'s share, and more than this share, of operational values lies beyond the reference 0.1–99.9 percentiles.'),
        renameProfileDistance: z
          .number()
          .min(0)
          .max(1)
          .default(0.1)
          .describe('A re-encoding (gate fails) needs as many new categories as vanished ones, both significant, and their shares sorted in decreasing order within this total-variation distance of each other: old names mapped one to one onto new ones. New categories without that signature warn.'),
        warnNewCategoryShare: z.number().min(0).max(1).default(0.01).describe('Warn when significant new or vanished categories reach this share.'),
        scaleRatio: z.number().gt(1).default(100).describe('Gate fails when typical magnitudes (median |x| of the non-zero values) differ significantly by at least this factor and most values left the reference range: a likely scale change.'),
        unitRatio: z
          .number()
          .gt(1)
          .default(10)
          .describe('A significant magnitude change from this factor on fails when most values left the reference range and the values rescaled by the observed factor have the reference shape (a scale change that is no listed unit, e.g. a normalisation dropped); warns otherwise.'),
        unitTolerance: z
          .number()
          .gt(0)
          .lt(1)
          .default(0.1)
          .describe('Relative distance of the magnitude ratio from a unit conversion factor (10, 1000, 3.6, 2.2046 …) within which the conversion is a candidate: 9.99 is ×10. On small samples the window widens by three standard errors of the mean log magnitude ratio (at most ×2 either way).'),
        unitOutsideShare: z.number().min(0).max(1).default(0.5).describe('Share of operational values outside the reference 0.1–99.9 % range that a scale change without a listed factor, a factor below 3 or an offset conversion (°C → °F) must move.'),
        unitShapeKs: z.number().min(0).max(1).default(0.1).describe('Largest KS statistic between the reference and the operational values with the conversion undone that still counts as the same shape, or the two-sample KS critical value at 1 % when that is larger (small samples); it must also be at most half the KS statistic before undoing.'),
        unitRescaledKs: z
          .number()
          .min(0)
          .max(1)
          .default(0.2)
          .describe('When no listed conversion explains a change by at least `unitRatio` and at least `unitOutsideShare` of the values left the reference range: the largest KS statistic, once rescaled by the magnitude ratio or by location and scale (a dropped normalisation), that still counts as the same shape. Looser than `unitShapeKs` because most values leaving the range is itself strong evidence; a season of drift on top of the change (Bike Sharing temp ×47 − 8) leaves KS 0.14.'),
        dominantShare: z
          .number()
          .gt(0)
          .max(1)
          .default(0.2)
          .describe('Gate fails when one value fills at least this share of a numeric column\'s operational values, at least ten times its reference share, significantly (beta-binomial, Bonferroni over the distinct operational values, within the gates\' α), in a column with at least 20 distinct reference values: a source stuck, or nulls filled with a default, in part of the rows. Warns instead when the reference holds the column in blocks over time.'),
        maxDuplicateShare: z.number().min(0).max(1).default(0.5).describe('Gate fails when at least this share of operational rows repeat an earlier row (and the reference has far fewer).'),
        maxRows: z.number().int().min(100).default(200_000).describe('Rows per side for the per-column gate statistics; larger inputs are subsampled (seeded). Duplicates are counted on all rows, up to the first 2 000 000.'),
      })
      .strict()
      .prefault({}),
    outputDrift: z
      .object({
        alpha: z.number().gt(0).lt(1).optional().describe('Family-wise level of the model-output tests: KS per class probability is Bonferroni-corrected. Overrides the plan’s error budget for the output tests; absent (the default), the plan gives it an even part of the harm step’s share (docs/plan.md). An explicit value is used as it is and the plan’s total α grows or shrinks by the difference (results.json plan.alpha).'),
        minEffect: z
          .object(
            {
              ks: z.number().min(0).max(1).default(0.1).describe('Class probabilities and regression outputs: the KS statistic, the largest gap between the two CDFs. 0.1 = ten percentage points at some threshold.'),
              jensenShannon: z.number().min(0).max(1).default(0.1).describe('Predicted classes: the Jensen–Shannon distance (base 2) of the predicted-class mix; 0.1 as for categorical features.'),
            },
            { error: 'analyze.outputDrift.minEffect takes one threshold per measure: { ks, jensenShannon }' },
          )
          .strict()
          .prefault({})
          .describe('Smallest change of the model outputs that counts as drift, one per measure (each on its own scale).'),
      })
      .strict()
      .prefault({}),
    multivariate: z
      .object({
        alpha: z.number().gt(0).lt(1).optional().describe('Level of the domain-classifier AUC test and of the PCA reconstruction test (each). Overrides the plan’s error budget for each of these two tests; absent (the default), the plan gives it an eighth of the drift step’s share (docs/plan.md). An explicit value is used as it is and the plan’s total α grows or shrinks by the difference (results.json plan.alpha).'),
        minAuc: z.number().min(0.5).max(1).default(0.6).describe('Smallest cross-validated AUC of the domain classifier that counts as drift (0.5 = indistinguishable).'),
        maxRows: z.number().int().min(100).default(5000).describe('Rows per side in the stratified subsample the domain classifier trains on.'),
        folds: z.number().int().min(2).max(10).default(2).describe('Cross-validation folds of the domain classifier; the test is Bonferroni over folds, so few large folds keep power.'),
        epochs: z.number().int().min(1).default(20).describe('Training epochs of the domain classifier (softmax regression).'),
        variance: z.number().gt(0).max(1).default(0.9).describe('Share of reference variance the PCA for the reconstruction test keeps.'),
        chunks: z.number().int().min(20).default(200).describe('Fewest permutation draws of the reconstruction test (rows drawn from both sides pooled); it always makes at least 20/α, so its p-value can reach its α.'),
        minErrorRatio: z.number().min(1).default(1.1).describe('Smallest ratio of operational to reference mean reconstruction error that counts as drift.'),
      })
      .strict()
      .prefault({}),
    tensor: z
      .object({
        alpha: z.number().gt(0).lt(1).optional().describe('Level of each tensor column’s test: half to the per-component KS tests (Benjamini–Hochberg), half to the MMD test. Overrides the plan’s error budget for the tensor tests; absent (the default), the plan gives it a quarter of the drift step’s share (docs/plan.md). An explicit value is used as it is and the plan’s total α grows or shrinks by the difference (results.json plan.alpha).'),
        components: z.number().int().min(1).max(100).default(20).describe('Principal components fitted on the reference sample.'),
        maxRows: z.number().int().min(50).default(2000).describe('Rows per side used for PCA and the KS tests.'),
        mmdRows: z.number().int().min(20).default(500).describe('Rows per side in the MMD permutation test (its cost grows with the square).'),
        permutations: z.number().int().min(19).default(200).describe('Permutations of the MMD test.'),
        minEffect: z.number().min(0).default(0.05).describe('Smallest KS statistic on a component that counts as drift (a new class making up a share s of the rows moves a component by at most s).'),
      })
      .strict()
      .prefault({}),
    novelty: z
      .object({
        quantile: z.number().gt(0.5).lt(1).default(0.99).describe('A point is novel when its distance to the nearest reference point exceeds this quantile of the reference\'s own nearest-neighbour distances.'),
        alpha: z.number().gt(0).lt(1).optional().describe('Level of the beta-binomial test that more points are novel than the quantile lets through. Overrides the plan’s error budget for this test; absent (the default), the plan gives it the novelty step’s share, 0.0025 of plan.alpha 0.05 (docs/plan.md). An explicit value is used as it is and the plan’s total α grows or shrinks by the difference (results.json plan.alpha).'),
        minShare: z.number().min(0).max(1).default(0.01).describe('Smallest excess share of novel operational rows (beyond the 1 − quantile expected) for the check to fail.'),
        minClusterShare: z.number().min(0).max(1).default(0.005).describe('Smallest share of scored operational rows a cluster of novel rows needs to be listed as a candidate new class.'),
        components: z.number().int().min(1).max(100).default(20).describe('Principal components of the space distances are measured in.'),
        maxRows: z.number().int().min(100).default(3000).describe('Reference rows indexed, and operational rows scored, at most.'),
        maxClusters: z.number().int().min(1).max(20).default(6).describe('Most k-means clusters tried on the novel points (k chosen by silhouette).'),
        representatives: z.number().int().min(1).default(20).describe('Row indices kept per cluster for the label queue (nearest the centre first).'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export const PerformanceConfigSchema = z
  .object({
    alpha: z.number().gt(0).lt(1).optional().describe('Significance level of each one-sided harm test on the model’s predictions: measured performance drop, CBPE drop, calibration. Overrides the plan’s error budget for each of these tests; absent (the default), the plan gives it an even part of the harm step’s share (docs/plan.md). An explicit value is used as it is and the plan’s total α grows or shrinks by the difference (results.json plan.alpha).'),
    maxDrop: z
      .number()
      .min(0)
      .default(0.05)
      .describe('Tolerated absolute accuracy drop (classification) or relative MAE increase (regression).'),
    minLabels: z.number().int().min(1).default(30).describe('Fewer labelled operational rows gives "insufficient data".'),
    floorMargin: z
      .number()
      .min(0)
      .lt(1)
      .default(0.05)
      .describe('Absolute floor: the share of the best constant predictor’s error (majority class; median target) the model must remove on the labelled operational rows. A model significantly short of it fails the performance check (retrain), whatever its baseline. On heavily imbalanced classes a useful model may trade accuracy for recall: lower it, or set 0 to flag only models worse than the constant.'),
  })
  .strict()
  .default({ maxDrop: 0.05, minLabels: 30, floorMargin: 0.05 });

export const EvidenceConfigSchema = z
  .object({
    alpha: z.number().gt(0).lt(1).optional().describe('Level of the one-sided test of the pooled chunk deficit (evidence over time, docs/plan.md). Overrides the plan’s error budget for this test; absent (the default), the plan gives it the evidence step’s share, 0.005 of plan.alpha 0.05. An explicit value is used as it is and the plan’s total α grows or shrinks by the difference (results.json plan.alpha).'),
    minDrop: z
      .number()
      .min(0)
      .default(0.02)
      .describe('Smallest pooled drop (absolute accuracy, or relative MAE increase) that counts as a persistent decline. Lower than performance.maxDrop, which guards one noisy window: a drop shown over many chunks is real at a smaller size.'),
    minChunks: z.number().int().min(2).default(3).describe('Fewest chunks (this run’s and earlier runs’ together) the pooled test needs: a decline must persist, not sit in one chunk.'),
    maxChunks: z.number().int().min(1).max(100).default(10).describe('Most chunks one run’s operational data is cut into.'),
  })
  .strict()
  .default({ minDrop: 0.02, minChunks: 3, maxChunks: 10 })
  .describe(
    'Evidence over time: the operational rows are cut into time chunks (row order without a timestamp), each with at least 4·v/maxDrop² labelled rows (v: the baseline’s per-row variance), so a chunk alone can show a drop of maxDrop at about two standard errors; performance and drift are reported per chunk, and the pooled deficit over chunks (with earlier runs’ through `history`) is tested.',
  );

const SliceConfigSchema = z
  .object({
    maxPredicates: z.number().int().min(1).max(3).default(3).describe('Longest conjunction of predicates searched (SliceLine-style).'),
    bins: z.number().int().min(2).max(20).default(5).describe('Quantile bins per numeric feature (edges from the labelled operational rows).'),
    minSupport: z.number().int().min(5).default(50).describe('Fewest labelled operational rows a slice must hold to be considered.'),
    fdr: z.number().gt(0).lt(1).optional().describe('False discovery rate (Benjamini–Hochberg) over the slices tested against the baseline. Overrides the plan’s error budget for this family; absent (the default), the plan gives it the slices step’s share (docs/plan.md). An explicit value is used as it is and the plan’s total α grows or shrinks by the difference (results.json plan.alpha).'),
    minIncrease: z.number().min(0).max(1).default(0.05).describe('Smallest rise in slice error rate (operational minus baseline) that counts as degraded.'),
    scoreAlpha: z.number().gt(0).lt(1).default(0.95).describe('SliceLine weight of error lift against slice size in the search score.'),
    beam: z.number().int().min(1).default(30).describe('Slices kept per level and extended by one more predicate; also the number tested.'),
    maxFeatures: z.number().int().min(1).default(40).describe('Features searched (those with the best single-predicate slices).'),
    maxRows: z.number().int().min(100).default(200000).describe('Labelled operational rows searched (a seeded subsample above this).'),
    top: z.number().int().min(1).default(10).describe('Degraded slices reported.'),
  })
  .strict()
  .default({ maxPredicates: 3, bins: 5, minSupport: 50, minIncrease: 0.05, scoreAlpha: 0.95, beam: 30, maxFeatures: 40, maxRows: 200000, top: 10 });

export const AuditConfigSchema = z
  .object({
    level: z.number().gt(0).lt(1).default(0.95).describe('Confidence level of every AUDIT interval (bootstrap percentile or normal).'),
    bootstrap: z.number().int().min(20).default(200).describe('Bootstrap replicates for intervals.'),
    bootstrapMaxRows: z
      .number()
      .int()
      .min(100)
      .default(100000)
      .describe('Rows resampled per replicate by the row bootstraps (regression metrics, CBPE refits); above this a seeded subsample is used and the spread rescaled by sqrt(m/n). Classification metrics, calibration and BBSE draw their replicates as counts over cells and use every row.'),
    calibrationBins: z.number().int().min(2).max(100).default(10).describe('Equal-width confidence bins of the reliability curve and ECE.'),
    maxEceIncrease: z.number().min(0).max(1).default(0.05).describe('Tolerated rise in expected calibration error, operational vs baseline.'),
    maxCondition: z
      .number()
      .min(1)
      .default(200)
      .describe('Largest condition number of the validation confusion matrix for which BBSE label-shift estimates are trusted.'),
    minPriorChange: z
      .number()
      .min(0)
      .max(1)
      .default(0.05)
      .describe('Smallest total-variation distance between baseline and estimated class priors that counts as label shift.'),
    slices: SliceConfigSchema,
  })
  .strict()
  .default({
    level: 0.95,
    bootstrap: 200,
    bootstrapMaxRows: 100000,
    calibrationBins: 10,
    maxEceIncrease: 0.05,
    maxCondition: 200,
    minPriorChange: 0.05,
    slices: { maxPredicates: 3, bins: 5, minSupport: 50, minIncrease: 0.05, scoreAlpha: 0.95, beam: 30, maxFeatures: 40, maxRows: 200000, top: 10 },
  });

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
    column: z
      .string()
      .min(1)
      .optional()
      .describe('Label column of the feed, when it is named differently from the label column (`columns.label`, else `label`) it fills.'),
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

export const SelectConfigSchema = z
  .object({
    labelBudget: z.number().int().min(0).default(200).describe('How many operational rows the label queue may hold.'),
    holdoutShare: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.2)
      .describe('Share of the most recent labelled operational rows held out to judge candidate selections.'),
    minHoldout: z.number().int().min(1).default(30).describe('Fewest held-out rows for a candidate comparison.'),
    maxTrainRows: z.number().int().min(100).default(20000).describe('Bound on proxy-model training rows (deterministic subsample).'),
    targetedWeight: z.number().min(1).default(3).describe('Weight of operational rows in degraded slices or new-class clusters.'),
    weightClip: z.number().min(1).default(10).describe('Importance and class weights are clipped to [1/weightClip, weightClip].'),
    format: z
      .enum(['parquet', 'csv'])
      .default('parquet')
      .describe('File format of the selection files (selection/weights, label-queue, validation): Parquet, or CSV for readers without a Parquet library.'),
  })
  .strict()
  .default({ labelBudget: 200, holdoutShare: 0.2, minHoldout: 30, maxTrainRows: 20000, targetedWeight: 3, weightClip: 10, format: 'parquet' });

export const PlanConfigSchema = z
  .object({
    alpha: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.05)
      .describe(
        'One error budget for the whole plan, split across its steps by Bonferroni (docs/plan.md): data gates 5 %, evidence ' +
          'over time 10 %, harm and change detection 40 %, label shift 10 %, feature, multivariate and tensor drift 20 %, novelty 5 %, weak slices 10 %. ' +
          'It is the default of every per-check alpha; one set explicitly is used as it is instead of its share.',
      ),
  })
  .strict()
  .default({ alpha: 0.05 });

const GIB = 2 ** 30;
export const LimitsConfigSchema = z
  .object({
    maxObjectBytes: z.number().int().min(1).default(4 * GIB).describe('Largest stored object (as stored, before decompression) an input may have, in bytes.'),
    maxDecodedBytes: z.number().int().min(1).default(4 * GIB).describe('Largest size of one object after decompression, in bytes; inflating stops there.'),
    maxInflateRatio: z.number().min(1).default(50).describe('Largest ratio of decompressed to compressed bytes, enforced once an object inflates past 64 MiB (stops gzip bombs early).'),
    maxRows: z.number().int().min(1).default(100_000_000).describe('Most rows one input may have.'),
    maxColumns: z.number().int().min(1).default(20_000).describe('Most columns one input may have.'),
    maxCategories: z.number().int().min(1).default(5_000_000).describe('Most distinct values one categorical column may have.'),
  })
  .strict()
  .default({ maxObjectBytes: 4 * GIB, maxDecodedBytes: 4 * GIB, maxInflateRatio: 50, maxRows: 100_000_000, maxColumns: 20_000, maxCategories: 5_000_000 })
  .describe('Bounds on what one input may cost to read; past one, the run stops with a named error (exit 3) instead of running out of memory.');

export const TaskSchema = z.enum(['classification', 'regression']);

export const ConfigSchema = z
  .object({
    reference: z.string().min(1).optional().describe('URI of the training (reference) data (or give referenceProfile).'),
    operational: z.string().min(1).optional().describe('URI of the operational (production) data (or give operationalProfile).'),
    referenceProfile: z
      .string()
      .min(1)
      .optional()
      .describe('URI of a profile of the reference data (`moa profile` / `moa merge`, made once at training time) used instead of `reference`: checks run on its sketches and counts, and those that need rows on its uniform sample (docs/profiles.md).'),
    operationalProfile: z.string().min(1).optional().describe('URI of a profile of the operational data used instead of `operational` (docs/profiles.md).'),
    out: z.string().min(1).describe('URI prefix where outputs are written.'),
    validation: z.string().min(1).optional().describe("URI of held-out source data with the model's predictions and labels."),
    predictions: z.string().min(1).optional().describe('URI of operational predictions stored apart, joined on the id column.'),
    labels: LabelsConfigSchema,
    window: WindowConfigSchema,
    format: FormatSchema.optional(),
    task: TaskSchema.optional().describe('Inferred from the label / prediction column when absent.'),
    columns: ColumnsSchema,
    limits: LimitsConfigSchema,
    drift: DriftConfigSchema,
    performance: PerformanceConfigSchema,
    evidence: EvidenceConfigSchema,
    history: z
      .string()
      .min(1)
      .optional()
      .describe('URI prefix of earlier runs’ outputs (their results.json): their chunks of the same model and baseline are pooled with this run’s, each time window once (evidence over time).'),
    audit: AuditConfigSchema,
    gates: GatesConfigSchema,
    analyze: AnalyzeConfigSchema,
    outputParams: z.string().min(1).optional().describe('Directory for Argo/KFP output parameter files.'),
    select: SelectConfigSchema,
    plan: PlanConfigSchema,
    full: z.boolean().default(false).describe('Run every test instead of stopping early.'),
    seed: z.number().int().default(42).describe('Seed for every random choice (subsampling, bootstrap).'),
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const side of ['reference', 'operational'] as const) {
      const given = [config[side], config[`${side}Profile`]].filter((v) => v !== undefined).length;
      if (given !== 1) ctx.addIssue({ code: 'custom', path: [side], message: given === 0 ? `give ${side} (rows) or ${side}Profile` : `give ${side} or ${side}Profile, not both` });
    }
  });

export type Config = z.infer<typeof ConfigSchema>;
export type AnalyzeConfig = z.infer<typeof AnalyzeConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
export type Format = z.infer<typeof FormatSchema>;
export type Task = z.infer<typeof TaskSchema>;
export type LimitsConfig = z.infer<typeof LimitsConfigSchema>;
export type AuditConfig = z.infer<typeof AuditConfigSchema>;
export type ColumnType = z.infer<typeof ColumnTypeSchema>;
