/**
 * `moa shards`, `moa profile` and `moa merge` as a pod runs them (the built CLI as a child process), on the
 * bike-sharing hours cut into part files: the merged profile's exact parts equal the profile of the whole
 * directory, and users' mistakes end in the documented exit codes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { runCli } from '../support/cli.js';
import { writeBikeHourParts } from '../support/bike-parts.js';
import { ProfileSchema, type Profile } from '../../src/schema/profile.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'moa-profile-cli-'));
const data = path.join(dir, 'data');
const rows = writeBikeHourParts(data, 5);
// Each CLI process starts Node and loads the CLI: seconds apiece on a loaded 2-core machine.
const PROCESSES_TIMEOUT = 300_000;
const read = (file: string): Profile => ProfileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));

describe('moa shards / profile / merge', () => {
  it('lists shards in groups, profiles each, merges groups then the groups, and matches the whole directory', async () => {
    const params = path.join(dir, 'params');
    const listed = await runCli(['shards', '--input', data, '--group-size', '2', '--output-params', params]);
    expect(listed.code).toBe(0);
    const shards = JSON.parse(listed.stdout) as { id: string; uri: string; group: string }[];
    expect(shards.map((s) => s.group)).toEqual(['g000', 'g000', 'g001', 'g001', 'g002']);
    expect(JSON.parse(readFileSync(path.join(params, 'groups'), 'utf8'))).toEqual(['g000', 'g001', 'g002']);
    expect(JSON.parse(readFileSync(path.join(params, 'shards'), 'utf8'))).toEqual(shards);
    const common = ['--categorical', 'season,weathersit', '--sample-size', '300'];
    for (const s of shards) {
      const r = await runCli(['profile', '--input', s.uri, '--shard-id', s.id, '--out', path.join(dir, 'profiles', s.group, `${s.id}.json`), ...common]);
      expect(r.stderr).not.toMatch(/"level":"error"/);
      expect(r.code).toBe(0);
    }
    for (const g of ['g000', 'g001', 'g002']) {
      expect((await runCli(['merge', '--out', path.join(dir, 'groups', `${g}.json`), path.join(dir, 'profiles', g)])).code).toBe(0);
    }
    const merged = await runCli(['merge', '--out', path.join(dir, 'merged.json'), path.join(dir, 'groups')]);
    expect(merged.stdout).toContain('merged: 3');
    expect((await runCli(['profile', '--input', data, '--out', path.join(dir, 'whole.json'), ...common])).code).toBe(0);
    const [m, w] = [read(path.join(dir, 'merged.json')), read(path.join(dir, 'whole.json'))];
    expect(m.rows).toBe(rows);
    expect(m.rows).toBe(w.rows);
    expect(m.sources.map((s) => s.uri).sort()).toEqual(w.sources.map((s) => s.uri).sort());
    for (const c of m.columns) {
      const wc = w.columns.find((x) => x.name === c.name)!;
      expect(c.kind).toBe(wc.kind);
      if (c.kind === 'numeric' && wc.kind === 'numeric') {
        expect([c.moments.count, c.moments.nulls, c.moments.min, c.moments.max]).toEqual([wc.moments.count, wc.moments.nulls, wc.moments.min, wc.moments.max]);
        expect(c.distinct.registers).toBe(wc.distinct.registers);
      }
      if (c.kind === 'categorical' && wc.kind === 'categorical') expect(c.frequent).toEqual(wc.frequent);
    }
    expect(m.columns.find((c) => c.name === 'season')!.kind).toBe('categorical');
    // The shards' merged profile against the profile of the whole: the same data, so nothing to do.
    const out = path.join(dir, 'run-out');
    const ran = await runCli(['run', '--reference-profile', path.join(dir, 'whole.json'), '--operational-profile', path.join(dir, 'merged.json'), '--out', out, '--categorical', 'season,weathersit', '--ignore', 'instant,dteday']);
    expect(ran.stderr).not.toMatch(/"level":"error"/);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/^action: none$/m);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as { inputs: { format: string }[]; checks: { stage: string; basis?: { on: string } }[] };
    expect(results.inputs.map((i) => i.format)).toEqual(['moa-profile/v1', 'moa-profile/v1']);
    expect(results.checks.filter((c) => c.stage !== 'decide' && c.basis === undefined)).toEqual([]);
  }, PROCESSES_TIMEOUT);

  it('exit 2 for usage errors, 3 for a file that is not a profile, 4 for a missing input', async () => {
    expect((await runCli(['profile', '--input', data])).code).toBe(2);
    expect((await runCli(['profile', '--input', data, '--out', path.join(dir, 'x.json'), '--kll-k', '3'])).code).toBe(2);
    const notProfile = path.join(dir, 'not-a-profile.json');
    writeFileSync(notProfile, JSON.stringify({ apiVersion: 'moa/v1', kind: 'Profile', formatVersion: 99 }));
    const bad = await runCli(['merge', '--out', path.join(dir, 'y.json'), notProfile]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/is not a moa profile/);
    expect((await runCli(['profile', '--input', path.join(dir, 'nowhere.csv'), '--out', path.join(dir, 'z.json')])).code).toBe(4);
    // A side is read from rows or from a profile, not both; a profile keeps no rows for a time window.
    const both = await runCli(['run', '--reference', data, '--reference-profile', notProfile, '--operational', data, '--out', path.join(dir, 'both')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/give reference or referenceProfile, not both/);
    const windowed = await runCli(['run', '--reference', data, '--operational-profile', notProfile, '--since', '2012-01-01', '--out', path.join(dir, 'windowed')]);
    expect(windowed.code).toBe(2);
    expect(windowed.stderr).toMatch(/usage.profile_rows_needed/);
  }, PROCESSES_TIMEOUT);
});
