import type { Dataset, Roles } from '../ingest/dataset.js';
import type { Logger } from '../log.js';
import type { Config } from '../schema/config.js';
import type { CheckResult, Results } from '../schema/results.js';
import type { SelectionEvidence } from '../select/select.js';

/**
 * The ordered test plan, held as data: cheapest and most decisive steps first, each able to end the plan when
 * the evidence already decides the action. `--full` runs every step anyway (for audits and for measuring the
 * plan); the decision rules (decide.ts) are written so both reach the same action.
 */
export interface PlanContext {
  reference: Dataset;
  operational: Dataset;
  validation: Dataset | undefined;
  roles: Roles;
  config: Config;
  log: Logger;
  checks: CheckResult[];
  evidence: SelectionEvidence;
  /** Per-step significance levels carved out of the plan's one error budget. */
  alpha: AlphaBudget;
}

export interface PlanStep {
  id: string;
  title: string;
  /** How many tests the step would run: counted for every step, run or not, to give the full battery's size. */
  expected(ctx: PlanContext): number;
  run(ctx: PlanContext): Promise<CheckResult[]> | CheckResult[];
  /** Why the step cannot inform this decision given what earlier steps found (skipped unless `--full`), or null. */
  skipIf?(ctx: PlanContext): string | null;
  /** After the step: why the plan may stop here (the action is already decided), or null to go on. */
  stop?(ctx: PlanContext): string | null;
}

/**
 * One α for the whole plan, spent by step (Bonferroni across steps, so the chance of any false alarm anywhere
 * in the plan stays at most α): harm and change detection 45 %, label shift 10 %, feature / multivariate /
 * tensor drift 20 % (Benjamini–Hochberg inside the per-feature family), novelty 5 %, weak slices 20 % (BH
 * inside). Within the harm step the share is split evenly over the test families that run. Gates are
 * deterministic thresholds and spend none.
 */
export interface AlphaBudget {
  total: number;
  harm: number;
  labelShift: number;
  drift: number;
  novelty: number;
  slices: number;
}

export function alphaBudget(total: number): AlphaBudget {
  return { total, harm: total * 0.45, labelShift: total * 0.1, drift: total * 0.2, novelty: total * 0.05, slices: total * 0.2 };
}

export interface PlanRun {
  executed: string[];
  skipped: Results['plan']['skipped'];
  testsRun: number;
  testsFull: number;
  steps: { id: string; title: string; status: 'run' | 'skipped'; tests: number; reason?: string }[];
  stoppedAt: string | null;
}

export async function runPlan(steps: PlanStep[], ctx: PlanContext): Promise<PlanRun> {
  const run: PlanRun = { executed: [], skipped: [], testsRun: 0, testsFull: 0, steps: [], stoppedAt: null };
  let stopReason: string | null = null;
  for (const step of steps) {
    const expected = step.expected(ctx);
    run.testsFull += expected;
    if (stopReason !== null) {
      run.steps.push({ id: step.id, title: step.title, status: 'skipped', tests: expected, reason: stopReason });
      run.skipped.push({ id: step.id, reason: stopReason });
      continue;
    }
    const inapplicable = ctx.config.full ? null : (step.skipIf?.(ctx) ?? null);
    if (inapplicable !== null) {
      run.steps.push({ id: step.id, title: step.title, status: 'skipped', tests: expected, reason: inapplicable });
      run.skipped.push({ id: step.id, reason: inapplicable });
      continue;
    }
    ctx.log.info(`plan step ${step.id}`, { title: step.title });
    const results = await step.run(ctx);
    ctx.checks.push(...results);
    const ran = results.filter((c) => c.status !== 'skipped').length;
    run.testsRun += ran;
    run.executed.push(...results.map((c) => c.id));
    run.steps.push({ id: step.id, title: step.title, status: 'run', tests: ran });
    // A step may run more tests than it announced (e.g. per-class tests); the full count is at least what ran.
    run.testsFull += Math.max(0, ran - expected);
    const reason = step.stop?.(ctx) ?? null;
    if (reason !== null && !ctx.config.full) {
      stopReason = `Not needed: ${reason}`;
      run.stoppedAt = step.id;
      ctx.log.info('plan stops early', { after: step.id, reason });
    }
  }
  return run;
}
