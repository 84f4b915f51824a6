/**
 * Results for the renderers, every check built through its catalogue entry (src/checks) and validated by its schema,
 * so they hold only figures and details moa could really write — with hostile text (markup, quotes, Unicode) in every
 * data-derived string. test/report/real-run.test.ts renders the results of a real run besides.
 */
import { ConfigSchema } from '../../src/schema/config.js';
import { DRIFT_TESTS } from '../../src/analyze/registry.js';
import { CHECKS, FINDINGS, type CheckResult } from '../../src/checks/index.js';
import { ResultsSchema, type Results } from '../../src/schema/results.js';
import { checkOf } from '../support/checks.js';
import { mulberry32 } from '../../src/stats/index.js';

/** Each sets a marker or opens a dialog if it ever runs as script; the browser test looks for both. */
export const HOSTILE = [
  '<script>window.__pwned=1;alert(1)</script>',
  '"><img src=x onerror="window.__pwned=2;alert(2)">',
  "'><svg onload=alert(3)>",
  '</style><script>window.__pwned=4</script>',
  '</textarea></title><iframe src="javascript:alert(5)">',
  'a & b &amp; `tick` ${x}',
  '温度 ℃ 🌡️ עברית‏ é a\u200bb',
];

export function baseResults(checks: CheckResult[], over: Partial<Results> = {}): Results {
  const config = ConfigSchema.parse({ reference: 's3://bucket/ref/', operational: 's3://bucket/op/', out: 's3://bucket/out/', seed: 7 });
  return ResultsSchema.parse({
    apiVersion: 'moa/v1',
    kind: 'AnalysisResults',
    runId: 'moa-20261129000000-abcdef12',
    startedAt: '2026-11-29T00:00:00.000Z',
    finishedAt: '2026-11-29T00:00:05.000Z',
    toolVersion: '0.1.0',
    task: 'classification',
    inputs: [
      { role: 'reference', uri: 's3://bucket/ref/', objects: [{ uri: 's3://bucket/ref/part-0.parquet', etag: '"abc"', bytes: 100 }], rows: 3000, columns: 12, format: 'parquet' },
      { role: 'operational', uri: 's3://bucket/op/', objects: [{ uri: 's3://bucket/op/part-0.parquet', bytes: 80 }], rows: 2000, columns: 12, format: 'parquet' },
    ],
    config,
    checks,
    decision: { action: 'none', shiftType: 'none', findings: [], confidence: 0.5, reasons: [] },
    plan: plan(checks.length, checks.length, checks.map((c) => c.id), []),
    selection: null,
    ...over,
  });
}

