import { featureDrift } from '../analyze/drift.js';
import { newClassesFromLabels } from '../analyze/new-classes.js';
import { compareSchema } from '../analyze/schema.js';
import { measuredPerformance } from '../audit/performance.js';
import { failedGates, noEvidenceOfHarm } from './decide.js';
import type { PlanStep } from './plan.js';

/**
 * The plan's steps in order. 1 gates → broken data stops the plan (fix_data). 2 harm: measured performance and
 * label-based new classes (cheap, decisive) → no evidence of harm or change stops it (none). 3 feature drift,
 * to explain and locate. Selection runs after the decision, outside the test count.
 */
export function planSteps(): PlanStep[] {
  return [
    {
      id: 'gates',
      title: 'Schema and data-quality gates',
      expected: () => 1,
      run: (ctx) => [compareSchema(ctx.reference, ctx.operational, ctx.roles)],
      stop: (ctx) => (failedGates(ctx.checks).length > 0 && !ctx.config.gates.allowFailed ? 'the operational data failed a data-quality gate (fix_data)' : null),
    },
    {
      id: 'harm',
      title: 'Is the model harmed? Measured performance and new classes',
      expected: (ctx) => (ctx.roles.task && ctx.roles.label && ctx.roles.prediction ? 1 : 0) + (ctx.roles.task === 'classification' && ctx.roles.label ? 1 : 0),
      run: (ctx) => {
        const out = [];
        const newClasses = newClassesFromLabels(ctx.reference, ctx.operational, ctx.roles, ctx.config.gates.minNewClassShare);
        if (newClasses) out.push(newClasses);
        const tests = (ctx.roles.task && ctx.roles.label && ctx.roles.prediction ? 1 : 0) || 1;
        const performance = measuredPerformance(ctx.operational, ctx.validation ?? ctx.reference, ctx.roles, { ...ctx.config.performance, alpha: ctx.alpha.harm / tests });
        if (performance) out.push(performance);
        return out;
      },
      stop: (ctx) => (noEvidenceOfHarm(ctx.checks) ? 'no evidence of harm or change in the model’s performance or outputs (none)' : null),
    },
    {
      id: 'drift',
      title: 'Feature drift, to explain and locate the change',
      expected: (ctx) => ctx.roles.features.length,
      run: (ctx) => featureDrift(ctx.reference, ctx.operational, ctx.roles, { ...ctx.config.drift, alpha: ctx.alpha.drift }),
    },
  ];
}
