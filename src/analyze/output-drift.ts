import { holdsRoles, outputBaseline, roleColumns, type Dataset, type Baseline, type OutputRole, type Roles } from '../ingest/dataset.js';
import type { Column } from '../ingest/table.js';
import type { AnalyzeConfig, Config } from '../schema/config.js';
import { chi2Contingency, jensenShannonDistance, ks2samp } from '../stats/index.js';
import { categoricalDistribution, finiteValues, numericDistribution, poolRare } from './drift.js';
import { subSeed } from './sampling.js';
import { CHECKS, type CheckOf } from '../checks/index.js';

type OutputDriftCheck = CheckOf<typeof CHECKS.outputDrift>;

/** The output-drift config with its α resolved (the plan's share, or `analyze.outputDrift.alpha` when set). */
type OutputConfig = AnalyzeConfig['outputDrift'] & { alpha: number };

/**
 * Black-box shift detection (BBSD; Rabanser, Günnemann & Lipton, "Failing Loudly", 2019): test the model's
 * outputs instead of its inputs — KS on each class probability (Bonferroni across classes), chi-square on the
 * predicted-class distribution, KS on regression outputs. Kind `output_drift`; fail = significant and at least
 * `minEffect` (KS statistic, or Jensen–Shannon distance for predicted classes).
 * The operational outputs are compared with the validation data's when it holds them (out-of-sample, like the
 * operational ones), else with the reference's (figure `baselineSource`); without either, or without operational
 * outputs, the check is `skipped` and says which input lacks them.
 */
export function outputDrift(reference: Dataset, operational: Dataset, roles: Roles, cfg: OutputConfig, drift: Config['drift'], seed = 42, validation?: Dataset): OutputDriftCheck[] {
  const results: OutputDriftCheck[] = [];
  if (roles.proba.length > 0) {
    const baseline = outputBaseline(reference, validation, roles, ['proba']);
    const probas = roles.proba.filter((p) => operational.columns.get(p.column)?.type === 'numeric');
    if (!baseline || probas.length === 0) results.push(skipped('drift.output.proba', 'proba', roles, operational, validation, baseline));
    else {
      for (const p of probas) {
        const r = finiteValues(baseline.columns.get(p.column) as Extract<Column, { type: 'numeric' }>, drift.maxRows, subSeed(seed, `bbsd:ref:${p.column}`));
        const o = finiteValues(operational.columns.get(p.column) as Extract<Column, { type: 'numeric' }>, drift.maxRows, subSeed(seed, `bbsd:op:${p.column}`));
        results.push(ksOutput(`drift.output.proba.${p.className}`, p.column, r, o, cfg, drift.minRows, probas.length, baseline.role));
      }
    }
  }
  if (roles.prediction) {
    const baseline = outputBaseline(reference, validation, roles, ['prediction']);
    const [rp, op] = [baseline?.columns.get(roles.prediction), operational.columns.get(roles.prediction)];
    if (baseline && rp?.type === 'categorical' && op?.type === 'categorical') results.push(predictedClasses(roles.prediction, rp, op, cfg, drift, baseline.role));
    else if (baseline && rp?.type === 'numeric' && op?.type === 'numeric') {
      const r = finiteValues(rp, drift.maxRows, subSeed(seed, 'bbsd:ref:prediction'));
      const o = finiteValues(op, drift.maxRows, subSeed(seed, 'bbsd:op:prediction'));
      results.push(ksOutput('drift.output.prediction', roles.prediction, r, o, cfg, drift.minRows, 1, baseline.role));
    } else results.push(skipped('drift.output.prediction', 'prediction', roles, operational, validation, baseline));
  }
  return results;
}

/** An output-drift check that cannot run, saying which input lacks the outputs it would compare. */
function skipped(id: string, need: OutputRole, roles: Roles, operational: Dataset, validation: Dataset | undefined, baseline: Dataset | undefined): OutputDriftCheck {
  const columns = roleColumns(roles, [need]);
  const inOperational = need === 'proba' ? roles.proba.some((p) => operational.columns.get(p.column)?.type === 'numeric') : holdsRoles(operational, roles, [need]);
  const why = !inOperational
    ? `the operational data holds no ${columns}`
    : !baseline
      ? `neither the validation data${validation ? '' : ' (not given: --validation)'} nor the reference holds ${columns}, so there is nothing to compare the operational outputs with`
      : `${columns} is of a different kind in the ${baseline.role} and the operational data`;
  return {
    id,
    stage: CHECKS.outputDrift.stage,
    kind: CHECKS.outputDrift.kind,
    subject: columns,
    status: 'skipped',
    method: need === 'proba' ? 'ks_2samp per class probability' : 'model outputs',
    figures: {},
    summary: `Output drift on ${columns} not tested: ${why}.`,
  };
}

