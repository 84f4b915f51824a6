/**
 * Storage faults between `moa` and a real Ceph RGW, injected by a loopback proxy (test/support/fault-proxy.ts).
 * Each case either succeeds with outputs identical to a clean run (the read was retried or resumed with a Range
 * request) or fails within its time limit with exit 4, a message naming bucket, key and cause, and error.json.
 */
import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import { logLines, runCli } from '../support/cli.js';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../support/fault-proxy.js';
import { createTestBucket, describeS3, getObjectText, listKeys, s3Config, s3Env } from '../support/s3.js';
import { normalised, putColorData, runArgs } from './support.js';

// Small limits so stalls are noticed in about a second; the defaults (README) are for real stores.
const TIMEOUTS = { MOA_S3_CONNECT_TIMEOUT_MS: '2000', MOA_S3_FIRST_BYTE_TIMEOUT_MS: '2000', MOA_S3_IDLE_TIMEOUT_MS: '1000', MOA_S3_MAX_ATTEMPTS: '3' };
const REFERENCE = /\/data\/reference\.parquet$/;

// Each case runs the CLI once or more (a few seconds each, much more on a loaded 2-core CI machine).
jest.setTimeout(240_000);

describeS3('storage faults between moa and Ceph RGW (fault-injecting proxy)', () => {
  let bucket: string;
  let proxy: FaultProxy;
  let clean: { results: unknown; manifest: unknown };

  beforeAll(async () => {
    bucket = await createTestBucket('moa-faults');
    await putColorData(bucket);
    proxy = await startFaultProxy(s3Config()!.endpoint);
    const run = await runCli(runArgs(bucket, 'clean/'), s3Env());
    expect(run.code).toBe(0);
    clean = {
      results: normalised(await getObjectText(bucket, 'clean/results.json'), `s3://${bucket}/clean/`),
      manifest: normalised(await getObjectText(bucket, 'clean/retrain-config.json'), `s3://${bucket}/clean/`),
    };
  });
  afterAll(async () => {
    await proxy?.close();
  });

  const throughProxy = async (out: string, rules: FaultRule[]) => {
    proxy.setRules(rules);
    const started = performance.now();
    const run = await runCli(runArgs(bucket, out), s3Env({ AWS_ENDPOINT_URL_S3: proxy.endpoint, ...TIMEOUTS }));
    return { ...run, seconds: (performance.now() - started) / 1000, referenceGets: proxy.seen.filter((r) => r.method === 'GET' && REFERENCE.test(r.path)) };
  };

  const expectIdentical = async (out: string) => {
    expect(normalised(await getObjectText(bucket, `${out}results.json`), `s3://${bucket}/${out}`)).toEqual(clean.results);
    expect(normalised(await getObjectText(bucket, `${out}retrain-config.json`), `s3://${bucket}/${out}`)).toEqual(clean.manifest);
  };

  const expectStorageFailure = async (run: { code: number; stderr: string }, out: string, code: string) => {
    expect(run.code).toBe(4);
    const error = logLines(run.stderr).find((l) => l.level === 'error')!;
    expect(error.code).toBe(code);
    expect(error.msg).toContain(`bucket "${bucket}", key "data/reference.parquet"`);
    expect(error.msg).not.toMatch(/Unknown|: Error\./);
    expect(await listKeys(bucket, out)).toEqual([`${out}error.json`]);
    const body = JSON.parse(await getObjectText(bucket, `${out}error.json`));
    expect(body.error.code).toBe(code);
    expect(body.manifest).toBe('withdrawn');
    return error;
  };

  it('503 SlowDown twice on a GET: retried by the client, identical outputs', async () => {
    const run = await throughProxy('slowdown/', [{ method: 'GET', path: REFERENCE, times: 2, fault: { kind: 'status', status: 503, code: 'SlowDown' } }]);
    expect(run.code).toBe(0);
    expect(run.referenceGets.map((r) => r.fault)).toEqual(['status', 'status', 'none']);
    await expectIdentical('slowdown/');
  });

  it('connection reset after 10 000 bytes: resumed with a Range request, identical outputs', async () => {
    const run = await throughProxy('reset/', [{ method: 'GET', path: REFERENCE, times: 1, fault: { kind: 'reset', afterBytes: 10_000 } }]);
    expect(run.code).toBe(0);
    expect(run.referenceGets.map((r) => r.range)).toEqual([undefined, expect.stringMatching(/^bytes=\d+-$/)]);
    expect(Number(/\d+/.exec(run.referenceGets[1]!.range!)![0])).toBeGreaterThan(0);
    await expectIdentical('reset/');
  });

  it('truncated body (clean close before Content-Length): resumed, identical outputs', async () => {
    const run = await throughProxy('truncated/', [{ method: 'GET', path: REFERENCE, times: 1, fault: { kind: 'truncate', afterBytes: 20_000 } }]);
    expect(run.code).toBe(0);
    expect(run.referenceGets.map((r) => r.range)).toEqual([undefined, 'bytes=20000-']);
    await expectIdentical('truncated/');
  });

  it('a body that stalls once: cut after the idle timeout and resumed, identical outputs', async () => {
    const run = await throughProxy('stall-once/', [{ method: 'GET', path: REFERENCE, times: 1, fault: { kind: 'stall', afterBytes: 30_000 } }]);
    expect(run.code).toBe(0);
    expect(run.referenceGets.map((r) => r.range)).toEqual([undefined, 'bytes=30000-']);
    await expectIdentical('stall-once/');
  });

  it('slow drip (4 KiB every 20 ms, each gap under the idle timeout): identical outputs', async () => {
    const run = await throughProxy('drip/', [{ method: 'GET', path: REFERENCE, fault: { kind: 'drip', chunkBytes: 4096, intervalMs: 20 } }]);
    expect(run.code).toBe(0);
    expect(run.referenceGets.map((r) => r.fault)).toEqual(['drip']);
    await expectIdentical('drip/');
  });

  it('a body that always stalls: exit 4 within the limits, error.json', async () => {
    const run = await throughProxy('stall-always/', [{ method: 'GET', path: REFERENCE, fault: { kind: 'stall', afterBytes: 1000 } }]);
    const error = await expectStorageFailure(run, 'stall-always/', 'storage.read_interrupted');
    expect(error.msg).toContain('no data for 1000 ms');
    expect(run.referenceGets).toHaveLength(3);
    // 3 attempts × 1 s idle + backoff (< 0.2 + 0.4 s) + the run itself.
    expect(run.seconds).toBeLessThan(30);
  });

  it('resets on every attempt: exit 4 naming the bytes received, error.json', async () => {
    const run = await throughProxy('reset-always/', [{ method: 'GET', path: REFERENCE, fault: { kind: 'reset', afterBytes: 1000 } }]);
    const error = await expectStorageFailure(run, 'reset-always/', 'storage.read_interrupted');
    expect(error.msg).toMatch(/broke off 3 times/);
  });

  it('503 on every attempt: exit 4 with the status, not "Unknown (HTTP 503)"', async () => {
    const run = await throughProxy('unavailable/', [{ method: 'GET', path: REFERENCE, fault: { kind: 'status', status: 503, code: 'SlowDown' } }]);
    const error = await expectStorageFailure(run, 'unavailable/', 'storage.unavailable');
    expect(error.msg).toContain('HTTP 503 Service Unavailable, SlowDown');
    expect(error.msg).toContain('after 3 attempts');
  });

  it('503 without an error body on HEAD: the status in words, not "Unknown"', async () => {
    const run = await throughProxy('head-503/', [{ method: 'HEAD', path: REFERENCE, fault: { kind: 'status', status: 503, code: 'ServiceUnavailable' } }]);
    expect(run.code).toBe(4);
    const error = logLines(run.stderr).find((l) => l.level === 'error')!;
    expect(error.code).toBe('storage.unavailable');
    expect(error.msg).toContain('HTTP 503 Service Unavailable');
    expect(error.msg).toContain(`bucket "${bucket}", key "data/reference.parquet"`);
    expect(error.msg).not.toContain('Unknown');
  });

  it('no answer at all: the first-byte timeout ends it with exit 4 and error.json', async () => {
    const run = await throughProxy('silence/', [{ method: 'GET', path: REFERENCE, fault: { kind: 'silence' } }]);
    const error = await expectStorageFailure(run, 'silence/', 'storage.timeout');
    expect(error.msg).toContain('did not answer in time');
    expect(run.seconds).toBeLessThan(30);
  });
});
