/**
 * Kubeflow Pipelines metadata from the results: what the KFP UIs show natively (docs/artifacts.md). Pure functions; kfp-write.ts puts them on disk.
 */
import type { CheckResult, Results } from '../schema/results.js';
import { ConfusionMatrixSchema, detail, RocSchema, type ConfusionMatrixDetail, type RocDetail } from './details.js';
import { CHECKS, failing, findAll, judged, untyped } from '../checks/index.js';
import { DRIFT_CHECKS } from './pipeline-params.js';

/** Prefix per kind for the figures of the most severe check of that kind; other checks use their id. */
const FIGURE_KINDS: ReadonlyMap<string, string> = new Map([
  [CHECKS.performance.kind, 'performance'],
  [CHECKS.estimatedPerformance.kind, 'estimated'],
  [CHECKS.calibration.kind, 'calibration'],
  [CHECKS.multivariateDrift.kind, 'multivariate'],
  [CHECKS.outputDrift.kind, 'output_drift'],
  [CHECKS.labelShift.kind, 'label_shift'],
]);

const SEVERITY: Record<string, number> = { fail: 0, error: 1, warn: 2, insufficient_data: 3, degenerate: 3, skipped: 4, pass: 5 };

const snake = (s: string) =>
  s
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');

/**
 * The key figures as flat numbers, snake_case names, most important first: run size, drift, then the figures of
 * performance-like checks. The KFP v2 system.Metrics table and run comparison show these.
 */
export function keyFigures(results: Results): Record<string, number> {
  const out: Record<string, number> = {};
  const { checks } = results;
  const count = (status: string) => checks.filter((c) => c.status === status).length;
  out.tests_run = results.plan.testsRun;
  out.tests_full = results.plan.testsFull;
  out.checks_fail = count('fail');
  out.checks_warn = count('warn');
  out.checks_error = count('error');
  out.decision_confidence = results.decision.confidence;
  const drift = findAll(checks, CHECKS.featureDrift).filter(judged);
  if (drift.length) {
    const drifted = drift.filter((c) => c.status === 'fail').length;
    out.features_tested = drift.length;
    out.features_drifted = drifted;
    out.drift_share = drifted / drift.length;
    const effects = drift.map((c) => c.figures.effect).filter((e): e is number => typeof e === 'number' && Number.isFinite(e));
    if (effects.length) out.drift_effect_max = Math.max(...effects);
  }
  const seen = new Set<string>();
  const ordered = checks.filter((c) => FIGURE_KINDS.has(c.kind)).sort((a, b) => (SEVERITY[a.status] ?? 9) - (SEVERITY[b.status] ?? 9));
  for (const c of ordered) {
    const prefix = seen.has(c.kind) ? snake(c.id) : FIGURE_KINDS.get(c.kind)!;
    seen.add(c.kind);
    for (const [k, v] of Object.entries(untyped(c).figures)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      const name = `${prefix}_${snake(k)}`;
      if (!(name in out)) out[name] = v;
    }
  }
  out.drift_kinds_failed = new Set(failing(checks, ...DRIFT_CHECKS).map((c) => c.kind)).size;
  return out;
}

/** The check whose confusion matrix (and ROC) stands for the model: measured performance first. */
function classificationCheck(results: Results): { check: CheckResult; cm: ConfusionMatrixDetail; roc?: RocDetail } | undefined {
  const candidates = [...findAll(results.checks, CHECKS.performance), ...findAll(results.checks, CHECKS.estimatedPerformance)];
  for (const check of candidates) {
    const cm = detail(untyped(check).details, 'confusionMatrix', ConfusionMatrixSchema);
    if (cm) return { check, cm, roc: detail(untyped(check).details, 'roc', RocSchema) };
  }
  return undefined;
}

/** Metadata of a system.ClassificationMetrics artifact: confusion matrix and, for binary tasks, the ROC curve. */
export function classificationMetrics(results: Results): Record<string, unknown> {
  const found = classificationCheck(results);
  if (!found) return {};
  const { cm, roc } = found;
  return {
    confusionMatrix: { annotationSpecs: cm.labels.map((displayName) => ({ displayName })), rows: cm.matrix.map((row) => ({ row })) },
    ...(roc && cm.labels.length === 2
      ? { confidenceMetrics: roc.points.map((p) => ({ confidenceThreshold: p.threshold, recall: p.tpr, falsePositiveRate: p.fpr })) }
      : {}),
  };
}

/** RFC 4180 field quoting (the KFP v1 viewers parse CSV with d3-dsv, which honours it). */
const csvField = (v: unknown) => {
  const s = String(v ?? '');
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = (rows: unknown[][]) => rows.map((r) => r.map(csvField).join(',')).join('\n');

/** Rows in the v1 checks table: those that need attention first. */
export const V1_TABLE_ROWS = 200;

/** `mlpipeline-ui-metadata.json` (KFP v1 output viewers): the report, the summary, the checks, the confusion matrix. */
export function kfpV1UiMetadata(results: Results, report: string, summary: string): { version: 1; outputs: Record<string, unknown>[] } {
  const outputs: Record<string, unknown>[] = [
    { type: 'web-app', storage: 'inline', source: report },
    { type: 'markdown', storage: 'inline', source: summary },
  ];
  const checks = [...results.checks].sort((a, b) => (SEVERITY[a.status] ?? 9) - (SEVERITY[b.status] ?? 9)).slice(0, V1_TABLE_ROWS);
  if (checks.length) {
    outputs.push({
      type: 'table',
      storage: 'inline',
      format: 'csv',
      header: ['check', 'kind', 'status', 'summary'],
      source: csv(checks.map((c) => [c.id, c.kind, c.status, c.summary])),
    });
  }
  const found = classificationCheck(results);
  if (found) {
    const { cm, roc } = found;
    outputs.push({
      type: 'confusion_matrix',
      storage: 'inline',
      format: 'csv',
      schema: [
        { name: 'target', type: 'CATEGORY' },
        { name: 'predicted', type: 'CATEGORY' },
        { name: 'count', type: 'NUMBER' },
      ],
      labels: cm.labels,
      source: csv(cm.labels.flatMap((target, i) => cm.labels.map((predicted, j) => [target, predicted, cm.matrix[i]![j]!]))),
    });
    if (roc && cm.labels.length === 2) {
      outputs.push({
        type: 'roc',
        storage: 'inline',
        format: 'csv',
        schema: [
          { name: 'fpr', type: 'NUMBER' },
          { name: 'tpr', type: 'NUMBER' },
          { name: 'thresholds', type: 'NUMBER' },
        ],
        source: csv(roc.points.map((p) => [p.fpr, p.tpr, p.threshold])),
      });
    }
  }
  return { version: 1, outputs };
}

/** KFP v1 run metrics: names `[a-z]([-a-z0-9]*[a-z0-9])?`, at most 63 characters; the backend keeps 50. */
export const V1_METRIC_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const V1_MAX_METRICS = 50;

export function kfpV1Metrics(results: Results): { metrics: { name: string; numberValue: number; format: 'RAW' }[] } {
  const metrics = Object.entries(keyFigures(results))
    .map(([k, v]) => ({ name: k.replace(/_/g, '-').slice(0, 63).replace(/-+$/, ''), numberValue: v, format: 'RAW' as const }))
    .filter((m) => V1_METRIC_NAME.test(m.name))
    .slice(0, V1_MAX_METRICS);
  return { metrics };
}
