/**
 * The supervisor (src/cli/supervise.ts): the heap limit from the container's memory limit, and an out-of-memory
 * death that still leaves error.json, a withdrawn manifest and `error` output parameters. The container's cgroup
 * files are stood in for by MOA_CGROUP_ROOT (this machine has no memory limit of its own).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { containerMemoryLimit, heapLimitMiB, supervision } from '../../src/cli/supervise.js';
import { logLines, runCli } from '../support/cli.js';
import { OPERATIONAL, REFERENCE } from '../corpus/bad-inputs.js';

let dir: string;
const cgroup = async (name: string, files: Record<string, string>) => {
  const root = path.join(dir, name);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  return root;
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'moa-supervise-'));
  await writeFile(path.join(dir, 'ref.csv'), REFERENCE);
  await writeFile(path.join(dir, 'op.csv'), OPERATIONAL);
});

describe('the container memory limit', () => {
  it('reads cgroup v2 and v1, and treats "max" and v1\'s near-2^63 as no limit', async () => {
    expect(containerMemoryLimit(await cgroup('v2', { 'memory.max': '536870912\n' }))?.bytes).toBe(536870912);
    expect(containerMemoryLimit(await cgroup('v2-max', { 'memory.max': 'max\n' }))).toBeNull();
    expect(containerMemoryLimit(await cgroup('v1', { 'memory/memory.limit_in_bytes': '1073741824\n' }))?.bytes).toBe(1073741824);
    expect(containerMemoryLimit(await cgroup('v1-none', { 'memory/memory.limit_in_bytes': '9223372036854771712\n' }))).toBeNull();
    expect(containerMemoryLimit(await cgroup('none', {}))).toBeNull();
  });

  it('gives the heap 70% of it, at least 64 MiB', () => {
    expect(heapLimitMiB(2 * 2 ** 30)).toBe(1433);
    expect(heapLimitMiB(50 * 2 ** 20)).toBe(64);
  });

  it('supervises `moa run` only, and only under a limit', async () => {
    const env = { MOA_CGROUP_ROOT: await cgroup('limited', { 'memory.max': String(2 ** 30) }) };
    expect(supervision(['run', '--out', 'x'], env)?.bytes).toBe(2 ** 30);
    expect(supervision(['demo'], env)).toBeNull();
    expect(supervision(['run', '--help'], env)).toBeNull();
    expect(supervision(['run'], { ...env, MOA_SUPERVISED: '1' })).toBeNull();
    expect(supervision(['run'], { ...env, MOA_SUPERVISE: '0' })).toBeNull();
    expect(supervision(['run'], { MOA_CGROUP_ROOT: await cgroup('unlimited', { 'memory.max': 'max' }) })).toBeNull();
  });
});

describe('moa run under the supervisor (built CLI)', () => {
  it('passes a run through: same exit code, one run id in the logs and the outputs', async () => {
    const out = path.join(dir, 'out-ok');
    const run = await runCli(['run', '--reference', path.join(dir, 'ref.csv'), '--operational', path.join(dir, 'op.csv'), '--out', out, '--label', 'label'], { MOA_CGROUP_ROOT: await cgroup('ok', { 'memory.max': String(2 ** 31) }) });
    expect(run.code).toBe(0);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(new Set(logLines(run.stderr).map((l) => l.runId))).toEqual(new Set([results.runId]));
  });

  it('a run that exhausts its heap: exit 3, error.json with data.out_of_memory, the manifest withdrawn, action error', async () => {
    // 300 000 rows of four distinct strings each: well over a 64 MiB heap once read.
    const lines = ['a,b,c,d,x'];
    for (let i = 0; i < 300_000; i++) lines.push(`a${i}-${(i * 7919) % 100_003},b${i}-${(i * 104_729) % 99_991},c${i}x,d${i}y,${i}`);
    await writeFile(path.join(dir, 'big.csv'), lines.join('\n') + '\n');
    const out = path.join(dir, 'out-oom');
    const params = path.join(dir, 'params-oom');
    await mkdir(out, { recursive: true });
    await writeFile(path.join(out, 'retrain-config.json'), '{"from": "an earlier run"}');
    // --out from the config file: the child tells the supervisor where it writes.
    await writeFile(path.join(dir, 'oom.yaml'), `out: ${out}\n`);
    const run = await runCli(['run', '--reference', path.join(dir, 'ref.csv'), '--operational', path.join(dir, 'big.csv'), '--config', path.join(dir, 'oom.yaml'), '--output-params', params], {
      MOA_CGROUP_ROOT: await cgroup('small', { 'memory.max': String(80 * 2 ** 20) }),
    });
    expect(run.code).toBe(3);
    const error = logLines(run.stderr).find((l) => l.level === 'error')!;
    expect(error.code).toBe('data.out_of_memory');
    expect(error.msg).toContain('heap limit 64 MiB');
    expect(existsSync(path.join(out, 'retrain-config.json'))).toBe(false);
    const record = JSON.parse(readFileSync(path.join(out, 'error.json'), 'utf8'));
    expect(record).toMatchObject({ exitCode: 3, manifest: 'withdrawn', runId: error.runId, error: { code: 'data.out_of_memory' } });
    // The child's own log lines carry the same run id as the supervisor's error.json.
    expect(logLines(run.stderr).filter((l) => l.msg === 'withdrew earlier outputs').map((l) => l.runId)).toEqual([record.runId]);
    expect(readFileSync(path.join(params, 'action'), 'utf8')).toBe('error');
  });
});
