import { holdsRoles, roleColumns, type Dataset, type Roles } from '../ingest/dataset.js';
import type { Config } from '../schema/config.js';
import type { Mulberry32 } from '../stats/index.js';
import { percentileInterval } from './bootstrap.js';
import { probaCells, probaReplicates } from './cell-bootstrap.js';
import { probaMetrics, probaScores, type ProbaScores } from './class-metrics.js';
import { classOutcomes, labelledRows } from './outcomes.js';
import { auditDefaults, type AuditOptions } from './performance.js';
import { reliability } from './reliability.js';
import { CHECKS, type CheckOf } from '../checks/index.js';

type CalibrationCheck = CheckOf<typeof CHECKS.calibration>;

/** With its α resolved by the caller (the plan's share, or `performance.alpha` when set). */
type PerformanceConfig = Config['performance'] & { alpha: number };

function side(d: Dataset, roles: Roles, bins: number): ProbaScores | null {
  const o = classOutcomes(d, roles);
  if (!o?.proba) return null;
  return probaScores(o, labelledRows(o, true), bins);
}

/** ECE replicates over every row, resampled through the (bin, correct) cells (cell-bootstrap.ts). */
function eceReplicates(s: ProbaScores, B: number, bins: number, rng: Mulberry32): { reps: Float64Array; scale: number } {
  const replicate = probaReplicates(s, probaCells(s, bins), rng);
  const reps = new Float64Array(B);
  for (let b = 0; b < B; b++) reps[b] = replicate().ece;
  return { reps, scale: 1 };
}

/**
 * Calibration drift: expected calibration error and the reliability curve on the baseline (the caller's choice:
 * validation, else the reference, whichever holds labels and probabilities; `baselineSource`) and on labelled
 * operational rows, with a bootstrap interval of the change; skipped, saying which input lacks them, when either
 * side has no such columns. Fails when ECE rose by more than `maxEceIncrease` and the rise is significant (the α-quantile of its bootstrap distribution above 0, one-sided
 * at the caller's `alpha`); warns when it is significant but smaller.
 */
export function calibrationDrift(operational: Dataset, baseline: Dataset | undefined, roles: Roles, cfg: PerformanceConfig, options: AuditOptions = {}): CalibrationCheck | null {
  if (roles.task !== 'classification' || roles.proba.length === 0) return null;
  const { audit, rng } = auditDefaults(options);
  const bins = audit.calibrationBins;
  const base = { id: 'audit.calibration', stage: CHECKS.calibration.stage, kind: CHECKS.calibration.kind, subject: 'ece', method: `top-label ECE, ${bins} equal-width bins; bootstrap interval of the change` };
  if (!holdsRoles(operational, roles, ['label', 'proba']) || !baseline) {
    const columns = roleColumns(roles, ['label', 'proba']);
    const why = !holdsRoles(operational, roles, ['label', 'proba'])
      ? `the operational data does not hold ${columns}`
      : `neither the validation data nor the reference holds ${columns} to compare with`;
    return { ...base, status: 'skipped', figures: {}, summary: `Calibration not compared (labelled operational rows against a labelled baseline, both with probabilities): ${why}.` };
  }
  const op = side(operational, roles, bins);
  const ref = side(baseline, roles, bins);
  const nOp = op?.logLoss.length ?? 0;
  const nRef = ref?.logLoss.length ?? 0;
  if (!op || !ref || nOp < cfg.minLabels || nRef < cfg.minLabels) {
    return { ...base, status: 'insufficient_data', figures: { labelled: nOp, baselineRows: nRef }, threshold: { minLabels: cfg.minLabels }, summary: `Calibration needs at least ${cfg.minLabels} labelled rows with probabilities on both sides (operational ${nOp}, baseline ${nRef}).` };
  }
  const eOp = probaMetrics(op, null, bins).ece;
  const eRef = probaMetrics(ref, null, bins).ece;
  const rOp = eceReplicates(op, audit.bootstrap, bins, rng);
  const rRef = eceReplicates(ref, audit.bootstrap, bins, rng);
  const increase = eOp - eRef;
  // ECE is biased upwards at small n, so the replicates are centred on their own median before rescaling.
  const centre = (r: Float64Array) => Float64Array.from(r).sort()[r.length >> 1]!;
  const cOp = centre(rOp.reps);
  const cRef = centre(rRef.reps);
  const diff = rOp.reps.map((v, i) => increase + (v - cOp) * rOp.scale - (rRef.reps[i]! - cRef) * rRef.scale);
  const ci = percentileInterval(diff, increase, audit.level);
  const ciOp = percentileInterval(rOp.reps, eOp, audit.level, rOp.scale);
  const ciRef = percentileInterval(rRef.reps, eRef, audit.level, rRef.scale);
  // One-sided at the caller's alpha: the α-quantile of the change above 0.
  const significant = percentileInterval(diff, increase, 1 - 2 * cfg.alpha).lo > 0;
  const status = significant && increase > audit.maxEceIncrease ? 'fail' : significant ? 'warn' : 'pass';
  const text = `ECE ${eRef.toFixed(4)} → ${eOp.toFixed(4)} (${(audit.level * 100).toFixed(0)}% CI of the change ${ci.lo.toFixed(4)} to ${ci.hi.toFixed(4)})`;
  return {
    ...base,
    status,
    figures: { ece: eOp, ece_lo: ciOp.lo, ece_hi: ciOp.hi, baseline_ece: eRef, baseline_ece_lo: ciRef.lo, baseline_ece_hi: ciRef.hi, increase, increase_lo: ci.lo, increase_hi: ci.hi, labelled: nOp, baselineRows: nRef, baselineSource: baseline!.role },
    threshold: { alpha: cfg.alpha, maxEceIncrease: audit.maxEceIncrease, level: audit.level, bootstrap: audit.bootstrap, bins },
    details: {
      reliability: { bins: reliability(op.confidence, op.correct, bins).bins },
      baselineReliability: { bins: reliability(ref.confidence, ref.correct, bins).bins },
    },
    summary:
      status === 'fail'
        ? `The model's probabilities lost calibration: ${text}. Recalibrate on recent labelled data.`
        : status === 'warn'
          ? `Calibration worsened slightly: ${text}, within the tolerated ${audit.maxEceIncrease}.`
          : `Calibration holds: ${text}.`,
  };
}
