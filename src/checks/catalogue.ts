/**
 * The catalogue of check kinds: one entry per kind, saying what it measures, the shape of its figures, thresholds
 * and details, and who reads it. Producers build results through these entries and readers query them
 * (query.ts), so a kind, figure or details key that is not written here does not compile. results.json's JSON
 * Schema and docs/checks.md are generated from this file.
 */
import { z } from 'zod';
import { bool, defineCheck, int, num, numOrNull, prefixed, text, withInterval } from './envelope.js';
import * as S from './shapes.js';

const sizes = { nReference: int, nOperational: int };
/** Which input the operational data is compared with (`reference` or `validation`): the pair a check rests on. */
const baselineSource = z.enum(['reference', 'validation']);

export const ingestJoin = defineCheck({
  kind: 'join',
  stage: 'ingest',
  measures: 'How many operational rows found their prediction when predictions are stored apart and joined on the id column (`--predictions`).',
  figures: { matched: int, rows: int, coverage: num },
  threshold: {},
  details: { columns: z.array(text) },
  readBy: ['report (data quality)'],
});

export const labelJoin = defineCheck({
  kind: 'label_join',
  stage: 'ingest',
  measures: 'Coverage of the late label feed joined on the id column (`--labels`), overall and per day; fails when no id matches.',
  figures: { rows: int, labelled: int, coverage: num, fromFeed: int, feedRows: int, feedIds: int, unmatchedIds: int, superseded: int },
  threshold: { minCoverage: num },
  details: { uri: text, byDay: z.array(z.object({ day: text, rows: int, labelled: int, coverage: num }).strict()), dayFrom: text.nullable() },
  readBy: ['report (data quality)'],
});

export const contract = defineCheck({
  kind: 'contract',
  stage: 'ingest',
  measures: 'Which analyses the logged operational columns allow under the operational data contract (informational, never a gate).',
  figures: { minimumMet: bool, available: int, unavailable: int },
  threshold: {},
  details: {
    columns: z.array(z.object({}).loose()),
    analyses: z.array(z.object({ id: text, title: text, kind: text, available: bool, missing: z.array(text), inputs: z.array(text), note: text.optional() }).strict()),
    add: z.array(z.object({}).loose()),
  },
  readBy: ['report (data quality)'],
});

export const schemaGate = defineCheck({
  kind: 'schema',
  stage: 'analyze',
  measures: 'Gate: every reference feature column is present in the operational data with the same kind.',
  figures: { features: int, missing: int, retyped: int, added: int },
  threshold: {},
  details: {
    missing: z.array(text),
    retyped: z.array(z.object({ column: text, reference: text, operational: text }).strict()),
    added: z.array(text),
    missingOutputs: z.array(text),
  },
  readBy: ['plan: gates stop the plan on fail (fix_data)', 'decide: fix_data', 'decide: shift type data_quality'],
});

export const dataQuality = defineCheck({
  kind: 'data_quality',
  stage: 'analyze',
  measures:
    'Gate per feature (null share, reference range, magnitude / unit change, swapped columns, new categories, constancy), each a test with its p-value under "no change", Bonferroni over the gate tests within the gates\' α; duplicated rows, and the label set.',
  figures: {
    ...sizes,
    /** The smallest p-value of the column's gate tests (each is also given below). */
    pValue: num,
    nullShareReference: num,
    nullShareOperational: num,
    nullPValue: num,
    constantPValue: num,
    /** The most frequent operational value's share on each side, and the test of its rise (numeric columns). */
    dominantShareReference: num,
    dominantShareOperational: num,
    dominantPValue: num,
    outOfRangeShare: num,
    outOfRangePValue: num,
    magnitudeRatio: num,
    scalePValue: num,
    rescaledKs: num,
    unitFactor: num,
    unitKsBefore: num,
    unitKsAfter: num,
    swapKs: num,
    swapPValue: num,
    swapCrossKs: num,
    newCategories: int,
    newCategoryShare: num,
    newCategoryPValue: num,
    vanishedCategories: int,
    vanishedCategoryShare: num,
    vanishedCategoryPValue: num,
    renameProfileDistance: num,
    referenceInBlocks: bool,
    duplicateShareReference: num,
    duplicateShareOperational: num,
    referenceClasses: int,
    operationalClasses: int,
    added: int,
    vanished: int,
  },
  threshold: {
    alpha: num,
    alphaPerTest: num,
    tests: int,
    maxNullIncrease: num,
    warnNullIncrease: num,
    maxOutOfRange: num,
    scaleRatio: num,
    unitRatio: num,
    unitTolerance: num,
    unitOutsideShare: num,
    unitShapeKs: num,
    unitRescaledKs: num,
    dominantShare: num,
    renameProfileDistance: num,
    maxDuplicateShare: num,
  },
  details: {
    findings: z.array(S.QualityFinding).optional(),
    referenceRange: z.tuple([num, num]).optional(),
    unitConversion: text.optional(),
    swappedWith: text.optional(),
    newCategories: S.CategoryShares.optional(),
    vanishedCategories: S.CategoryShares.optional(),
    added: z.array(text).optional(),
    vanished: z.array(text).optional(),
  },
  readBy: ['plan: gates stop the plan on fail (fix_data)', 'decide: fix_data', 'decide: shift type data_quality', 'select: rows excluded by a failed null-rate gate', 'summary: warnings'],
});

