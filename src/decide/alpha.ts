/** The plan's steps, in order; the α budget is keyed by these ids (results.json `plan.alpha`, the report's plan table). */
export const PLAN_STEP_IDS = ['gates', 'harm', 'label_shift', 'drift', 'novelty', 'slices'] as const;
export type PlanStepId = (typeof PLAN_STEP_IDS)[number];

/**
 * One α for the whole plan, spent by step (Bonferroni across steps, so the chance of any false alarm anywhere in
 * the plan stays at most α): harm and change detection 45 %, label shift 10 %, feature / multivariate / tensor drift
 * 20 % (Benjamini–Hochberg inside the per-feature family), novelty 5 %, weak slices 20 % (BH inside). Within the
 * harm step the share is split evenly over the test families that run. Gates are deterministic and spend none.
 */
export const ALPHA_SHARES: Readonly<Record<PlanStepId, number>> = { gates: 0, harm: 0.45, label_shift: 0.1, drift: 0.2, novelty: 0.05, slices: 0.2 };

export type AlphaBudget = { total: number } & Record<PlanStepId, number>;

export function alphaBudget(total: number): AlphaBudget {
  const steps = Object.fromEntries(PLAN_STEP_IDS.map((id) => [id, total * ALPHA_SHARES[id]])) as Record<PlanStepId, number>;
  return { total, ...steps };
}
