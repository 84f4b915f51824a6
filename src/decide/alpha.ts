import { ALPHA_SHARES, familyAlpha, shareAlpha, type FamilyAlpha } from '../schema/alpha.js';
import type { Config } from '../schema/config.js';

/** The plan's steps, in order; the α budget is keyed by these ids (results.json `plan.alpha`, the report's plan table). */
export const PLAN_STEP_IDS = ['gates', 'evidence', 'harm', 'label_shift', 'drift', 'novelty', 'slices'] as const;
export type PlanStepId = (typeof PLAN_STEP_IDS)[number];

/** α per step, and their sum: the union bound on any false alarm in the plan. */
export type AlphaBudget = { total: number } & Record<PlanStepId, number>;

/** The plan's shares of one α (src/schema/alpha.ts), by step. */
export function alphaBudget(total: number): AlphaBudget {
  const steps = Object.fromEntries(PLAN_STEP_IDS.map((id) => [id, total * ALPHA_SHARES[id]])) as Record<PlanStepId, number>;
  return { total, ...steps };
}

/** Which test families can run on these inputs (the harm step splits its share evenly over them). */
export interface TestFamilies {
  /** Measured performance, CBPE and calibration that can run (each at `performance` α). */
  performance: number;
  /** Whether the model-output tests can run. */
  outputDrift: boolean;
  /** Whether tensor columns are tested. */
  tensors: boolean;
}

/** The α each test family uses, and the α each step spends. */
export interface AlphaPlan {
  family: FamilyAlpha;
  spent: AlphaBudget;
}

/**
 * The plan's α: every family at its explicit config value, else its share of `plan.alpha`. Without explicit values
 * each step spends its share and the total is `plan.alpha`; an explicit value moves its step's spend (and the total)
 * by the difference from the share it replaces, so `plan.alpha` in results.json is always what was spent.
 */
export function alphaPlan(config: Config, families: TestFamilies): AlphaPlan {
  const harmFamilies = families.performance + (families.outputDrift ? 1 : 0);
  const family = familyAlpha(config, harmFamilies);
  const share = shareAlpha(config.plan.alpha, harmFamilies);
  const moved = (name: keyof FamilyAlpha, tests: number) => tests * (family[name] - share[name]);
  const spent = alphaBudget(config.plan.alpha);
  spent.gates += moved('gates', 1);
  spent.harm += moved('performance', families.performance) + moved('outputDrift', families.outputDrift ? 1 : 0);
  spent.drift += moved('featureDrift', 1) + moved('multivariate', 2) + moved('tensor', families.tensors ? 1 : 0);
  spent.novelty += moved('novelty', 1);
  spent.slices += moved('slices', 1);
  spent.evidence += moved('evidence', 1);
  spent.total = PLAN_STEP_IDS.reduce((sum, id) => sum + spent[id], 0);
  return { family, spent };
}
