import { totalCheck, type CheckResult } from '../checks/index.js';
import type { Dataset, Roles } from '../ingest/dataset.js';
import type { HistoryRun } from '../ingest/history.js';
import type { Logger } from '../log.js';
import type { Config } from '../schema/config.js';
import type { Results } from '../schema/results.js';
import type { AlphaPlan, PlanStepId } from './alpha.js';
import { mergeEvidence, type SelectionEvidence } from './evidence.js';

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
  /** Results of the steps run so far, frozen: a step reads them, it never changes them. */
  checks: readonly CheckResult[];
  evidence: SelectionEvidence;
  /** Each test family's α (an explicit config value, else its share of the plan's budget) and each step's spend. */
  alpha: AlphaPlan;
  /** Earlier runs' evidence-over-time chunks (`--history`), and this run's id to label its own chunks. */
  history?: readonly HistoryRun[];
  runId?: string;
  /**
   * Per-feature drift computed otherwise than from the datasets: from profiles (src/profile), when the run read one
   * (the datasets are then its uniform sample).
   */
  featureDrift?: () => CheckResult[];
}

/** What a step hands back: its own results, and what it found for SELECT. */
export interface StepOutcome {
  checks: CheckResult[];
  evidence?: SelectionEvidence;
}

export interface PlanStep {
  id: PlanStepId;
  title: string;
  /** How many tests the step would run: counted for every step, run or not, to give the full battery's size. */
  expected(ctx: PlanContext): number;
  run(ctx: PlanContext): StepOutcome;
  /** Why the step cannot inform this decision given what earlier steps found (skipped unless `--full`), or null. */
  skipIf?(ctx: PlanContext): string | null;
  /** After the step: why the plan may stop here (the action is already decided), or null to go on. */
  stop?(ctx: PlanContext): string | null;
}

export interface PlanRun {
  checks: CheckResult[];
  evidence: SelectionEvidence;
  executed: string[];
  skipped: Results['plan']['skipped'];
  testsRun: number;
  testsFull: number;
  steps: Results['plan']['steps'];
  stoppedAt: string | null;
}

/** Freeze a result and its figures, thresholds and details, so a later reader cannot change what it says. */
function freeze(check: CheckResult): CheckResult {
  Object.freeze(check.figures);
  if (check.threshold) Object.freeze(check.threshold);
  if (check.details) Object.freeze(check.details);
  return Object.freeze(check);
}

export function runPlan(steps: PlanStep[], start: Omit<PlanContext, 'checks' | 'evidence'>): PlanRun {
  const run: PlanRun = { checks: [], evidence: {}, executed: [], skipped: [], testsRun: 0, testsFull: 0, steps: [], stoppedAt: null };
  const ctx = (): PlanContext => ({ ...start, checks: run.checks, evidence: run.evidence });
  let stopReason: string | null = null;
  for (const step of steps) {
    const expected = step.expected(ctx());
    run.testsFull += expected;
    const skip = stopReason ?? (start.config.full ? null : (step.skipIf?.(ctx()) ?? null));
    if (skip !== null) {
      run.steps.push({ id: step.id, title: step.title, status: 'skipped', tests: expected, reason: skip });
      run.skipped.push({ id: step.id, reason: skip });
      continue;
    }
    start.log.info(`plan step ${step.id}`, { title: step.title });
    const outcome = step.run(ctx());
    // A non-finite figure would fail the results schema: such a result is reported degenerate (checks/totality.ts).
    run.checks = [...run.checks, ...outcome.checks.map((c) => freeze(totalCheck(c)))];
    if (outcome.evidence) run.evidence = mergeEvidence(run.evidence, outcome.evidence);
    const ran = outcome.checks.filter((c) => c.status !== 'skipped').length;
    run.testsRun += ran;
    run.executed.push(...outcome.checks.map((c) => c.id));
    run.steps.push({ id: step.id, title: step.title, status: 'run', tests: ran });
    // A step may run more tests than it announced (e.g. per-class tests); the full count is at least what ran.
    run.testsFull += Math.max(0, ran - expected);
    const reason = step.stop?.(ctx()) ?? null;
    if (reason !== null && !start.config.full) {
      stopReason = `Not needed: ${reason}`;
      run.stoppedAt = step.id;
      start.log.info('plan stops early', { after: step.id, reason });
    }
  }
  return run;
}
