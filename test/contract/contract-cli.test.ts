import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { toParquet } from '../../src/emit/parquet.js';
import { parseRunArgs } from '../../src/cli/args.js';
import { validateConfig } from '../../src/config/load.js';
import { ContractReportSchema } from '../../src/schema/contract.js';
import { runCli } from '../support/cli.js';
import { dayString, servingLog, without } from './serving-log.js';

describe('moa contract (local files)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'moa-contract-'));
    const { parts, labels } = servingLog(9);
    for (const p of parts.filter((x) => x.day < 3)) {
      for (const [name, cols] of [['complete', p.columns], ['nopred', without(p.columns, (n) => n === 'prediction' || n === 'model_version')]] as const) {
        const d = path.join(dir, name, `date=${dayString(p.day)}`);
        await mkdir(d, { recursive: true });
        await writeFile(path.join(d, `part-${p.part}.parquet`), toParquet(cols));
      }
    }
    for (const l of labels) {
      await mkdir(path.join(dir, 'labels', `date=${l.date}`), { recursive: true });
      await writeFile(path.join(dir, 'labels', `date=${l.date}`, 'part-0.parquet'), toParquet(l.columns));
    }
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('exits 0 for a log that meets the minimum and 3 when one of several does not', async () => {
    const ok = await runCli(['contract', path.join(dir, 'complete'), '--labels', path.join(dir, 'labels')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('minimum (features, prediction): met');
    expect(ok.stdout).toMatch(/\[x\] late labels \(label feed joined on id\)\s+also needs --labels/);
    const both = await runCli(['contract', path.join(dir, 'complete'), path.join(dir, 'nopred')]);
    expect(both.code).toBe(3);
    expect(both.stdout).toContain('minimum (features, prediction): NOT met');
    expect(both.stdout).toMatch(/\[ \] prediction\s+-\s+required  \(no column "prediction"\)/);
    expect(both.stdout).toMatch(/\n  prediction  \[string \(class\) or double \(regression\)\] -> output drift on predicted classes \(BBSD\); measured performance/);
    expect(both.stdout).toMatch(/\n  model_version  \[string\] -> per-model-version analysis/);
  });

  it('prints JSON reports that follow the schema', async () => {
    const run = await runCli(['contract', path.join(dir, 'nopred'), '--json', '--since', dayString(1)]);
    expect(run.code).toBe(3);
    const reports = JSON.parse(run.stdout) as unknown[];
    expect(reports).toHaveLength(1);
    const report = ContractReportSchema.parse(reports[0]);
    expect(report.minimumMet).toBe(false);
    expect(report.rows).toBe(34 + 38); // days 1 and 2 only
  });

  it('reads only the newest part files under --max-files, and the label feed from the earliest row read on', async () => {
    const run = await runCli(['contract', path.join(dir, 'complete'), '--labels', path.join(dir, 'labels'), '--max-files', '2', '--json'], { MOA_LOG_LEVEL: 'debug' });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)[0].rows).toBe(38); // the two part files of day 2
    const reads = run.stderr.split('\n').filter((l) => l.includes('"msg":"read object"')).map((l) => JSON.parse(l) as { role: string; uri: string });
    expect(reads.filter((r) => r.role === 'operational').map((r) => path.relative(dir, r.uri))).toEqual([`complete/date=${dayString(2)}/part-0.parquet`, `complete/date=${dayString(2)}/part-1.parquet`]);
    expect(reads.filter((r) => r.role === 'labels').every((r) => path.basename(path.dirname(r.uri)) >= `date=${dayString(2)}`)).toBe(true);
    expect((await runCli(['contract', path.join(dir, 'complete'), '--max-files', '0'])).code).toBe(2);
  });

  it('shows help, and treats a missing URI or a bad window as usage errors', async () => {
    const help = await runCli(['contract', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: moa contract URI...');
    expect((await runCli(['contract'])).code).toBe(2);
    const bad = await runCli(['contract', path.join(dir, 'complete'), '--since', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since \\"soon\\" is not a date');
    const schema = await runCli(['contract', '--schema', 'labels']);
    expect(schema.code).toBe(0);
    expect(JSON.parse(schema.stdout)).toMatchObject({ title: 'moa contract: labels', required: ['request_id', 'label'], additionalProperties: false });
    expect((await runCli(['contract', '--schema', 'nope'])).code).toBe(2);
    const main = await runCli(['--help']);
    expect(main.stdout).toMatch(/\n  contract  check operational logs/);
  });

  it('moa run maps --labels, --since and --until onto the labels and window config keys', () => {
    const { overrides } = parseRunArgs(['--reference', 'r', '--operational', 'o', '--out', 'x', '--labels', 's3://b/labels/', '--since', '2026-01-04', '--until', '2026-01-07T00:00:00Z', '--id', 'request_id']);
    const config = validateConfig(overrides, 'flags');
    expect(config.labels).toEqual({ uri: 's3://b/labels/', timestamp: 'label_ts', minCoverage: 0.5 });
    expect(config.window).toEqual({ since: '2026-01-04', until: '2026-01-07T00:00:00Z' });
    expect(validateConfig(parseRunArgs(['--reference', 'r', '--operational', 'o', '--out', 'x']).overrides, 'flags').window).toEqual({});
    expect(() => validateConfig(parseRunArgs(['--reference', 'r', '--operational', 'o', '--out', 'x', '--since', 'soon']).overrides, 'flags')).toThrow(/window\.since/);
  });
});
