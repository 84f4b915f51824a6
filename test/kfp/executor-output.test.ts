/**
 * KFP outputs: the v2 executor output checked against the KFP protos (ml_pipelines.ExecutorOutput, via buf +
 * protobuf-es, reusing test/manifests/kfp-proto.ts) and against what the KFP UI reads from artifact metadata
 * (docs/artifacts.md); the v1 UI metadata and metrics files; and the CLI end to end.
 */
import { CHECKS, find, findAll } from '../../src/checks/index.js';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { parse as parseCsv } from 'csv-parse/sync';
import { classificationMetrics, keyFigures, kfpV1Metrics, kfpV1UiMetadata, V1_METRIC_NAME } from '../../src/emit/kfp.js';
import { localPathForUri, parseExecutorInput, planExecutorOutput, type PipelineFiles } from '../../src/emit/kfp-write.js';
import { pipelineParams } from '../../src/emit/pipeline-params.js';
import { ManifestSchema, type Manifest } from '../../src/schema/manifest.js';
import type { Results } from '../../src/schema/results.js';
import { protoError } from '../manifests/kfp-proto.js';
import { baseResults, HOSTILE, hostileResults, kindChecks } from '../report/fixtures.js';
import { runCli } from '../support/cli.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'moa-kfp-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ROOT = 'minio://mlpipeline/v2/artifacts/moa-pipeline/run-7f3a/moa-analyze/5d1c';
const artifact = (name: string, schemaTitle: string) => ({ [name]: { artifacts: [{ type: { schemaTitle, schemaVersion: '0.0.1' }, uri: `${ROOT}/${name}`, metadata: {} }] } });

/** An executor input as the KFP 2.17 driver passes it for pipeline/kfp/moa-analyze.component.yaml (plus ClassificationMetrics). */
function executorInput(paramDir: string, outputFile: string) {
  return {
    inputs: { parameterValues: { reference: 's3://data/ref/', operational: 's3://data/op/', out: '/tmp/moa/out', validation: '' } },
    outputs: {
      artifacts: {
        ...artifact('report', 'system.HTML'),
        ...artifact('summary', 'system.Markdown'),
        ...artifact('metrics', 'system.Metrics'),
        ...artifact('classification_metrics', 'system.ClassificationMetrics'),
        ...artifact('results', 'system.Artifact'),
        ...artifact('retrain_config', 'system.Artifact'),
        ...artifact('mlpipeline_ui_metadata', 'system.Artifact'),
      },
      parameters: Object.fromEntries(['action', 'shift_type', 'drift_detected', 'tests_run', 'manifest_uri'].map((p) => [p, { outputFile: path.join(paramDir, p) }])),
      outputFile,
    },
  };
}

function files(results: Results): PipelineFiles {
  const manifest = { stand: 'in' } as unknown as Manifest; // the manifest is passed through as a file; its schema is tested elsewhere
  return { results, manifest, report: '<!DOCTYPE html><p>report</p>', summary: '# summary\n', manifestUri: '/tmp/moa/out/retrain-config.json' };
}

