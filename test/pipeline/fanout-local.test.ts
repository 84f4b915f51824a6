/**
 * pipeline/argo/moa-profile-fanout.workflowtemplate.yaml run end to end by the local runner: the template's own
 * container commands as processes, two at a time. The bike-sharing hours of 2011 (reference) and 2012 (operational),
 * 8 shards each: the reference is profiled in two passes into the reference profile, the operational shards on its
 * edges (one shard's first pod is lost and retried), each merged in a tree, then `moa run` decides on the two merged
 * profiles. The merged operational profile's exact parts equal `moa profile` of the whole directory, and the decision
 * equals `moa run` on the rows. A second run reuses the reference profile (the reference task is skipped).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { runWorkflowTemplate, type StepRun } from '../support/argo-local.js';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { writeBikeHourParts } from '../support/bike-parts.js';
import { ProfileSchema, type Profile } from '../../src/schema/profile.js';
import { CHECKS, findAll, type CheckResult } from '../../src/checks/index.js';

const TEMPLATE = path.join(REPO_ROOT, 'pipeline/argo/moa-profile-fanout.workflowtemplate.yaml');
const dir = mkdtempSync(path.join(os.tmpdir(), 'moa-fanout-'));
const reference = path.join(dir, 'reference');
const operational = path.join(dir, 'operational');
const SHARDS = 8;
// About 45 CLI processes, two at a time: each starts Node and loads the CLI (seconds on a loaded 2-core machine).
const PROCESSES_TIMEOUT = 900_000;
writeBikeHourParts(reference, SHARDS, 0);
const operationalRows = writeBikeHourParts(operational, SHARDS, 1);
const COLUMNS = { categorical: 'season,weathersit', ignore: 'instant,dteday,casual,registered' };
// config '' = the built-in defaults (the template's default is the ConfigMap's mount, absent here).
const PARAMETERS = { ...COLUMNS, config: '', 'group-size': '3' };
const read = (file: string): Profile => ProfileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
const readResults = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { decision: { action: string }; checks: CheckResult[] };
const failing = (checks: CheckResult[], basis?: string) =>
  findAll(checks, CHECKS.featureDrift)
    .filter((c) => c.status === 'fail' && (basis === undefined || c.basis?.on === basis))
    .map((c) => c.subject)
    .sort();

/** The most processes running at once over all attempts of all steps. */
function mostAtOnce(steps: StepRun[]): number {
  const edges = steps.flatMap((s) => s.spans.flatMap(([a, b]) => [[a, 1], [b, -1]] as const)).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let running = 0;
  let most = 0;
  for (const [, d] of edges) most = Math.max(most, (running += d));
  return most;
}

