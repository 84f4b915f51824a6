import type { Config } from './config.js';

/**
 * One α for the whole plan (`plan.alpha`), spent by step — Bonferroni across steps, so the chance of any false alarm
 * anywhere in the plan stays at most α: data gates 5 %, evidence over time 10 %, harm and change detection 40 %, label
 * shift 10 %, feature / multivariate / tensor drift 20 %, novelty 5 %, weak slices 10 %. The evidence step's pooled
 * chunk test (a measured-harm test over time) took 5 % from the single-window harm tests and 5 % from the slices,
 * which explain and locate but never change the action.
 */
export const ALPHA_SHARES = { gates: 0.05, evidence: 0.1, harm: 0.4, label_shift: 0.1, drift: 0.2, novelty: 0.05, slices: 0.1 } as const;

/** The α of each test family: an explicit per-check value from the config, else its share of the plan's budget. */
export interface FamilyAlpha {
  /** The data-quality gates, Bonferroni over every gate test that runs (config `analyze.quality.alpha`). */
  gates: number;
  /** Each of measured performance, CBPE and calibration (config `performance.alpha`). */
  performance: number;
  /** The model-output tests, Bonferroni inside (config `analyze.outputDrift.alpha`). */
  outputDrift: number;
  /** BBSE (budget only). */
  labelShift: number;
  /** The per-feature Benjamini–Hochberg family (config `drift.alpha`). */
  featureDrift: number;
  /** Each of the domain classifier and PCA reconstruction (config `analyze.multivariate.alpha`). */
  multivariate: number;
  /** Each tensor column (config `analyze.tensor.alpha`). */
  tensor: number;
  /** The novelty test (config `analyze.novelty.alpha`). */
  novelty: number;
  /** The slice family, Benjamini–Hochberg (config `audit.slices.fdr`). */
  slices: number;
  /** The pooled test over time chunks and earlier runs (config `evidence.alpha`). */
  evidence: number;
}

/**
 * The plan's shares by family. Within a step the share is split: the harm step's evenly over the `harmFamilies`
 * test families that can run; the drift step's half to the per-feature family, an eighth to each multivariate test
 * and a quarter to the tensor tests.
 */
export function shareAlpha(planAlpha: number, harmFamilies = 1): FamilyAlpha {
  const harm = (planAlpha * ALPHA_SHARES.harm) / Math.max(1, harmFamilies);
  const drift = planAlpha * ALPHA_SHARES.drift;
  return {
    gates: planAlpha * ALPHA_SHARES.gates,
    performance: harm,
    outputDrift: harm,
    labelShift: planAlpha * ALPHA_SHARES.label_shift,
    featureDrift: drift / 2,
    multivariate: drift / 8,
    tensor: drift / 4,
    novelty: planAlpha * ALPHA_SHARES.novelty,
    slices: planAlpha * ALPHA_SHARES.slices,
    evidence: planAlpha * ALPHA_SHARES.evidence,
  };
}

/** Each family's α: its explicit value in the config, else its share of the plan's budget. */
export function familyAlpha(config: Config, harmFamilies = 1): FamilyAlpha {
  const share = shareAlpha(config.plan.alpha, harmFamilies);
  return {
    gates: config.analyze.quality.alpha ?? share.gates,
    performance: config.performance.alpha ?? share.performance,
    outputDrift: config.analyze.outputDrift.alpha ?? share.outputDrift,
    labelShift: share.labelShift,
    featureDrift: config.drift.alpha ?? share.featureDrift,
    multivariate: config.analyze.multivariate.alpha ?? share.multivariate,
    tensor: config.analyze.tensor.alpha ?? share.tensor,
    novelty: config.analyze.novelty.alpha ?? share.novelty,
    slices: config.audit.slices.fdr ?? share.slices,
    evidence: config.evidence.alpha ?? share.evidence,
  };
}