function ksOutput(id: string, subject: string, r: Float64Array, o: Float64Array, cfg: OutputConfig, minRows: number, tests: number, baselineSource: Baseline['role']): OutputDriftCheck {
  const base = { id, stage: CHECKS.outputDrift.stage, kind: CHECKS.outputDrift.kind, subject };
  if (r.length < minRows || o.length < minRows) {
    return { ...base, status: 'insufficient_data', method: 'ks_2samp', figures: { nReference: r.length, nOperational: o.length, baselineSource }, threshold: { minRows }, summary: `Too few model outputs to test (${r.length} ${baselineSource}, ${o.length} operational).` };
  }
  const ks = ks2samp(r, o, { method: 'auto' });
  const adjusted = Math.min(1, ks.pValue * tests);
  const significant = adjusted <= cfg.alpha;
  const minEffect = cfg.minEffect.ks;
  const large = ks.statistic >= minEffect;
  return {
    ...base,
    status: significant && large ? 'fail' : significant ? 'warn' : 'pass',
    method: `ks_2samp (${ks.method})${tests > 1 ? `, Bonferroni over ${tests} classes` : ''}`,
    figures: { statistic: ks.statistic, pValue: ks.pValue, adjustedPValue: adjusted, nReference: r.length, nOperational: o.length, baselineSource },
    threshold: { alpha: cfg.alpha, minEffect, tests },
    summary: significant && large
      ? `Model output ${subject} shifted (${baselineSource} vs operational): KS ${ks.statistic.toFixed(3)}, adjusted p = ${adjusted.toExponential(2)}.`
      : significant
        ? `Model output ${subject} differs significantly but slightly (KS ${ks.statistic.toFixed(3)} < ${minEffect}).`
        : `No significant change in model output ${subject} (adjusted p = ${adjusted.toPrecision(3)}).`,
    details: { distribution: numericDistribution(r, o) },
  };
}

function predictedClasses(subject: string, ref: Extract<Column, { type: 'categorical' }>, op: Extract<Column, { type: 'categorical' }>, cfg: OutputConfig, drift: Config['drift'], baselineSource: Baseline['role']): OutputDriftCheck {
  // Label and prediction share one category list (resolveRoles), so codes compare directly.
  const k = Math.max(ref.categories.length, op.categories.length);
  const r = new Array<number>(k).fill(0);
  const o = new Array<number>(k).fill(0);
  for (const code of ref.codes) if (code >= 0) r[code]! += 1;
  for (const code of op.codes) if (code >= 0) o[code]! += 1;
  const keep = r.map((_, i) => r[i]! + o[i]! > 0);
  const categories = (ref.categories.length >= op.categories.length ? ref : op).categories.filter((_, i) => keep[i]);
  const rr = r.filter((_, i) => keep[i]);
  const oo = o.filter((_, i) => keep[i]);
  const nr = rr.reduce((a, b) => a + b, 0);
  const no = oo.reduce((a, b) => a + b, 0);
  const base = { id: 'drift.output.predicted_class', stage: CHECKS.outputDrift.stage, kind: CHECKS.outputDrift.kind, subject };
  if (nr < drift.minRows || no < drift.minRows) {
    return { ...base, status: 'insufficient_data', method: 'chi2_contingency', figures: { nReference: nr, nOperational: no, baselineSource }, threshold: { minRows: drift.minRows }, summary: `Too few predictions to test (${nr} ${baselineSource}, ${no} operational).` };
  }
  const js = jensenShannonDistance(rr, oo, { base: 2 });
  const pooled = poolRare(rr, oo, drift.minExpected);
  const chi = pooled.r.length >= 2 ? chi2Contingency([pooled.r, pooled.o], { correction: false }) : { statistic: 0, pValue: 1, dof: 0 };
  const significant = chi.pValue <= cfg.alpha;
  const minEffect = cfg.minEffect.jensenShannon;
  const large = js >= minEffect;
  return {
    ...base,
    status: significant && large ? 'fail' : significant ? 'warn' : 'pass',
    method: 'chi2_contingency on predicted classes',
    figures: { statistic: chi.statistic, pValue: chi.pValue, dof: chi.dof, jensenShannon: js, nReference: nr, nOperational: no, baselineSource },
    threshold: { alpha: cfg.alpha, minEffect },
    summary: significant && large
      ? `The mix of predicted classes shifted (${baselineSource} vs operational, Jensen–Shannon ${js.toFixed(3)}, p = ${chi.pValue.toExponential(2)}).`
      : significant
        ? `The predicted-class mix differs significantly but slightly (Jensen–Shannon ${js.toFixed(3)} < ${minEffect}).`
        : `No significant change in the predicted-class mix (${baselineSource} vs operational, p = ${chi.pValue.toPrecision(3)}).`,
    details: { distribution: categoricalDistribution(categories, rr, oo) },
  };
}
