import { analyzeFeatures, analyzeGates, analyzeMultivariate, analyzeOutputs, analyzeTensors, invalidRows, newClassesFromLabels, novelty } from '../analyze/index.js';
import { calibrationDrift, estimatedPerformance, evidenceOverTime, labelShift, measuredPerformance, weakSlices } from '../audit/index.js';
import { CHECKS, failing, type CheckResult } from '../checks/index.js';
import { mulberry32 } from '../stats/index.js';
import { failedGates, noEvidenceOfHarm, purePriorShift } from './decide.js';
import { outputBaseline, type OutputRole } from '../ingest/dataset.js';
import type { TestFamilies } from './alpha.js';
import type { SelectionEvidence } from './evidence.js';
import type { PlanContext, PlanStep } from './plan.js';

const hasModelOutputs = (ctx: Pick<PlanContext, 'roles'>) => !!ctx.roles.task && !!ctx.roles.prediction;
const classification = (ctx: Pick<PlanContext, 'roles'>) => ctx.roles.task === 'classification';
const holdsLabels = (d: { columns: ReadonlyMap<string, unknown> } | undefined, label: string | undefined) => !!d && !!label && d.columns.has(label);
/**
 * The label-shift step has what it needs: operational labels to measure the priors with and training (reference)
 * or validation labels to compare them with; or, without them, a classifier's outputs and labelled validation data
 * for the BBSE estimate.
 */
const labelShiftApplies = (ctx: Pick<PlanContext, 'roles' | 'validation' | 'reference' | 'operational'>) =>
  classification(ctx) &&
  ((hasModelOutputs(ctx) && !!ctx.validation) ||
    (holdsLabels(ctx.operational, ctx.roles.label) && (holdsLabels(ctx.reference, ctx.roles.label) || holdsLabels(ctx.validation, ctx.roles.label))));
const hasTensors = (ctx: Pick<PlanContext, 'roles' | 'reference'>) => ctx.roles.features.some((f) => ctx.reference.columns.get(f)?.type === 'tensor');
/** Every AUDIT function gets its own generator from the run's seed, so adding a step never changes another's draws. */
const audit = (ctx: PlanContext, salt: number) => ({ audit: ctx.config.audit, rng: mulberry32((ctx.config.seed ^ salt) >>> 0) });

type Inputs = Pick<PlanContext, 'reference' | 'roles' | 'validation'>;

/** Which test families can run on these inputs: the harm step's α share is split evenly over its families. */
export function testFamilies(ctx: Inputs): TestFamilies {
  const { roles, validation } = ctx;
  let performance = 0;
  if (hasModelOutputs(ctx) && roles.label) performance++; // measured performance
  if (classification(ctx) && roles.proba.length > 0 && validation) performance++; // CBPE
  if (classification(ctx) && roles.proba.length > 0 && roles.label) performance++; // calibration
  return { performance, outputDrift: hasModelOutputs(ctx) || roles.proba.length > 0, tensors: hasTensors(ctx) };
}
const harmFamilies = (ctx: Inputs) => testFamilies(ctx).performance + (testFamilies(ctx).outputDrift ? 1 : 0);

/** Gate findings whose rows cannot be trained on: the invalid values of a column whose null share failed the gate. */
const EXCLUDING_FINDINGS = new Set(['null_rate', 'empty']);

/** Operational rows the failed gates exclude from training (used when `gates.allowFailed` lets the plan go on). */
function gateExclusions(ctx: PlanContext, gates: readonly CheckResult[]): SelectionEvidence['excluded'] {
  return failing(gates, CHECKS.dataQuality).flatMap((check) => {
    const finding = check.details?.findings?.find((f) => f.status === 'fail' && EXCLUDING_FINDINGS.has(f.check));
    if (!finding || !check.subject) return [];
    const rows = invalidRows(ctx.operational, check.subject);
    return rows.length ? [{ rows, reason: `null, NaN or ±Inf in ${check.subject} (${finding.text})`, check: check.id }] : [];
  });
}

