import { mkdtemp, readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { colorFiles } from '../support/color-data.js';
import { logLines, REPO_ROOT, runCli } from '../support/cli.js';

const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
const schema = (name: string) => JSON.parse(readFileSync(path.join(REPO_ROOT, 'schemas', name), 'utf8')) as object;

let dir: string;
let data: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'moa-cli-'));
  data = path.join(dir, 'data');
  await mkdir(data);
  const files = colorFiles();
  await writeFile(path.join(data, 'reference.parquet'), files.reference);
  await writeFile(path.join(data, 'operational.parquet'), files.operational);
  await writeFile(path.join(data, 'validation.parquet'), files.validation);
  await writeFile(path.join(data, 'operational.csv'), files.operationalCsv);
});

const roles = ['--label', 'color', '--prediction', 'predicted', '--proba', 'proba_', '--id', 'id', '--timestamp', 'ts'];

describe('moa CLI', () => {
  it('prints its version and help', async () => {
    const version = await runCli(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/run\s+analyze/);
    const runHelp = await runCli(['run', '--help']);
    expect(runHelp.code).toBe(0);
    for (const flag of ['--reference', '--operational', '--out', '--validation', '--predictions', '--proba', '--output-params']) {
      expect(runHelp.stdout).toContain(flag);
    }
    expect((await runCli([])).code).toBe(2);
  });

  it('exits 2 naming the missing key or unknown flag', async () => {
    const missing = await runCli(['run', '--reference', 'a.parquet', '--operational', 'b.parquet']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/out: /);
    const unknown = await runCli(['run', '--refrence', 'a.parquet']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--refrence');
    expect(unknown.stderr).toContain('moa run --help');
  });

  it('takes a YAML config, lets flags win, and names an invalid key', async () => {
    const out = path.join(dir, 'out-config');
    const config = path.join(dir, 'moa.yaml');
    await writeFile(
      config,
      [
        `reference: ${path.join(data, 'reference.parquet')}`,
        `operational: ${path.join(data, 'does-not-exist.parquet')}`,
        `out: ${out}`,
        'columns: { label: color, prediction: predicted, proba: proba_ }',
        'drift: { alpha: 0.01 }',
      ].join('\n'),
    );
    const ok = await runCli(['run', '--config', config, '--operational', path.join(data, 'operational.parquet')]);
    expect(ok.code).toBe(0);
    const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
    expect(results.config.drift.alpha).toBe(0.01);
    expect(results.config.operational).toBe(path.join(data, 'operational.parquet'));

    await writeFile(config, `reference: r.parquet\noperational: o.parquet\nout: ${out}\ndrift: { alpha: 2, beta: 1 }\n`);
    const bad = await runCli(['run', '--config', config]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('drift.alpha');
    expect(bad.stderr).toContain('drift.beta');
  });

  it('runs the demo: a decision and four outputs that validate against the committed schemas', async () => {
    const demoDir = path.join(dir, 'demo');
    const demo = await runCli(['demo', '--dir', demoDir]);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/^decision: retrain \(shift: new_class/m);
    expect((await readdir(path.join(demoDir, 'out'))).sort()).toEqual(['report.html', 'results.json', 'retrain-config.json', 'selection', 'summary.md']);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const manifest = JSON.parse(await readFile(path.join(demoDir, 'out', 'retrain-config.json'), 'utf8'));
    const results = JSON.parse(await readFile(path.join(demoDir, 'out', 'results.json'), 'utf8'));
    // Compare the error lists, not booleans, so a failure says which field is wrong.
    expect(ajv.validate(schema('retrain-config.schema.json'), manifest) ? [] : ajv.errors).toEqual([]);
    expect(ajv.validate(schema('results.schema.json'), results) ? [] : ajv.errors).toEqual([]);
    expect(manifest.training.newClasses).toEqual(['purple']);
    expect(results.checks.find((c: { id: string }) => c.id === 'drift.feature.r').status).toBe('fail');
    expect(results.checks.find((c: { id: string }) => c.id === 'drift.feature.camera').status).toBe('pass');
  });

  it('reads CSV operational data against a Parquet reference and writes output parameters', async () => {
    const out = path.join(dir, 'out-csv');
    const params = path.join(dir, 'params');
    const run = await runCli(['run', '--reference', path.join(data, 'reference.parquet'), '--operational', path.join(data, 'operational.csv'), '--out', out, '--validation', path.join(data, 'validation.parquet'), '--output-params', params, ...roles]);
    expect(run.code).toBe(0);
    expect(await readFile(path.join(params, 'action'), 'utf8')).toBe('retrain');
    expect(await readFile(path.join(params, 'drift_detected'), 'utf8')).toBe('true');
    expect(await readFile(path.join(params, 'manifest_uri'), 'utf8')).toBe(path.join(out, 'retrain-config.json'));
    // JSON lines on a non-TTY stderr, with stage progress
    const messages = logLines(run.stderr).map((l) => l.msg);
    expect(messages).toEqual(expect.arrayContaining(['stage analyze', 'plan step gates', 'plan step harm', 'stage select', 'stage emit']));
  });

  it('exits 4 for a missing input, 3 for a corrupt one, writes error.json and never a manifest', async () => {
    const missingOut = path.join(dir, 'out-missing');
    const missing = await runCli(['run', '--reference', path.join(data, 'nope.parquet'), '--operational', path.join(data, 'operational.parquet'), '--out', missingOut]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain(path.join(data, 'nope.parquet'));
    expect(JSON.parse(await readFile(path.join(missingOut, 'error.json'), 'utf8')).error.code).toBe('storage.not_found');
    expect(existsSync(path.join(missingOut, 'retrain-config.json'))).toBe(false);

    const corrupt = path.join(data, 'corrupt.parquet');
    await writeFile(corrupt, (await readFile(path.join(data, 'operational.parquet'))).subarray(0, 500));
    const corruptOut = path.join(dir, 'out-corrupt');
    const bad = await runCli(['run', '--reference', path.join(data, 'reference.parquet'), '--operational', corrupt, '--out', corruptOut]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain(corrupt);
    expect(existsSync(path.join(corruptOut, 'retrain-config.json'))).toBe(false);
    expect(JSON.parse(await readFile(path.join(corruptOut, 'error.json'), 'utf8')).exitCode).toBe(3);
  });

  it('decides fix_data, not a retrain, when a feature column is missing from the operational data', async () => {
    const csv = (await readFile(path.join(data, 'operational.csv'), 'utf8')).replace(/^id,ts,r,g,b,/, 'id,ts,red,g,b,');
    const file = path.join(data, 'renamed.csv');
    await writeFile(file, csv);
    const out = path.join(dir, 'out-renamed');
    const run = await runCli(['run', '--reference', path.join(data, 'reference.parquet'), '--operational', file, '--out', out, ...roles]);
    expect(run.code).toBe(0);
    const manifest = JSON.parse(await readFile(path.join(out, 'retrain-config.json'), 'utf8'));
    expect(manifest.decision.action).toBe('fix_data');
    expect(manifest.data.sources.find((s: { role: string }) => s.role === 'operational').use).toBe('none');
    expect(manifest.plan.testsRun).toBeLessThan(manifest.plan.testsFull);
  });

  it('takes URIs from a firing alert (flags win), treats empty flags as absent, and records the trigger', async () => {
    const out = path.join(dir, 'out-alert');
    const alert = {
      version: '4',
      groupKey: '{}:{alertname="FeatureDrift"}',
      status: 'firing',
      receiver: 'moa',
      groupLabels: { alertname: 'FeatureDrift' },
      commonLabels: { alertname: 'FeatureDrift', model: 'color', moa_reference: path.join(data, 'reference.parquet'), moa_operational: path.join(data, 'operational.parquet'), moa_out: path.join(dir, 'not-used') },
      commonAnnotations: {},
      externalURL: 'http://alertmanager:9093',
      truncatedAlerts: 0,
      alerts: [{ status: 'firing', labels: { alertname: 'FeatureDrift' }, annotations: {}, startsAt: '2026-11-28T10:00:00Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: 'abc123' }],
    };
    const file = path.join(dir, 'alert.json');
    await writeFile(file, JSON.stringify(alert));
    const run = await runCli(['run', '--alert', `@${file}`, '--out', out, '--validation=', '--predictions=', '--submit-retrain=', ...roles]);
    expect(run.code).toBe(0);
    const manifest = JSON.parse(await readFile(path.join(out, 'retrain-config.json'), 'utf8'));
    expect(manifest.metadata.config.reference).toBe(path.join(data, 'reference.parquet'));
    expect(manifest.metadata.config.validation).toBeUndefined();
    expect(manifest.metadata.trigger).toMatchObject({ source: 'alertmanager', status: 'firing', model: 'color', startsAt: '2026-11-28T10:00:00.000Z' });
    // No --since/--until: the window is the alert's, from its start less a day's margin.
    expect(manifest.metadata.config.window.since).toBe('2026-11-27T10:00:00.000Z');
    expect(manifest.metadata.inputs.find((i: { role: string }) => i.role === 'operational').rows).toBeLessThan(2000);
    // Outside a cluster the Kubernetes calls are logged no-ops.
    expect(logLines(run.stderr).map((l) => l.msg)).toContain('completion event skipped');

    const malformed = await runCli(['run', '--alert', '{"status": 3}', '--out', out]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('--alert');
  });
});
