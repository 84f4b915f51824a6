/**
 * pipeline/argo/moa-profile-fanout.workflowtemplate.yaml run end to end by the local runner: the template's own
 * container commands as processes, two at a time, on 8 shards of the bike-sharing hours; one shard's first pod is
 * lost and retried. The merged profile's exact parts equal `moa profile` of the whole directory.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { runWorkflowTemplate } from '../support/argo-local.js';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { writeBikeHourParts } from '../support/bike-parts.js';
import { ProfileSchema, type Profile } from '../../src/schema/profile.js';

const TEMPLATE = path.join(REPO_ROOT, 'pipeline/argo/moa-profile-fanout.workflowtemplate.yaml');
const dir = mkdtempSync(path.join(os.tmpdir(), 'moa-fanout-'));
const input = path.join(dir, 'input');
const SHARDS = 8;
// 14 CLI processes, two at a time: each starts Node and loads the CLI (seconds on a loaded 2-core machine).
const PROCESSES_TIMEOUT = 300_000;
const rows = writeBikeHourParts(input, SHARDS);
const read = (file: string): Profile => ProfileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));

describe('moa-profile-fanout, run locally', () => {
  it('lists 8 shards, profiles them two at a time (one lost pod retried), merges in a tree, and equals the whole', async () => {
    const out = path.join(dir, 'out');
    const { outputs, steps } = await runWorkflowTemplate(TEMPLATE, {
      repoRoot: REPO_ROOT,
      workDir: path.join(dir, 'pods'),
      parameters: { input, out, 'group-size': '3', categorical: 'season,weathersit', 'sample-size': '400' },
      concurrency: 2,
      fault: (task, item, attempt) => (task === 'profile-shard' && (item as { id: string }).id === 's00003' && attempt === 0 ? -1 : undefined),
    });
    expect(outputs.profile).toBe(`${out}/profile.json`);
    expect(steps.map((s) => s.template).sort()).toEqual(['merge', 'merge', 'merge', 'merge', ...Array(SHARDS).fill('profile'), 'shards']);
    const retried = steps.find((s) => s.args.includes('--shard-id=s00003'))!;
    expect(retried.attempts).toEqual([-1, 0]);
    // Never more than two processes at once.
    const edges = steps.flatMap((s) => s.spans.flatMap(([a, b]) => [[a, 1], [b, -1]] as const)).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    let running = 0;
    let most = 0;
    for (const [, d] of edges) most = Math.max(most, (running += d));
    expect(most).toBeLessThanOrEqual(2);
    expect(most).toBe(2);
    // The tree: three group merges of ≤ 3 profiles, then one of the three groups.
    expect(steps.filter((s) => s.task === 'merge-group').map((s) => s.args.at(-1)).sort()).toEqual(['g000', 'g001', 'g002'].map((g) => `${out}/profiles/${g}/`));

    const whole = await runCli(['profile', '--input', input, '--out', path.join(dir, 'whole.json'), '--categorical', 'season,weathersit', '--sample-size', '400']);
    expect(whole.code).toBe(0);
    const [m, w] = [read(outputs.profile!), read(path.join(dir, 'whole.json'))];
    expect(m.rows).toBe(rows);
    expect(m.sources).toHaveLength(SHARDS);
    for (const c of m.columns) {
      const wc = w.columns.find((x) => x.name === c.name)!;
      // Numeric and timestamp columns (dteday: ISO dates are read as times) carry sketches that depend on the merge tree.
      if ((c.kind === 'numeric' || c.kind === 'timestamp') && c.kind === wc.kind) {
        expect([c.moments.count, c.moments.nulls, c.moments.min, c.moments.max]).toEqual([wc.moments.count, wc.moments.nulls, wc.moments.min, wc.moments.max]);
        expect(c.distinct.registers).toBe(wc.distinct.registers);
        expect(c.quantiles.n).toBe(wc.quantiles.n);
      } else expect(c).toEqual(wc);
    }
  }, PROCESSES_TIMEOUT);

  it('a usage error fails the workflow at once: it is not retried', async () => {
    await expect(
      runWorkflowTemplate(TEMPLATE, { repoRoot: REPO_ROOT, workDir: path.join(dir, 'pods-bad'), parameters: { input, out: path.join(dir, 'out-bad'), 'sample-size': '-1' } }),
    ).rejects.toThrow(/profile-shard \(profile\) failed with exit code 2 after 1 attempt/);
  }, PROCESSES_TIMEOUT);
});
