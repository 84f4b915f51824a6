import type { Dataset, Roles } from '../ingest/dataset.js';
import type { Config } from '../schema/config.js';
import type { CheckResult } from '../schema/results.js';
import { normSf } from '../stats/index.js';

type PerformanceConfig = Config['performance'];

interface Scores {
  n: number;
  /** Classification: accuracy. Regression: mean absolute error. */
  value: number;
  /** Per-row losses (0/1 errors or absolute errors), for the variance of the comparison. */
  variance: number;
}

/** 0/1 correctness or absolute errors on rows that have both a label and a prediction. */
function score(d: Dataset, roles: Roles): Scores | null {
  if (!roles.label || !roles.prediction) return null;
  const label = d.columns.get(roles.label);
  const prediction = d.columns.get(roles.prediction);
  if (!label || !prediction) return null;
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  if (label.type === 'categorical' && prediction.type === 'categorical') {
    for (let i = 0; i < label.codes.length; i++) {
      const y = label.codes[i]!;
      const p = prediction.codes[i]!;
      if (y < 0 || p < 0) continue;
      n++;
      if (y === p) sum++;
    }
    if (n === 0) return null;
    const acc = sum / n;
    return { n, value: acc, variance: acc * (1 - acc) };
  }
  if (label.type === 'numeric' && prediction.type === 'numeric') {
    for (let i = 0; i < label.values.length; i++) {
      const e = Math.abs(label.values[i]! - prediction.values[i]!);
      if (!Number.isFinite(e)) continue;
      n++;
      sum += e;
      sumSq += e * e;
    }
    if (n < 2) return null;
    const mae = sum / n;
    return { n, value: mae, variance: (sumSq - n * mae * mae) / (n - 1) };
  }
  return null;
}

/** Counts of (true label, predicted label) over labelled rows; rows = true class, columns = predicted class. */
export function confusionMatrix(d: Dataset, roles: Roles): { labels: string[]; matrix: number[][] } | undefined {
  const label = roles.label ? d.columns.get(roles.label) : undefined;
  const prediction = roles.prediction ? d.columns.get(roles.prediction) : undefined;
  if (label?.type !== 'categorical' || prediction?.type !== 'categorical') return undefined;
  const k = label.categories.length; // label and prediction share one category list (see resolveRoles)
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const used = new Uint8Array(k);
  for (let i = 0; i < label.codes.length; i++) {
    const y = label.codes[i]!;
    const p = prediction.codes[i]!;
    if (y < 0 || p < 0) continue;
    matrix[y]![p]! += 1;
    used[y] = used[p] = 1;
  }
  const keep = [...used.keys()].filter((i) => used[i]);
  return { labels: keep.map((i) => label.categories[i]!), matrix: keep.map((i) => keep.map((j) => matrix[i]![j]!)) };
}

/**
 * Measured performance on labelled operational rows against the baseline (validation data, else the reference
 * when it carries predictions), with a one-sided z-test of whether it got worse. A drop counts when it is both
 * significant and beyond `maxDrop` (absolute accuracy, or relative MAE increase).
 */
export function measuredPerformance(operational: Dataset, baseline: Dataset | undefined, roles: Roles, cfg: PerformanceConfig): CheckResult | null {
  if (!roles.task || !roles.label || !roles.prediction) return null;
  const classification = roles.task === 'classification';
  const metric = classification ? 'accuracy' : 'mae';
  const id = `audit.performance.${metric}`;
  const base = { id, stage: 'audit' as const, kind: 'performance', subject: metric };
  const op = score(operational, roles);
  const labelled = op?.n ?? 0;
  if (!op || labelled < cfg.minLabels) {
    return { ...base, status: 'insufficient_data', method: metric, figures: { labelled, rows: operational.rows, coverage: labelled / operational.rows }, threshold: { minLabels: cfg.minLabels }, summary: `Only ${labelled} labelled operational rows with predictions (need ${cfg.minLabels}) to measure ${metric}.` };
  }
  const ref = baseline ? score(baseline, roles) : null;
  const figures: Record<string, number | string> = { [metric]: op.value, labelled, coverage: labelled / operational.rows };
  if (!ref || ref.n < cfg.minLabels) {
    return { ...base, status: 'insufficient_data', method: metric, figures, summary: `Operational ${metric} ${op.value.toFixed(4)} on ${labelled} rows, but no baseline to compare with: give --validation, or predictions in the reference data.` };
  }
  figures[`baseline_${metric}`] = ref.value;
  figures.baselineSource = baseline!.role;
  // Worsening: accuracy going down, MAE going up.
  const worse = classification ? ref.value - op.value : op.value - ref.value;
  let se: number;
  if (classification) {
    const pooled = (ref.value * ref.n + op.value * op.n) / (ref.n + op.n);
    se = Math.sqrt(pooled * (1 - pooled) * (1 / ref.n + 1 / op.n));
  } else {
    se = Math.sqrt(ref.variance / ref.n + op.variance / op.n);
  }
  const z = se > 0 ? worse / se : worse > 0 ? Infinity : 0;
  const pValue = se > 0 ? normSf(z) : worse > 0 ? 0 : 1;
  const drop = classification ? worse : ref.value > 0 ? worse / ref.value : worse > 0 ? Infinity : 0;
  figures.drop = drop;
  figures.z = z;
  figures.pValue = pValue;
  const significant = pValue < cfg.alpha;
  const status = significant && drop > cfg.maxDrop ? 'fail' : significant ? 'warn' : 'pass';
  const details = classification ? { confusionMatrix: confusionMatrix(operational, roles) } : undefined;
  const change = classification ? `accuracy ${ref.value.toFixed(4)} → ${op.value.toFixed(4)}` : `MAE ${ref.value.toPrecision(4)} → ${op.value.toPrecision(4)}`;
  return {
    ...base,
    status,
    method: classification ? 'one-sided two-proportion z-test' : 'one-sided Welch z-test on absolute errors',
    figures,
    threshold: { alpha: cfg.alpha, maxDrop: cfg.maxDrop },
    ...(details ? { details } : {}),
    summary:
      status === 'fail'
        ? `Performance dropped: ${change} (p = ${pValue.toExponential(2)}).`
        : status === 'warn'
          ? `Small but significant change: ${change} (p = ${pValue.toExponential(2)}), within the tolerated ${cfg.maxDrop}.`
          : `No significant drop: ${change} (p = ${pValue.toPrecision(3)}).`,
  };
}