describe('KFP v2 executor output', () => {
  const input = executorInput('/tmp/kfp/outputs', `${localPathForUri(ROOT)!}/output_metadata.json`);
  const results = hostileResults(40);
  const { output, writes } = planExecutorOutput(parseExecutorInput(JSON.stringify(input)), files(results), { root: '/r' });

  it('the executor input fixture is a valid ml_pipelines.ExecutorInput, and the output a valid ExecutorOutput', () => {
    expect(protoError('ml_pipelines.ExecutorInput', input)).toBeUndefined();
    expect(protoError('ml_pipelines.ExecutorOutput', output)).toBeUndefined();
    const written = JSON.parse(writes.find((w) => w.path === input.outputs.outputFile)!.content);
    expect(protoError('ml_pipelines.ExecutorOutput', written)).toBeUndefined();
  });

  it('the proto check can fail: unknown fields, a wrong type for a list', () => {
    expect(protoError('ml_pipelines.ExecutorOutput', { ...output, parameterValue: {} })).toMatch(/parameterValue/);
    expect(protoError('ml_pipelines.ExecutorOutput', { artifacts: { report: { artifacts: { uri: 'x' } } } })).toBeDefined();
  });

  it('writes each artifact where the launcher uploads it from (the URI under /minio), the report as HTML', () => {
    const at = (name: string) => writes.find((w) => w.path === `/r/minio/mlpipeline/v2/artifacts/moa-pipeline/run-7f3a/moa-analyze/5d1c/${name}`);
    expect(at('report')!.content).toBe('<!DOCTYPE html><p>report</p>');
    expect(at('summary')!.content).toBe('# summary\n');
    expect(JSON.parse(at('results')!.content).runId).toBe(results.runId);
    expect(JSON.parse(at('retrain_config')!.content)).toEqual({ stand: 'in' });
    expect(JSON.parse(at('mlpipeline_ui_metadata')!.content).version).toBe(1);
    expect(Object.keys(output.artifacts as object).sort()).toEqual(Object.keys(input.outputs.artifacts).sort());
  });

  it('system.Metrics metadata holds the key figures as numbers', () => {
    const metadata = (output.artifacts as Record<string, { artifacts: { metadata: Record<string, unknown> }[] }>).metrics!.artifacts[0]!.metadata;
    expect(metadata).toEqual(keyFigures(results));
    expect(Object.values(metadata).every((v) => typeof v === 'number' && Number.isFinite(v))).toBe(true);
    expect(metadata).toMatchObject({ tests_run: results.plan.testsRun, features_tested: 40, features_drifted: 4, drift_share: 0.1, performance_accuracy: 0.71, performance_baseline_accuracy: 0.9, estimated_accuracy: 0.75, calibration_ece: 0.08, multivariate_auc: 0.81 });
  });

  it('system.ClassificationMetrics: a confusion matrix the UI can draw (rows = annotationSpecs), no ROC for 5 classes', () => {
    const metadata = (output.artifacts as Record<string, { artifacts: { metadata: Record<string, unknown> }[] }>).classification_metrics!.artifacts[0]!.metadata;
    const cm = metadata.confusionMatrix as { annotationSpecs: { displayName: string }[]; rows: { row: number[] }[] };
    expect(cm.annotationSpecs.map((a) => a.displayName)).toEqual(['red', 'green', HOSTILE[0], HOSTILE[1], HOSTILE[6]]);
    expect(cm.rows.length).toBe(cm.annotationSpecs.length);
    expect(cm.rows.every((r) => r.row.length === cm.annotationSpecs.length)).toBe(true);
    expect(metadata.confidenceMetrics).toBeUndefined();
  });

  it('binary classification gets the ROC curve as confidenceMetrics', () => {
    const perf = find(kindChecks(), CHECKS.performance)!;
    const binary = baseResults([{ ...perf, details: { ...perf.details, confusionMatrix: { labels: ['no', 'yes'], matrix: [[50, 5], [10, 35]] } } }]);
    const m = classificationMetrics(binary);
    expect(m.confidenceMetrics).toEqual([
      { confidenceThreshold: 1, recall: 0, falsePositiveRate: 0 },
      { confidenceThreshold: 0.7, recall: 0.6, falsePositiveRate: 0.1 },
      { confidenceThreshold: 0.4, recall: 0.85, falsePositiveRate: 0.3 },
      { confidenceThreshold: 0, recall: 1, falsePositiveRate: 1 },
    ]);
    expect(classificationMetrics(baseResults([]))).toEqual({}); // regression or no labels: nothing to draw
  });

  it('output parameters: typed parameterValues, text files without a trailing newline', () => {
    const p = pipelineParams(results, `${ROOT}/retrain_config`);
    expect(output.parameterValues).toEqual({ action: 'retrain', shift_type: 'concept', drift_detected: true, tests_run: results.plan.testsRun, manifest_uri: `${ROOT}/retrain_config` });
    expect(p.manifest_uri).toBe(`${ROOT}/retrain_config`); // a local --out vanishes with the pod: the uploaded artifact
    const file = (n: string) => writes.find((w) => w.path === `/tmp/kfp/outputs/${n}`)!.content;
    expect(file('drift_detected')).toBe('true');
    expect(file('tests_run')).toBe(String(results.plan.testsRun));
    expect(file('action')).toBe('retrain');
    for (const n of ['action', 'shift_type', 'drift_detected', 'tests_run', 'manifest_uri']) expect(file(n)).not.toMatch(/\s$/);
  });

  it('drift_detected counts drift of any kind, not only per-feature', () => {
    const mv = findAll(kindChecks(), CHECKS.multivariateDrift);
    expect(pipelineParams(baseResults(mv), 'x').drift_detected).toBe(true);
    expect(pipelineParams(baseResults(mv.map((c) => ({ ...c, status: 'pass' as const }))), 'x').drift_detected).toBe(false);
  });

  it('rejects malformed executor input as a usage error', () => {
    expect(() => parseExecutorInput('{not json')).toThrow(/--executor-input is not JSON/);
    expect(() => parseExecutorInput(JSON.stringify({ outputs: { artifacts: {} } }))).toThrow(/outputFile/);
  });

  it('maps artifact URIs the way the launcher does', () => {
    expect(localPathForUri('gs://b/k/x')).toBe('/gcs/b/k/x');
    expect(localPathForUri('s3://b/k')).toBe('/s3/b/k');
    expect(localPathForUri('minio://mlpipeline/a')).toBe('/minio/mlpipeline/a');
    expect(localPathForUri('oci://x')).toBeUndefined();
  });
});