export const featureDrift = defineCheck({
  kind: 'feature_drift',
  stage: 'analyze',
  measures:
    'Per-feature drift by the registry test (KS, chi-square, two-proportion), Benjamini–Hochberg across features; fails when significant and the effect (on its own scale, see threshold) reaches its floor.',
  figures: {
    ...sizes,
    statistic: num,
    pValue: num,
    adjustedPValue: num,
    effect: num,
    wassersteinNorm: num,
    wasserstein: num,
    referenceSd: num,
    psi: num,
    subsampled: bool,
    jensenShannon: num,
    linf: num,
    tvd: num,
    categories: int,
    proportionDiff: num,
    dof: num,
    pooledCategories: int,
  },
  threshold: { minRows: int, alpha: num, minEffect: num, testedFeatures: int },
  details: { test: S.DriftTest.optional(), distribution: S.Distribution.optional() },
  readBy: ['decide: covariate shift, reasons', 'decide: shift diagnosis', 'select: drift onset and recent window', 'manifest: hints', 'report and KFP metrics'],
});

export const outputDrift = defineCheck({
  kind: 'output_drift',
  stage: 'analyze',
  measures:
    'Black-box shift detection: KS on each class probability (Bonferroni) or on regression outputs, chi-square on the predicted classes; operational outputs against the validation data\'s when it holds them, else the reference\'s (`baselineSource`, whose rows `nReference` counts); skipped, saying which input lacks them, when neither does.',
  figures: { ...sizes, statistic: num, pValue: num, adjustedPValue: num, dof: num, jensenShannon: num, baselineSource },
  threshold: { minRows: int, alpha: num, minEffect: num, tests: int },
  details: { distribution: S.Distribution.optional() },
  readBy: ['plan: harm step (no evidence of harm stops the plan)', 'decide: collect_labels without labels', 'decide: shift diagnosis (covariate)'],
});

export const multivariateDrift = defineCheck({
  kind: 'multivariate_drift',
  stage: 'analyze',
  measures: 'Joint change of the features: a cross-validated domain classifier (AUC) and PCA reconstruction error against reference chunks.',
  figures: {
    ...sizes,
    auc: num,
    pValue: num,
    foldAucs: text,
    folds: int,
    features: int,
    encodedWidth: int,
    operationalError: num,
    referenceError: num,
    errorRatio: numOrNull,
    /** The 1 − α quantile of the permutation draws' means: given when every planned draw was made. */
    chunkThreshold: num,
    /** Permutation draws made: fewer than planned (`threshold.chunks`) when p was sure to exceed α. */
    draws: int,
    components: int,
  },
  threshold: { minRows: int, alpha: num, minAuc: num, maxRows: int, minErrorRatio: num, chunks: int, variance: num },
  details: { importance: S.Importance.optional(), skippedFeatures: S.SkippedFeatures.optional() },
  readBy: ['decide: covariate shift, reasons', 'decide: shift diagnosis', 'select: density-ratio weights'],
});