export function plan(testsRun: number, testsFull: number, executed: string[], skipped: { id: string; reason: string }[], stoppedAt: string | null = null): Results['plan'] {
  return {
    testsRun,
    testsFull,
    executed,
    skipped,
    steps: [
      { id: 'gates', title: 'Data-quality gates', status: 'run', tests: 2 },
      { id: 'harm', title: `Is the model harmed? ${HOSTILE[0]}`, status: 'run', tests: Math.max(0, testsRun - 2) },
      { id: 'explain', title: 'What changed', status: stoppedAt ? 'skipped' : 'run', tests: testsFull - testsRun, ...(stoppedAt ? { reason: HOSTILE[1] } : {}) },
    ],
    stoppedAt,
    alpha: { gates: 0.01, harm: 0.02, explain: 0.02 },
  };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

function normalShares(rng: () => number, bins: number, shift: number): number[] {
  const raw = Array.from({ length: bins }, (_, i) => Math.exp(-(((i - bins / 2 - shift) / (bins / 6)) ** 2)) * (0.9 + 0.2 * rng()));
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((v) => round(v / sum));
}

/** One drift check per feature; every tenth drifted, some categorical, names hostile where i < HOSTILE.length. */
export function driftChecks(features: number, seed = 1): CheckResult[] {
  const g = mulberry32(seed);
  const rng = () => g.nextDouble53();
  const checks: CheckResult[] = [];
  for (let i = 0; i < features; i++) {
    const name = i < HOSTILE.length ? HOSTILE[i]! : `feature_${String(i).padStart(4, '0')}`;
    const drifted = i % 10 === 0;
    const effect = round(drifted ? 0.15 + 0.5 * rng() : 0.05 * rng());
    const categorical = i % 3 === 1;
    const distribution = categorical
      ? { kind: 'categorical' as const, categories: [HOSTILE[i % HOSTILE.length]!, 'b', 'c', 'd'], reference: [0.4, 0.3, 0.2, 0.1], operational: drifted ? [0.1, 0.2, 0.3, 0.4] : [0.38, 0.31, 0.2, 0.11] }
      : { kind: 'numeric' as const, edges: Array.from({ length: 31 }, (_, k) => round(-3 + k * 0.2)), reference: normalShares(rng, 30, 0), operational: normalShares(rng, 30, drifted ? 4 : 0) };
    checks.push(
      checkOf(CHECKS.featureDrift, {
        id: `drift.feature.${name}`,
        subject: name,
        status: drifted ? 'fail' : 'pass',
        method: categorical ? 'chi2_contingency' : 'ks_2samp (asymp)',
        figures: { statistic: effect, pValue: drifted ? 1e-12 : 0.4, adjustedPValue: drifted ? 1e-10 : 0.8, effect, nReference: 3000, nOperational: 2000 },
        threshold: { alpha: 0.05, minEffect: 0.1 },
        summary: drifted ? `Drifted: effect ${effect} on ${name}.` : `No significant change on ${name}.`,
        details: { distribution, test: categorical ? DRIFT_TESTS.categorical : { ...DRIFT_TESTS.numeric, describe: `two-sample KS ${HOSTILE[0]}` } },
      }),
    );
  }
  return checks;
}

/** One check of every other kind the report draws, built through the catalogue, with hostile labels. */
export function kindChecks(): CheckResult[] {
  const labels = ['red', 'green', HOSTILE[0]!, HOSTILE[1]!, HOSTILE[6]!];
  const matrix = labels.map((_, i) => labels.map((__, j) => (i === j ? 80 + 5 * i : (i + 2 * j) % 7)));
  // Evidence over time: eight chunks (four of an earlier run), the last four below the baseline's band.
  const pooled = [0.91, 0.9, 0.89, 0.9, 0.8, 0.79, 0.78, 0.76].map((metric, c) => ({
    run: c < 4 ? `earlier-${HOSTILE[0]}` : 'moa-20261129000000-abcdef12',
    start: Date.UTC(2026, 10, 1 + 3 * c),
    end: Date.UTC(2026, 10, 4 + 3 * c),
    rows: 250,
    labelled: 250,
    metric,
    variance: metric * (1 - metric),
    drop: 0.9 - metric,
    z: (0.9 - metric) / Math.sqrt(0.09 / 250 + 0.09 / 2000),
    drift: c < 4 ? 0.05 : 0.3,
    driftFeature: HOSTILE[2]!,
  }));
  const reliability = (bins: number) => ({ bins: Array.from({ length: bins }, (_, k) => ({ lo: k / bins, hi: (k + 1) / bins, confidence: (k + 0.5) / bins, accuracy: Math.max(0, (k + 0.3) / bins), count: 10 + k * 20 })) });
  return [
    checkOf(CHECKS.schemaGate, { id: 'schema.columns', status: 'warn', method: 'column comparison', figures: { missing: 1, retyped: 0 }, summary: `Column ${HOSTILE[1]} is missing.`, details: { missing: [HOSTILE[1]!], retyped: [], added: [HOSTILE[3]!], missingOutputs: [] } }),
    checkOf(CHECKS.ingestJoin, { id: 'ingest.predictions_join', status: 'pass', method: 'join on id', figures: { matched: 2000, rows: 2000, coverage: 1 }, summary: 'All rows joined.', details: { columns: ['predicted'] } }),
    // Details without a dedicated view are shown generically, nested records at a bounded depth.
    checkOf(CHECKS.contract, {
      id: 'ingest.contract',
      status: 'warn',
      method: 'moa operational data contract',
      figures: { minimumMet: true, available: 3, unavailable: 1 },
      summary: `Log ${HOSTILE[1]} to unlock the rest.`,
      details: { columns: [{ nested: { deeper: { deepest: { tooDeep: HOSTILE[0] } } } }], analyses: [{ id: 'cbpe', title: HOSTILE[2]!, kind: CHECKS.estimatedPerformance.kind, available: false, missing: ['proba'], inputs: [] }], add: [{ column: HOSTILE[4] }] },
    }),
    checkOf(CHECKS.dataQuality, { id: 'quality.column.x', subject: HOSTILE[4], status: 'pass', figures: { nullShareOperational: 0.01 }, summary: 'Few nulls.', details: { findings: [] } }),
    checkOf(CHECKS.outputDrift, { id: 'drift.output.predicted', subject: 'predicted', status: 'warn', method: 'chi2_contingency', figures: { statistic: 12.5, pValue: 0.01 }, summary: 'Prediction mix changed.', details: { distribution: { kind: 'categorical', categories: labels, reference: [0.2, 0.2, 0.2, 0.2, 0.2], operational: [0.3, 0.1, 0.2, 0.2, 0.2] } } }),
    checkOf(CHECKS.newClasses, { id: 'analyze.new_classes.labels', status: 'fail', figures: { labelled: 2000, newClasses: 1 }, summary: 'A new class appeared.', details: { classes: [{ name: HOSTILE[0]!, count: 240, share: 0.12 }], reported: [HOSTILE[0]!] } }),
    checkOf(CHECKS.novelty, {
      id: 'analyze.novelty',
      status: 'fail',
      figures: { novelShare: 0.14, excessShare: 0.13 },
      summary: 'Novel rows in two clusters.',
      details: {
        clusters: [
          { size: 240, share: 0.12, estimatedRows: 240, meanConfidence: 0.41, rows: [1, 5, 9, 12, 20, 31, 40, 41, 50, 77], candidate: true, dominantLabel: HOSTILE[1] },
          { size: 30, share: 0.015, estimatedRows: 30, meanConfidence: null, rows: [30], candidate: true },
        ],
      },
    }),
    checkOf(CHECKS.labelShift, { id: 'audit.label_shift', status: 'fail', method: 'BBSE', figures: { priorDistance: 0.2 }, summary: 'Class priors changed.', details: { priors: labels.map((c, i) => ({ class: c, reference: 0.2, estimated: [0.3, 0.1, 0.25, 0.15, 0.2][i]!, lo: [0.25, 0.07, 0.2, 0.1, 0.15][i]!, hi: [0.35, 0.13, 0.3, 0.2, 0.25][i]!, weight: [1.5, 0.5, 1.25, 0.75, 1][i]! })) } }),
    checkOf(CHECKS.multivariateDrift, { id: 'drift.multivariate.domain_classifier', status: 'fail', method: 'domain classifier AUC', figures: { auc: 0.81, pValue: 0.001 }, summary: 'Operational rows are easy to tell apart.', details: { importance: [{ feature: HOSTILE[2]!, importance: 0.4 }, { feature: 'g', importance: 0.25 }, { feature: 'b', importance: 0.1 }] } }),
    checkOf(CHECKS.performance, {
      id: 'audit.performance.accuracy',
      subject: 'accuracy',
      status: 'fail',
      method: 'one-sided two-proportion z-test',
      figures: { accuracy: 0.71, baseline_accuracy: 0.9, drop: 0.19, z: 8.1, pValue: 1e-15, labelled: 800, coverage: 0.4, baselineSource: 'validation' },
      threshold: { alpha: 0.05, maxDrop: 0.05 },
      summary: 'Performance dropped.',
      details: {
        confusionMatrix: { labels, matrix },
        perClass: labels.map((c, i) => ({ class: c, precision: 0.9 - i * 0.1, recall: 0.8 - i * 0.05, f1: i === 4 ? null : 0.85 - i * 0.08, support: 100 + i })),
        reliability: reliability(10),
        baselinePerClass: labels.map((c, i) => ({ class: c, precision: 0.95, recall: 0.9, f1: 0.925 - i / 1000, support: 200 })),
        baselineReliability: { bins: [{ lo: 0.5, hi: 1, confidence: 0.8, accuracy: 0.79, count: 500 }] },
        roc: {
          positive: HOSTILE[3]!,
          points: [
            { threshold: 1, tpr: 0, fpr: 0, precision: 1 },
            { threshold: 0.7, tpr: 0.6, fpr: 0.1, precision: 0.75 },
            { threshold: 0.4, tpr: 0.85, fpr: 0.3, precision: 0.59 },
            { threshold: 0, tpr: 1, fpr: 1, precision: 1 / 3 },
          ],
          auc: 0.83,
          averagePrecision: 0.71,
          positives: 400,
          negatives: 800,
        },
      },
    }),
    // CBPE's matrix holds expected counts: fractions with every digit a double has.
    checkOf(CHECKS.estimatedPerformance, {
      id: 'audit.estimated_performance.accuracy',
      subject: 'accuracy',
      status: 'warn',
      method: 'CBPE',
      figures: { accuracy: 0.75, accuracy_lo: 0.7, accuracy_hi: 0.8 },
      summary: 'Estimated accuracy fell.',
      details: {
        confusionMatrix: { labels: ['red', HOSTILE[0]!], matrix: [[1234.5678901234567, 265.43210987654321], [98.76543210987654, 401.23456789012345]] },
        perClass: [{ class: 'red', precision: 0.926, recall: 0.823, f1: 0.871, support: 1500.0000000000002 }],
        assumptions: [],
      },
    }),
    checkOf(CHECKS.evidenceOverTime, {
      id: 'audit.evidence_over_time.accuracy',
      subject: 'accuracy',
      status: 'fail',
      figures: { chunks: 8, baseline: 0.9, baselineRows: 2000, drop: 0.06, pValue: 1e-9 },
      threshold: { alpha: 0.005, minDrop: 0.02, minChunks: 3, maxChunks: 10 },
      summary: 'Persistent decline.',
      details: {
        axis: 'time',
        baselineKey: 'validation:2000:0.9:0.09',
        baselineVariance: 0.09,
        chunks: pooled.slice(4),
        pooled,
        history: [],
      },
    }),
    checkOf(CHECKS.dataQuality, {
      id: 'quality.column.unit',
      subject: 'temperature',
      status: 'warn',
      figures: { magnitudeRatio: 1.8, scalePValue: 1e-6 },
      summary: `Possible unit change in temperature (×1.8, ${HOSTILE[5]}).`,
      details: { findings: [{ check: 'scale_change', status: 'warn', text: 'Possible unit change', pValue: 1e-6 }] },
    }),
    checkOf(CHECKS.calibration, { id: 'audit.calibration', status: 'warn', method: 'ECE', figures: { ece: 0.08 }, summary: 'Over-confident.', details: { reliability: reliability(2), baselineReliability: reliability(2) } }),
    checkOf(CHECKS.sliceDegradation, {
      id: 'audit.slices',
      status: 'fail',
      figures: { reported: 2 },
      summary: 'Two slices degraded.',
      details: {
        slices: [
          { predicates: [`camera == ${HOSTILE[1]}`, 'r >= 0.5'], rows: 120, operationalRows: 120, errorRate: 0.4, baselineRows: 300, baselineErrorRate: 0.1, lift: 4, increase: 0.3, pValue: 1e-6, adjustedPValue: 1e-5 },
          { predicates: [`${HOSTILE[0]} == ${JSON.stringify(HOSTILE[2])}`], rows: 80, operationalRows: 80, errorRate: 0.3, baselineErrorRate: 0.1, baselineRows: 200, lift: 3, increase: 0.2, pValue: 1e-4, adjustedPValue: 5e-4 },
        ],
      },
    }),
    checkOf(CHECKS.driftOnset, {
      id: 'select.drift_onset',
      status: 'warn',
      figures: { onsetChunk: 3, chunks: 6, onset: new Date(Date.UTC(2026, 10, 13)).toISOString() },
      threshold: { minEffect: 0.1 },
      summary: `Drift begins at chunk 4 (${HOSTILE[5]}).`,
      details: { chunks: [0.02, 0.04, 0.03, 0.2, 0.25, 0.3].map((statistic, c) => ({ start: new Date(Date.UTC(2026, 10, 1 + 4 * c)).toISOString(), statistic })), since: Date.UTC(2026, 10, 13) },
    }),
  ];
}

/** Hostile results with `features` drift checks plus every other kind. */
export function hostileResults(features = 1000): Results {
  const checks = [...kindChecks(), ...driftChecks(features)];
  return baseResults(checks, {
    decision: {
      action: 'retrain',
      shiftType: 'concept',
      findings: [FINDINGS.featureDrift, FINDINGS.performanceDrop],
      confidence: 0.9,
      reasons: [
        { text: `Performance dropped on ${HOSTILE[1]}.`, checks: ['audit.performance.accuracy', `drift.feature.${HOSTILE[0]}`] },
        { text: HOSTILE[6]!, checks: checks.slice(0, 9).map((c) => c.id) },
      ],
    },
    inputs: [{ role: 'reference', uri: `s3://bucket/${HOSTILE[1]}/`, objects: [{ uri: `s3://bucket/${HOSTILE[0]}.parquet`, etag: HOSTILE[2], bytes: 1 }], rows: 3000, columns: features, format: 'parquet' }],
    plan: plan(checks.length, checks.length + 2, checks.map((c) => c.id), [{ id: `drift.feature.${HOSTILE[3]}`, reason: HOSTILE[1]! }, { id: 'x', reason: 'budget' }], 'harm'),
  });
}

/** The same results with a SELECT section: candidates compared by a proxy model, hostile names included. */
export function withSelection(results: Results): Results {
  return ResultsSchema.parse({
    ...results,
    selection: {
      recommended: HOSTILE[1],
      description: `Recent window reweighted ${HOSTILE[0]}`,
      candidates: [
        { name: 'reference', description: 'the training data as it was', rows: 5000, effectiveRows: 5000, metric: 'accuracy', value: 0.8, recommended: false },
        { name: HOSTILE[1], description: 'window since the drift, reweighted', rows: 1500, effectiveRows: 1200.5, metric: 'accuracy', value: 0.86, recommended: true },
      ],
      window: { since: '2026-11-01T00:00:00Z' },
      weights: { rows: 6500, reference: 5000, operational: 1500, weightSum: 6500, effectiveRows: 6400.25 },
      reason: `Best proxy accuracy ${HOSTILE[3]}`,
      classWeights: { red: 1.2, [HOSTILE[0]!]: 0.8 },
      classWeighting: { source: 'measured', reason: HOSTILE[4], clip: 10, effectiveRows: 4900.5 },
      exclusions: [{ source: 'operational', rows: 12, reason: HOSTILE[2], check: 'quality.nulls' }],
      labelQueue: { rows: 200, budget: 200, byReason: { uncertain: 150, new_class: 50 } },
      validation: { rows: 300, since: null },
    },
  });
}