describe('moa-profile-fanout, run locally', () => {
  const referenceProfile = path.join(dir, 'reference.profile.json');

  it('profiles the reference (two passes) and the 8 operational shards two at a time (one lost pod retried), merges in trees, and decides as the rows do', async () => {
    const out = path.join(dir, 'out');
    const { outputs, artifacts, steps, skipped } = await runWorkflowTemplate(TEMPLATE, {
      repoRoot: REPO_ROOT,
      workDir: path.join(dir, 'pods'),
      parameters: { ...PARAMETERS, reference, operational, 'reference-profile': referenceProfile, out },
      concurrency: 2,
      fault: (task, item, attempt) => (task === 'operational.profile-shard' && (item as { id: string }).id === 's00003' && attempt === 0 ? -1 : undefined),
    });
    expect(skipped).toEqual([]);
    const count = (prefix: string) => steps.filter((s) => s.task.startsWith(prefix)).map((s) => s.template).sort();
    const dataset = ['merge', 'merge', 'merge', 'merge', ...Array(SHARDS).fill('profile'), 'shards'];
    expect(count('reference.first-pass.')).toEqual(dataset);
    expect(count('reference.second-pass.')).toEqual(dataset);
    expect(count('operational.')).toEqual(dataset);
    expect(steps.filter((s) => s.task === 'decide').map((s) => s.template)).toEqual(['decide']);
    const retried = steps.find((s) => s.task === 'operational.profile-shard' && s.args.includes('--shard-id=s00003'))!;
    expect(retried.attempts).toEqual([-1, 0]);
    expect(mostAtOnce(steps)).toBe(2);
    // Each tree: three group merges of ≤ 3 profiles, then one of the three groups.
    expect(steps.filter((s) => s.task === 'operational.merge-group').map((s) => s.args.at(-1)).sort()).toEqual(['g000', 'g001', 'g002'].map((g) => `${out}/operational/profiles/${g}/`));
    // The second reference pass bins on the first's deciles and writes the reference profile; the operational shards bin on it.
    expect(steps.filter((s) => s.task === 'reference.second-pass.profile-shard').every((s) => s.args.includes(`--edges=${out}/reference-edges/profile.json`))).toBe(true);
    expect(steps.filter((s) => s.task === 'operational.profile-shard').every((s) => s.args.includes(`--edges=${referenceProfile}`))).toBe(true);
    expect(outputs['operational-profile']).toBe(`${out}/operational/profile.json`);

    const whole = await runCli(['profile', '--input', operational, '--out', path.join(dir, 'whole.json'), '--edges', referenceProfile, '--categorical', COLUMNS.categorical, '--ignore', COLUMNS.ignore]);
    expect(whole.code).toBe(0);
    const [m, w, r] = [read(outputs['operational-profile']!), read(path.join(dir, 'whole.json')), read(referenceProfile)];
    expect(m.rows).toBe(operationalRows);
    expect(m.sources).toHaveLength(SHARDS);
    expect(r.sources).toHaveLength(SHARDS);
    for (const c of m.columns) {
      const wc = w.columns.find((x) => x.name === c.name)!;
      // Numeric columns carry sketches that depend on the merge tree; histograms are exact.
      if (c.kind === 'numeric' && wc.kind === 'numeric') {
        expect([c.moments.count, c.moments.nulls, c.moments.min, c.moments.max]).toEqual([wc.moments.count, wc.moments.nulls, wc.moments.min, wc.moments.max]);
        expect(c.distinct.registers).toBe(wc.distinct.registers);
        expect(c.quantiles.n).toBe(wc.quantiles.n);
        expect(c.histogram).toEqual(wc.histogram);
        const rc = r.columns.find((x) => x.name === c.name)!;
        expect(rc.kind === 'numeric' && rc.histogram?.edges).toEqual(c.histogram?.edges);
      } else expect(c).toEqual(wc);
    }

    // The decision: the same as `moa run` on the rows, returned as the contract's output parameters and artifacts.
    const rows = await runCli(['run', '--reference', reference, '--operational', operational, '--out', path.join(dir, 'rows'), '--categorical', COLUMNS.categorical, '--ignore', COLUMNS.ignore]);
    expect(rows.code).toBe(0);
    const exact = readResults(path.join(dir, 'rows', 'results.json'));
    const onProfiles = readResults(artifacts.results!);
    expect(outputs.action).toBe(exact.decision.action);
    expect(onProfiles.decision.action).toBe(exact.decision.action);
    expect(Number(outputs.tests_run)).toBeGreaterThan(0);
    expect(outputs.drift_detected).toMatch(/^(true|false)$/);
    expect(Object.keys(artifacts).sort()).toEqual(['report', 'results', 'summary', ...(outputs.manifest_uri ? ['retrain-config'] : [])].sort());
    // On exact category counts the verdicts are the rows' own.
    const counted = new Set(findAll(onProfiles.checks, CHECKS.featureDrift).filter((c) => c.basis?.on === 'counts').map((c) => c.subject));
    expect(counted.size).toBeGreaterThan(0);
    expect(failing(onProfiles.checks, 'counts')).toEqual(failing(exact.checks).filter((f) => counted.has(f)));
  }, PROCESSES_TIMEOUT);

  it('with the reference profile given, skips the reference fan-out and decides the same', async () => {
    const out = path.join(dir, 'out-again');
    const { outputs, steps, skipped } = await runWorkflowTemplate(TEMPLATE, {
      repoRoot: REPO_ROOT,
      workDir: path.join(dir, 'pods-again'),
      parameters: { ...PARAMETERS, 'group-size': '16', operational, 'reference-profile': referenceProfile, out },
    });
    expect(skipped).toEqual(['reference']);
    expect(steps.some((s) => s.task.startsWith('reference'))).toBe(false);
    expect(steps.filter((s) => s.template === 'merge')).toHaveLength(2);
    expect(outputs.action).toBe(readResults(path.join(dir, 'rows', 'results.json')).decision.action);
  }, PROCESSES_TIMEOUT);

  it('a usage error fails the workflow at once: it is not retried', async () => {
    await expect(
      runWorkflowTemplate(TEMPLATE, {
        repoRoot: REPO_ROOT,
        workDir: path.join(dir, 'pods-bad'),
        parameters: { ...PARAMETERS, operational, 'reference-profile': referenceProfile, out: path.join(dir, 'out-bad'), 'sample-size': '-1' },
      }),
    ).rejects.toThrow(/operational\.profile-shard \(profile\) failed with exit code 2 after 1 attempt/);
  }, PROCESSES_TIMEOUT);
});