export const tensorDrift = defineCheck({
  kind: 'tensor_drift',
  stage: 'analyze',
  measures: 'Drift of tensor columns (images, embeddings): KS per principal component (BH) and an MMD permutation test, each at α/2.',
  figures: {
    ...sizes,
    size: int,
    components: int,
    explainedVariance: num,
    driftedComponents: int,
    significantComponents: int,
    maxKs: num,
    minAdjustedPValue: num,
    mmd2: num,
    mmdPValue: num,
    mmdRows: int,
  },
  threshold: { minRows: int, alpha: num, minEffect: num, permutations: int },
  details: { components: z.array(z.object({ component: int, varianceShare: num, statistic: num, pValue: num, adjustedPValue: num }).strict()) },
  readBy: ['report'],
});

export const newClasses = defineCheck({
  kind: 'new_classes',
  stage: 'analyze',
  measures: 'Classes in the operational labels that the training labels (the reference\'s, else the validation data\'s: `baselineSource`) never had, with their share.',
  figures: { labelled: int, newClasses: int, newClassRows: int, baselineSource },
  threshold: { minShare: num },
  details: { classes: z.array(z.object({ name: text, count: int, share: num }).strict()), reported: z.array(text) },
  readBy: ['plan: label-shift step skipped when it fails', 'decide: retrain / collect_labels (new_class)', 'manifest: training.newClasses', 'CBPE: no-novelty assumption'],
});

export const novelty = defineCheck({
  kind: 'novelty',
  stage: 'analyze',
  measures: 'Operational rows farther from every reference row than the reference itself (beta-binomial test), grouped into candidate new classes.',
  figures: {
    ...sizes,
    novelShare: num,
    referenceNovelShare: num,
    excessShare: num,
    pValue: num,
    distanceThreshold: num,
    components: int,
    clusters: int,
    candidateClusters: int,
    silhouette: numOrNull,
    space: text,
  },
  threshold: { minRows: int, quantile: num, alpha: num, minShare: num, minClusterShare: num },
  details: { clusters: S.NoveltyClusters },
  readBy: ['decide: reasons for collect_labels', 'select: label queue'],
});

const classMetrics = { ...withInterval(['accuracy', 'balancedAccuracy', 'macroF1', 'logLoss', 'brier', 'ece']), microF1: num };
const regressionMetrics = withInterval(['mae', 'rmse', 'r2', 'bias']);

export const performance = defineCheck({
  kind: 'performance',
  stage: 'audit',
  measures:
    'Measured performance on labelled operational rows against the baseline (accuracy or MAE with bootstrap intervals); one-sided z-test of the drop, failing when significant and beyond `maxDrop`.',
  figures: {
    ...classMetrics,
    ...regressionMetrics,
    ...prefixed('baseline_', { ...classMetrics, ...regressionMetrics }),
    ...withInterval(['drop']),
    labelled: int,
    rows: int,
    coverage: num,
    baselineSource: text,
    z: num,
    pValue: num,
    /** The absolute floor: error of the best constant predictor, the model's error on the same rows, the constant. */
    floor: num,
    floorModel: num,
    floorConstant: text,
    floorPValue: num,
  },
  threshold: { minLabels: int, alpha: num, dropAlpha: num, floorAlpha: num, floorMargin: num, maxDrop: num, level: num, bootstrap: int },
  details: {
    perClass: S.PerClass.optional(),
    confusionMatrix: S.ConfusionMatrix.optional(),
    reliability: S.Reliability.optional(),
    baselinePerClass: S.PerClass.optional(),
    baselineReliability: S.Reliability.optional(),
    roc: S.Roc.optional(),
  },
  readBy: ['plan: harm step', 'decide: retrain on a measured drop; enough labels', 'decide: shift diagnosis (concept)', 'manifest: baseline and acceptance, labelled rows'],
});