describe('KFP v1 files', () => {
  const results = hostileResults(40);
  const meta = kfpV1UiMetadata(results, '<p>r</p>', '# s');

  it('UI metadata: the inline report, the summary, a checks table and a confusion matrix whose CSV survives hostile labels', () => {
    expect(meta.outputs.map((o) => o.type)).toEqual(['web-app', 'markdown', 'table', 'confusion_matrix']);
    expect(meta.outputs[0]).toEqual({ type: 'web-app', storage: 'inline', source: '<p>r</p>' });
    const cm = meta.outputs[3] as { labels: string[]; source: string; schema: { name: string }[] };
    expect(cm.schema.map((s) => s.name)).toEqual(['target', 'predicted', 'count']);
    const rows = parseCsv(cm.source) as string[][];
    expect(rows.length).toBe(cm.labels.length ** 2);
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(cm.labels)); // quoting kept commas and quotes inside labels
    const table = meta.outputs[2] as { header: string[]; source: string };
    const tableRows = parseCsv(table.source) as string[][];
    expect(tableRows.every((r) => r.length === table.header.length)).toBe(true);
    expect(tableRows[0]![2]).toBe('fail'); // attention first
  });

  it('metrics: valid names, numbers, at most 50', () => {
    const { metrics } = kfpV1Metrics(hostileResults(40));
    expect(metrics.length).toBeGreaterThan(10);
    expect(metrics.length).toBeLessThanOrEqual(50);
    for (const m of metrics) {
      expect(m.name).toMatch(V1_METRIC_NAME);
      expect(m.name.length).toBeLessThanOrEqual(63);
      expect(Number.isFinite(m.numberValue)).toBe(true);
    }
    expect(metrics.find((m) => m.name === 'drift-share')?.numberValue).toBe(0.1);
  });
});

describe('moa run with --executor-input and --kfp-v1-dir (built CLI on the demo data)', () => {
  it('writes every KFP output before the manifest, the same report as --out', async () => {
    const demo = path.join(work, 'demo');
    expect((await runCli(['demo', '--dir', demo])).code).toBe(0);
    const root = path.join(work, 'launcher');
    const input = executorInput(path.join(root, 'tmp/kfp/outputs'), path.join(root, 'minio/mlpipeline/v2/artifacts/moa-pipeline/run-7f3a/moa-analyze/5d1c/output_metadata.json'));
    const out = path.join(work, 'out');
    const v1 = path.join(work, 'v1');
    const run = await runCli(['run', '--config', path.join(demo, 'moa-config.json'), '--out', out, '--executor-input', JSON.stringify(input), '--kfp-v1-dir', v1], { MOA_KFP_LOCAL_ROOT: root });
    expect(run.stderr).not.toMatch(/KFP output (artifact|parameter)/);
    expect(run.code).toBe(0);
    const executorOutput = JSON.parse(readFileSync(input.outputs.outputFile, 'utf8'));
    expect(protoError('ml_pipelines.ExecutorOutput', executorOutput)).toBeUndefined();
    const local = (name: string) => path.join(root, 'minio/mlpipeline/v2/artifacts/moa-pipeline/run-7f3a/moa-analyze/5d1c', name);
    expect(readFileSync(local('report'), 'utf8')).toBe(readFileSync(path.join(out, 'report.html'), 'utf8'));
    expect(readFileSync(local('summary'), 'utf8')).toBe(readFileSync(path.join(out, 'summary.md'), 'utf8'));
    expect(ManifestSchema.safeParse(JSON.parse(readFileSync(local('retrain_config'), 'utf8'))).success).toBe(true);
    expect(executorOutput.parameterValues.action).toBe(readFileSync(path.join(root, 'tmp/kfp/outputs/action'), 'utf8'));
    expect(executorOutput.artifacts.classification_metrics.artifacts[0].metadata.confusionMatrix.annotationSpecs.length).toBeGreaterThan(1);
    expect(JSON.parse(readFileSync(path.join(v1, 'mlpipeline-metrics.json'), 'utf8')).metrics.length).toBeGreaterThan(3);
    expect(JSON.parse(readFileSync(path.join(v1, 'mlpipeline-ui-metadata.json'), 'utf8')).outputs[0].source).toBe(readFileSync(path.join(out, 'report.html'), 'utf8'));
    expect(existsSync(path.join(out, 'retrain-config.json'))).toBe(true);
  });

  it('a malformed --executor-input is a usage error (exit 2) and no manifest is written', async () => {
    const out = path.join(work, 'bad-out');
    const run = await runCli(['run', '--config', path.join(work, 'demo', 'moa-config.json'), '--out', out, '--executor-input', '{"outputs":{}}']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--executor-input/);
    expect(existsSync(path.join(out, 'retrain-config.json'))).toBe(false);
  });
});