/**
 * The plan's steps in order (docs/plan.md). 1 gates → broken data stops the plan (fix_data). 1b evidence over
 * time: per-chunk performance and drift, pooled with earlier runs (a persistent decline is harm). 2 harm: measured
 * and estimated performance, calibration, output drift and label-based new classes → no evidence of harm or
 * change stops it (none). 3 label shift (BBSE) → a pure prior shift stops it (reweight). 4 feature,
 * multivariate and tensor drift, to explain and locate. 5 novelty. 6 weak slices. Selection runs after the
 * decision, outside the test count. Each step returns its own results and what it found for SELECT.
 */
export function planSteps(): PlanStep[] {
  return [
    {
      id: 'gates',
      title: 'Schema and data-quality gates',
      expected: (ctx) => 1 + ctx.roles.features.length,
      run: (ctx) => {
        const checks = analyzeGates(ctx.reference, ctx.operational, ctx.roles, ctx.config);
        return { checks, evidence: { excluded: gateExclusions(ctx, checks) } };
      },
      stop: (ctx) => (failedGates(ctx.checks).length > 0 && !ctx.config.gates.allowFailed ? 'the operational data failed a data-quality gate (fix_data)' : null),
    },
    {
      id: 'evidence',
      title: 'Evidence over time: performance and drift per time chunk, pooled with earlier runs of the same model',
      expected: (ctx) => (hasModelOutputs(ctx) && ctx.roles.label ? 1 : 0),
      run: (ctx) => {
        const { performance, evidence } = ctx.config;
        const cfg = { ...evidence, alpha: ctx.alpha.family.evidence, maxDrop: performance.maxDrop, minLabels: performance.minLabels, runId: ctx.runId ?? '' };
        const check = evidenceOverTime(ctx.reference, ctx.operational, ctx.validation ?? ctx.reference, ctx.roles, cfg, ctx.history);
        return { checks: check ? [check] : [] };
      },
    },
    {
      id: 'harm',
      title: 'Is the model harmed? Performance (measured or estimated), calibration, output drift, new classes',
      expected: (ctx) => harmFamilies(ctx) + (classification(ctx) && ctx.roles.label ? 1 : 0),
      run: (ctx) => {
        const out: CheckResult[] = [];
        const newClasses = newClassesFromLabels(ctx.reference, ctx.operational, ctx.roles, ctx.config.gates.minNewClassShare, ctx.validation);
        if (newClasses) out.push(newClasses);
        const { family } = ctx.alpha;
        const performance = { ...ctx.config.performance, alpha: family.performance };
        // Each check compares the operational data with the first input holding the roles it reads (README, roles).
        const baseline = (need: OutputRole[]) => outputBaseline(ctx.reference, ctx.validation, ctx.roles, need);
        const measured = measuredPerformance(ctx.operational, baseline(['label', 'prediction']) ?? ctx.validation ?? ctx.reference, ctx.roles, performance, audit(ctx, 1));
        if (measured) out.push(measured);
        const estimated = estimatedPerformance(ctx.operational, ctx.validation, ctx.roles, performance, { ...audit(ctx, 2), analyze: [...ctx.checks, ...out] });
        if (estimated) out.push(estimated);
        const calibration = calibrationDrift(ctx.operational, baseline(['label', 'proba']), ctx.roles, performance, audit(ctx, 3));
        if (calibration) out.push(calibration);
        out.push(...analyzeOutputs(ctx.reference, ctx.operational, ctx.roles, ctx.config, family.outputDrift, ctx.validation));
        return { checks: out };
      },
      // Not while the label-shift step can still run: a pure prior shift is `reweight` even when nothing here alarmed
      // (measured priors see more than the output tests), so stopping here would differ from --full.
      stop: (ctx) => (noEvidenceOfHarm(ctx.checks) && !labelShiftApplies(ctx) ? 'no evidence of harm or change in the model’s performance or outputs (none)' : null),
    },
    {
      id: 'label_shift',
      title: 'Did only the class priors move? Label shift (measured priors, else BBSE)',
      expected: (ctx) => (labelShiftApplies(ctx) ? 1 : 0),
      // BBSE assumes the operational classes are the training classes; labelled new classes break that premise.
      skipIf: (ctx) => (failing(ctx.checks, CHECKS.newClasses).length ? 'New classes were found: BBSE assumes the label set did not change, so a prior-shift estimate cannot inform the decision.' : null),
      run: (ctx) => {
        // Without validation data or model outputs the check says so (skipped, with the input that lacks them).
        if (!classification(ctx)) return { checks: [] };
        const { check } = labelShift({ operational: ctx.operational, validation: ctx.validation, reference: ctx.reference }, ctx.roles, { ...ctx.config.performance, alpha: ctx.alpha.family.labelShift }, audit(ctx, 4));
        return { checks: [check], evidence: { labelShift: check } };
      },
      stop: (ctx) =>
        purePriorShift(ctx.checks) && failing(ctx.checks, CHECKS.performance, CHECKS.evidenceOverTime).length === 0
          ? 'a pure shift of class priors (reweight)'
          : !purePriorShift(ctx.checks) && noEvidenceOfHarm(ctx.checks)
            ? 'no evidence of harm or change in the model’s performance or outputs, and no pure prior shift (none)'
            : null,
    },
    {
      id: 'drift',
      title: 'Feature, multivariate and tensor drift, to explain and locate the change',
      expected: (ctx) => ctx.roles.features.length + 2 + (hasTensors(ctx) ? 1 : 0),
      run: (ctx) => {
        // Each family at its α (src/schema/alpha.ts): half the step's share to the per-feature BH family, an eighth to
        // each multivariate test and a quarter to the tensor tests, unless the config sets one.
        const features = ctx.featureDrift ? ctx.featureDrift() : analyzeFeatures(ctx.reference, ctx.operational, ctx.roles, ctx.config);
        const multi = analyzeMultivariate(ctx.reference, ctx.operational, ctx.roles, ctx.config);
        let evidence: SelectionEvidence | undefined;
        if (multi.domain && multi.results.some((c) => c.status === 'fail')) {
          // Density-ratio weights for reference rows, normalised to mean 1 (clipped by SELECT).
          const w = multi.domain.densityRatio(ctx.reference, undefined, ctx.config.select.weightClip);
          const mean = w.reduce((a, b) => a + b, 0) / (w.length || 1);
          evidence = { referenceImportance: mean > 0 ? w.map((v) => v / mean) : w };
        }
        const tensors = analyzeTensors(ctx.reference, ctx.operational, ctx.roles, ctx.config);
        return { checks: [...features, ...multi.results, ...tensors], evidence };
      },
    },
    {
      id: 'novelty',
      title: 'New classes without labels: novelty clusters',
      expected: () => 1,
      run: (ctx) => {
        const cfg = { ...ctx.config.analyze.novelty, alpha: ctx.alpha.family.novelty };
        const found = novelty(ctx.reference, ctx.operational, ctx.roles, cfg, ctx.config.drift.minRows, ctx.config.seed);
        const candidates = found.clusters.filter((c) => c.candidate);
        const evidence = candidates.length
          ? { novelRows: candidates.flatMap((c) => c.rows), targeted: candidates.map((c, k) => ({ rows: c.rows, reason: `novelty cluster ${k + 1}`, check: found.result.id })) }
          : undefined;
        return { checks: [found.result], evidence };
      },
    },
    {
      id: 'slices',
      title: 'Weak slices that got worse',
      expected: (ctx) => (hasModelOutputs(ctx) && ctx.roles.label ? 1 : 0),
      run: (ctx) => {
        if (!(hasModelOutputs(ctx) && ctx.roles.label)) return { checks: [] };
        const result = weakSlices(ctx.operational, ctx.validation ?? ctx.reference, ctx.roles, { ...audit(ctx, 6), fdr: ctx.alpha.family.slices });
        const evidence = result.slices.length
          ? { targeted: result.slices.map((s) => ({ rows: Array.from(s.operationalRows), reason: `degraded slice ${s.text.join(' and ')}`, check: result.check.id })) }
          : undefined;
        return { checks: [result.check], evidence };
      },
    },
  ];
}