export const evidenceOverTime = defineCheck({
  kind: 'evidence_over_time',
  stage: 'audit',
  measures:
    'Performance and drift per time chunk of the operational data (row order without a timestamp), with chunks of earlier runs of the same model (`--history`), each window counted once; one-sided z-test of the pooled chunk deficit against the baseline (the baseline’s own error counted once), failing when significant at its α and the pooled drop reaches `minDrop` over at least `minChunks` chunks.',
  figures: {
    chunks: int,
    chunkRows: int,
    historyRuns: int,
    historyChunks: int,
    overlapping: int,
    pooledChunks: int,
    pooledRows: int,
    baseline: num,
    baselineRows: int,
    drop: num,
    relativeDrop: num,
    standardError: num,
    z: num,
    pValue: num,
    maxDrift: num,
  },
  threshold: { alpha: num, minDrop: num, minChunks: int, maxChunks: int },
  details: {
    axis: z.enum(['time', 'rows']).describe('What chunk windows are measured in: event time (epoch ms) or row numbers.'),
    baselineKey: text.describe('Which baseline (model and validation data) the deficits are against: history counts only runs with the same key.'),
    baselineVariance: num,
    chunks: S.EvidenceChunks.describe('This run’s chunks, oldest first.'),
    pooled: S.EvidenceChunks.describe('The chunks the test pooled: earlier runs’ and this run’s, each window once, oldest first.'),
    history: S.EvidenceHistory,
  },
  readBy: ['plan: harm step (a failing trend is evidence of harm)', 'decide: retrain on a persistent decline', 'report: per-chunk series', '--history: later runs pool its chunks'],
});

export const estimatedPerformance = defineCheck({
  kind: 'estimated_performance',
  stage: 'audit',
  measures:
    'Accuracy estimated without labels (CBPE): calibrated on the labelled validation rows with probabilities, applied to the operational rows with probabilities (`baselineSource` validation); the assumptions it rests on and the evidence for each.',
  figures: {
    baselineSource,
    ...withInterval(['accuracy', 'macroF1', 'estimatedOnLabelled']),
    balancedAccuracy: num,
    rows: int,
    validationRows: int,
    operationalRows: int,
    baseline_accuracy: num,
    baseline_macroF1: num,
    drop: num,
    measuredAccuracy: num,
    measuredWithinInterval: bool,
    labelled: int,
    assumptionsHold: bool,
    outsideValidationRange: num,
    pValue: num,
  },
  threshold: { minLabels: int, alpha: num, maxDrop: num, level: num, bootstrap: int },
  details: {
    confusionMatrix: S.ConfusionMatrix,
    perClass: S.PerClass,
    assumptions: z.array(z.object({ assumption: text, holds: bool.nullable(), evidence: text }).strict()),
  },
  readBy: ['plan: harm step', 'decide: collect_labels on an estimated drop', 'decide: shift diagnosis (concept, when measured accuracy falls below the estimate)'],
});

export const calibration = defineCheck({
  kind: 'calibration',
  stage: 'audit',
  measures: 'Top-label expected calibration error on labelled operational rows against the baseline, with a bootstrap interval of the change.',
  figures: { ...withInterval(['ece', 'baseline_ece', 'increase']), labelled: int, baselineRows: int, baselineSource: text },
  threshold: { minLabels: int, alpha: num, maxEceIncrease: num, level: num, bootstrap: int, bins: int },
  details: { reliability: S.Reliability, baselineReliability: S.Reliability },
  readBy: ['plan: harm step', 'decide: recalibrate'],
});

