/**
 * ANALYZE, in plan order: gates (schema + data quality) → model outputs (BBSD) → per-feature drift →
 * multivariate drift → tensor drift → new classes / novelty. Each entry point is pure over in-memory datasets,
 * takes its randomness from `config.seed`, and returns CheckResult[] plus what later stages need.
 * Kinds and `details` shapes are listed in docs/analyze.md.
 */
import type { Dataset, Roles } from '../ingest/dataset.js';
import { familyAlpha } from '../schema/alpha.js';
import type { Config } from '../schema/config.js';
import type { CheckResult } from '../checks/index.js';
import { domainClassifier } from './domain-classifier.js';
import { featureDrift } from './drift.js';
import { newClassesFromLabels } from './new-classes.js';
import { novelty } from './novelty.js';
import { outputDrift } from './output-drift.js';
import { dataQuality } from './quality.js';
import { reconstructionDrift } from './reconstruction.js';
import { compareSchema } from './schema.js';
import { tensorDrift } from './tensor-drift.js';

export { compareSchema } from './schema.js';
export { dataQuality, invalidRows, type QualityFinding } from './quality.js';
export { featureDrift, numericDistribution, categoricalDistribution, poolRare, type Distribution } from './drift.js';
export { DRIFT_TESTS, columnKind, type DriftTest, type ColumnKind } from './registry.js';
export { outputDrift } from './output-drift.js';
export { domainClassifier, type DomainModel, type DomainClassifierOutcome } from './domain-classifier.js';
export { reconstructionDrift } from './reconstruction.js';
export { tensorDrift } from './tensor-drift.js';
export { novelty, type NoveltyCluster } from './novelty.js';
export { newClassesFromLabels } from './new-classes.js';
export { mmdPermutationTest, type MmdResult } from './mmd.js';
export { fitPca, project, type Pca } from './pca.js';

/** Gates, run first: `schema.columns` (kind schema) and `quality.*` (kind data_quality). A `fail` means broken data. */
export function analyzeGates(reference: Dataset, operational: Dataset, roles: Roles, config: Config) {
  return [compareSchema(reference, operational, roles), ...dataQuality(reference, operational, roles, config.analyze.quality, config.seed, familyAlpha(config).gates)];
}

/**
 * Drift of the model's outputs (`drift.output.*`, kind output_drift) against the validation data's outputs, else
 * the reference's; empty without prediction / probability roles.
 */
export function analyzeOutputs(reference: Dataset, operational: Dataset, roles: Roles, config: Config, alpha = familyAlpha(config).outputDrift, validation?: Dataset) {
  return outputDrift(reference, operational, roles, { ...config.analyze.outputDrift, alpha }, config.drift, config.seed, validation);
}

/** Per-feature drift (`drift.feature.*`, kind feature_drift). */
export function analyzeFeatures(reference: Dataset, operational: Dataset, roles: Roles, config: Config) {
  return featureDrift(reference, operational, roles, { ...config.drift, alpha: familyAlpha(config).featureDrift }, config.seed);
}

/**
 * Multivariate drift: the domain classifier and PCA reconstruction (kind multivariate_drift). `domain` gives
 * SELECT P(operational | x) and importance weights for reference rows; null when the classifier could not run.
 */
export function analyzeMultivariate(reference: Dataset, operational: Dataset, roles: Roles, config: Config) {
  const cfg = { ...config.analyze.multivariate, alpha: familyAlpha(config).multivariate };
  const domain = domainClassifier(reference, operational, roles, cfg, config.drift.minRows, config.seed);
  const reconstruction = reconstructionDrift(reference, operational, roles, cfg, config.drift.minRows, config.seed);
  return { results: [domain.result, reconstruction], domain: domain.model };
}

/** Tensor columns (`drift.tensor.*`, kind tensor_drift); empty without tensor features. */
export function analyzeTensors(reference: Dataset, operational: Dataset, roles: Roles, config: Config) {
  return tensorDrift(reference, operational, roles, { ...config.analyze.tensor, alpha: familyAlpha(config).tensor }, config.drift.minRows, config.seed);
}

/**
 * New classes: from labels when operational labels exist (`analyze.new_classes.labels`, kind new_classes) and
 * always novelty (`analyze.novelty`, kind novelty) whose clusters feed the label queue.
 */
export function analyzeNewClasses(reference: Dataset, operational: Dataset, roles: Roles, config: Config) {
  const results: CheckResult[] = [];
  const labels = newClassesFromLabels(reference, operational, roles, config.gates.minNewClassShare);
  if (labels) results.push(labels);
  const found = novelty(reference, operational, roles, { ...config.analyze.novelty, alpha: familyAlpha(config).novelty }, config.drift.minRows, config.seed);
  results.push(found.result);
  return { results, clusters: found.clusters };
}
