/**
 * Reruns into the same --out prefix in Ceph RGW: whatever the order of successes and failures, and wherever an
 * upload fails, the prefix never holds a manifest that the latest run did not decide, every artifact carries the
 * run id of the run that wrote it, and the output parameters say what the latest run did.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import { logLines, runCli } from '../support/cli.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { parseLocation } from '../../src/storage/index.js';
import { S3Storage } from '../../src/storage/s3.js';
import { createTestBucket, describeS3, getObjectBytes, getObjectText, listKeys, putObject, s3Client, s3Config, s3Env } from '../support/s3.js';
import { putColorData, runArgs } from './support.js';

const ARTIFACTS = ['results.json', 'summary.md', 'report.html', 'selection/weights.parquet', 'selection/label-queue.parquet', 'selection/validation.parquet', 'retrain-config.json'];

// Each case runs the CLI once or more (a few seconds each, much more on a loaded 2-core CI machine).
jest.setTimeout(240_000);

describeS3('reruns into one --out prefix (Ceph RGW)', () => {
  let bucket: string;
  let proxy: FaultProxy;
  const params = mkdtempSync(path.join(tmpdir(), 'moa-params-'));
  const param = (name: string) => readFileSync(path.join(params, name), 'utf8');
  const keys = async (prefix: string) => (await listKeys(bucket, prefix)).map((k) => k.slice(prefix.length)).sort();
  const text = (key: string) => getObjectText(bucket, key);
  const json = async (key: string) => JSON.parse(await text(key));

  beforeAll(async () => {
    bucket = await createTestBucket('moa-reruns');
    await putColorData(bucket);
    proxy = await startFaultProxy(s3Config()!.endpoint);
  });
  afterAll(async () => {
    await proxy?.close();
  });

  /** Every artifact under the prefix names `runId`; so does every log line of the run. */
  const expectOneRun = async (prefix: string, run: { stderr: string }, runId: string) => {
    for (const line of logLines(run.stderr)) expect(line.runId).toBe(runId);
    for (const name of await keys(prefix)) {
      const body = Buffer.from(await getObjectBytes(bucket, prefix + name)).toString('latin1');
      expect([name, body.includes(runId)]).toEqual([name, true]);
    }
  };

  it('success → failure → success: the failure withdraws the manifest, the success removes error.json', async () => {
    const prefix = 'matrix/';
    const first = await runCli(runArgs(bucket, prefix, ['--output-params', params]), s3Env());
    expect(first.code).toBe(0);
    expect(await keys(prefix)).toEqual([...ARTIFACTS].sort());
    const firstId = (await json(`${prefix}results.json`)).runId as string;
    expect((await json(`${prefix}retrain-config.json`)).metadata.runId).toBe(firstId);
    await expectOneRun(prefix, first, firstId);
    expect(param('action')).toBe('retrain');

    // The same step, its operational data gone: exit 4 and nothing of the first run left.
    const failed = await runCli([...runArgs(bucket, prefix, ['--output-params', params]).map((a) => a.replace('data/operational.parquet', 'data/missing.parquet'))], s3Env());
    expect(failed.code).toBe(4);
    expect(await keys(prefix)).toEqual(['error.json']);
    const error = await json(`${prefix}error.json`);
    expect(error).toMatchObject({ kind: 'AnalysisError', exitCode: 4, manifest: 'withdrawn', error: { code: 'storage.not_found' } });
    expect(error.runId).not.toBe(firstId);
    await expectOneRun(prefix, failed, error.runId);
    expect([param('action'), param('manifest_uri'), param('tests_run')]).toEqual(['error', '', '0']);

    const again = await runCli(runArgs(bucket, prefix, ['--output-params', params]), s3Env());
    expect(again.code).toBe(0);
    expect(await keys(prefix)).toEqual([...ARTIFACTS].sort());
    const againId = (await json(`${prefix}results.json`)).runId as string;
    expect(againId).not.toBe(error.runId);
    await expectOneRun(prefix, again, againId);
    expect([param('action'), param('manifest_uri')]).toEqual(['retrain', `s3://${bucket}/${prefix}retrain-config.json`]);
  });

  it('failure → failure: error.json is replaced, never joined by a manifest', async () => {
    const prefix = 'fail-fail/';
    const bad = (uri: string) => runCli(runArgs(bucket, prefix).map((a) => a.replace('data/operational.parquet', uri)), s3Env());
    expect((await bad('data/nope-1.parquet')).code).toBe(4);
    const firstId = (await json(`${prefix}error.json`)).runId;
    const second = await bad('data/nope-2.parquet');
    expect(second.code).toBe(4);
    expect(await keys(prefix)).toEqual(['error.json']);
    const error = await json(`${prefix}error.json`);
    expect(error.runId).not.toBe(firstId);
    expect(error.error.message).toContain('nope-2.parquet');
  });

  // One failed upload per artifact, each over a prefix holding a complete earlier run (copied from `matrix/`).
  it.each(ARTIFACTS)('upload of %s denied: exit 4, the earlier manifest withdrawn, error.json of this run', async (artifact) => {
    const prefix = `upload-${artifact.replace(/\W/g, '-')}/`;
    for (const name of ARTIFACTS) await putObject(bucket, prefix + name, await getObjectBytes(bucket, `matrix/${name}`));
    proxy.setRules([{ method: 'PUT', path: new RegExp(`/${prefix}${artifact.replace('.', '\\.')}$`), fault: { kind: 'status', status: 403, code: 'AccessDenied' } }]);
    const run = await runCli(runArgs(bucket, prefix, ['--output-params', params]), s3Env({ AWS_ENDPOINT_URL_S3: proxy.endpoint }));
    expect(run.code).toBe(4);
    const failure = logLines(run.stderr).find((l) => l.level === 'error')!;
    expect(failure.code).toBe('storage.access_denied');
    expect(failure.msg).toContain(`key "${prefix}${artifact}"`);
    // The failure withdraws everything again, this run's own earlier uploads too: error.json alone remains.
    expect(await keys(prefix)).toEqual(['error.json']);
    const error = await json(`${prefix}error.json`);
    expect(error.manifest).toBe('withdrawn');
    await expectOneRun(prefix, run, error.runId);
    // The uploads before the refused one did happen (and were withdrawn): the failure is where the test put it.
    const puts = proxy.seen.filter((r) => r.method === 'PUT' && r.path.startsWith(`/${bucket}/${prefix}`)).map((r) => r.path.slice(`/${bucket}/${prefix}`.length));
    expect(puts.filter((p) => p !== 'error.json')).toEqual(ARTIFACTS.slice(0, ARTIFACTS.indexOf(artifact) + 1));
    expect(param('action')).toBe('error');
  });

  it('a second writer creating the manifest first: the create-only write refuses to overwrite it', async () => {
    const prefix = 'race/';
    // The store answers the manifest PUT as it would if another run had created the key after our withdrawal.
    proxy.setRules([{ method: 'PUT', path: /\/race\/retrain-config\.json$/, fault: { kind: 'status', status: 412, code: 'PreconditionFailed' } }]);
    const run = await runCli(runArgs(bucket, prefix), s3Env({ AWS_ENDPOINT_URL_S3: proxy.endpoint }));
    expect(run.code).toBe(4);
    expect(logLines(run.stderr).find((l) => l.level === 'error')?.code).toBe('storage.conflict');
    expect(await keys(prefix)).not.toContain('retrain-config.json');
  });

  it('Ceph RGW honours If-None-Match: * (the create-only manifest write is real, not assumed)', async () => {
    const storage = new S3Storage(s3Client());
    const location = parseLocation(`s3://${bucket}/conditional/manifest.json`);
    await storage.write(location, 'first', 'text/plain', { ifAbsent: true });
    await expect(storage.write(location, 'second', 'text/plain', { ifAbsent: true })).rejects.toMatchObject({ code: 'storage.conflict' });
    expect(await text('conditional/manifest.json')).toBe('first');
    await storage.remove(location);
    await storage.remove(location); // idempotent: a missing object is not an error
    expect(await keys('conditional/')).toEqual([]);
  });
});