export const labelShift = defineCheck({
  kind: 'label_shift',
  stage: 'audit',
  measures:
    'Label shift: with enough operational labels, measured priors (training labels — the reference\'s, else the validation data\'s: `baselineSource` — vs operational labels, chi-square), weights w(y) = q/p from them and whether the premise held: p(x|y) per class and feature on the same labelled rows, and p(ŷ|y) per class where validation predictions exist; without, BBSE estimates the priors and weights and tests whether the reweighted validation outputs match the operational ones (figure `pure`). `priorsSource` says which.',
  figures: {
    baselineSource,
    classes: int,
    conditionNumber: num,
    clipped: int,
    unstableReplicates: int,
    priorDistance: num,
    /** Whether the class shares changed: chi-square and per-class tests, Bonferroni over the two (src/stats/class-share-change.ts). */
    pValue: num,
    /** The chi-square part alone, and the class whose share moved most by its own test. */
    omnibusPValue: num,
    mostChangedClass: text,
    expectedAccuracy: num,
    validationRows: int,
    operationalRows: int,
    /** Labelled rows of the training-prior source (`baselineSource`) when the priors are measured. */
    baselineRows: int,
    measuredPriorMaxError: num,
    measuredPriorsCovered: int,
    conditionalClassesTested: int,
    conditionalShiftClasses: int,
    /** (class, feature) tests of p(x | y) unchanged, and how many found a shift (details.conditionalFeatures). */
    conditionalFeatureTests: int,
    conditionalFeatureShifts: int,
    consistentWithLabelShift: bool,
    reweightedOutputsPValue: num,
    reweightedOutputsStatistic: num,
    /** Where the priors, their test and the weights come from: `measured` operational labels, else the BBSE estimate. */
    priorsSource: text,
    /** Whether a prior shift alone explains what changed: labels confirm p(ŷ|y) held, or the reweighted outputs match. */
    pure: bool,
  },
  threshold: { minLabels: int, alpha: num, minPriorChange: num, maxCondition: num, level: num, bootstrap: int },
  details: { priors: S.Priors, conditional: S.Conditional.optional(), conditionalFeatures: S.ConditionalFeatures.optional() },
  readBy: ['plan: a pure prior shift stops the plan (reweight)', 'decide: reweight', 'decide: shift diagnosis (label)', 'select: class weights'],
});

export const sliceDegradation = defineCheck({
  kind: 'slice_degradation',
  stage: 'audit',
  measures: 'Slices (conjunctions of feature predicates) whose error rose against the same slice on the baseline: split-sample one-sided z-tests, Benjamini–Hochberg.',
  figures: { labelled: int, baselineRows: int, searched: int, errorRate: num, baselineErrorRate: num, metric: text, candidates: int, tested: int, degraded: int, reported: int },
  threshold: { fdr: num, minSupport: int, minIncrease: num, maxPredicates: int, beam: int },
  details: { slices: S.Slices },
  readBy: ['decide: reasons, shift diagnosis (concept)', 'select: targeted rows, label queue', 'manifest: evaluation.slicesToWatch'],
});

export const shiftDiagnosis = defineCheck({
  kind: 'shift_diagnosis',
  stage: 'decide',
  measures: 'Which kind of shift the evidence points to (data quality, new class, label, concept, covariate): a reading of the other checks, not a test.',
  figures: { shiftType: text, alternatives: text },
  threshold: {},
  details: { shiftType: text, alternatives: z.array(text), evidence: z.array(S.ShiftEvidence) },
  readBy: ['decide: decision.shiftType'],
});

export const driftOnset = defineCheck({
  kind: 'drift_onset',
  stage: 'select',
  measures: 'When persistent drift began in the operational window: the largest KS statistic of the drifted features per time chunk.',
  figures: { onsetChunk: int, chunks: int, onset: text.nullable() },
  threshold: { minEffect: num },
  details: { chunks: z.array(z.object({ start: text, statistic: num }).strict()), since: num.nullable() },
  readBy: ['select: recent window candidate', 'manifest: data.window'],
});

export const proxyComparison = defineCheck({
  kind: 'proxy_comparison',
  stage: 'select',
  measures: 'Candidate training selections scored with a proxy model on the most recent labelled rows, each compared with naive refitting (Holm).',
  figures: { candidates: int, holdout: int, best: num, naive: num, current: num, pValue: num },
  threshold: {},
  details: { candidates: S.CandidateScores, comparisons: S.CandidateComparisons },
  readBy: ['manifest: evaluation.proxy, data.weights'],
});

/** Every entry, in the order of the data flow; the union of their result schemas is a check result. */
export const CATALOGUE = [
  ingestJoin,
  labelJoin,
  contract,
  schemaGate,
  dataQuality,
  featureDrift,
  outputDrift,
  multivariateDrift,
  tensorDrift,
  newClasses,
  novelty,
  performance,
  evidenceOverTime,
  estimatedPerformance,
  calibration,
  labelShift,
  sliceDegradation,
  shiftDiagnosis,
  driftOnset,
  proxyComparison,
] as const;
