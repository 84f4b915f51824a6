/**
 * A Parquet object on Ceph RGW read by range (S3Storage.blob → decodeParquetBlob, what `moa run` does for an S3
 * Parquet object larger than WHOLE_READ_BYTES; the storage here ranges every object): the footer first, then one
 * column chunk per GET, through a proxy that can reset connections. The table is the one decoded from the whole
 * object; rows and columns are refused from the footer before any column chunk is fetched; a broken file gets the
 * same named error as decoding it whole; a reset mid-chunk is resumed with a Range request.
 */
import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import { decode, decodeParquetBlob, type DecodeOptions } from '../../src/ingest/formats.js';
import { DEFAULT_LIMITS, type IngestLimits } from '../../src/ingest/limits.js';
import { loadTable } from '../../src/ingest/load.js';
import { silentLogger } from '../../src/log.js';
import { parseLocation } from '../../src/storage/index.js';
import { S3_DEFAULTS, S3Storage } from '../../src/storage/s3.js';
import { errorCodeOf } from '../support/errors.js';
import { startFaultProxy, type FaultProxy, type SeenRequest } from '../support/fault-proxy.js';
import { multiGroupParquet } from '../support/parquet.js';
import { createTestBucket, describeS3, putObject, s3Client, s3Config } from '../support/s3.js';
import { comparableTable } from '../support/tables.js';

jest.setTimeout(240_000);

describeS3('Parquet read from Ceph RGW by range', () => {
  // Six row groups of 10,000 rows: each column chunk is tens of kilobytes, the object about 1.5 MB.
  const bytes = multiGroupParquet(60_000, 10_000);
  let bucket: string;
  let proxy: FaultProxy;
  let storage: S3Storage;

  beforeAll(async () => {
    bucket = await createTestBucket('moa-parquet-ranges');
    await putObject(bucket, 'data/groups.parquet', bytes);
    await putObject(bucket, 'data/half.parquet', bytes.subarray(0, bytes.length >> 1));
    await putObject(bucket, 'data/text.parquet', 'x,y\n1,2\n');
    proxy = await startFaultProxy(s3Config()!.endpoint);
    storage = new S3Storage(s3Client({ endpoint: proxy.endpoint, maxAttempts: 3 }), { ...S3_DEFAULTS, idleTimeoutMs: 2000, maxAttempts: 3 }, 0);
  });
  afterAll(async () => {
    await proxy?.close();
  });

  const optionsFor = (key: string, limits: Partial<IngestLimits> = {}): DecodeOptions => ({ format: 'parquet', uri: `s3://${bucket}/${key}`, subject: '--reference', types: {}, limits: { ...DEFAULT_LIMITS, ...limits } });
  const read = async (key: string, limits: Partial<IngestLimits> = {}) => {
    const location = parseLocation(`s3://${bucket}/${key}`, 'test');
    const [object] = await storage.list(location, 'test');
    return decodeParquetBlob(await storage.blob(object!, location, '--reference'), optionsFor(key, limits));
  };
  const whole = decode(bytes, { format: 'parquet', uri: 'groups.parquet', subject: '--reference', types: {} });
  /** The GETs of one key, as [first, last] byte of the Range each asked for (null: not a closed range). */
  const gets = (key: string): SeenRequest[] => proxy.seen.filter((r) => r.method === 'GET' && r.path.endsWith(key));
  const span = (r: SeenRequest): [number, number] | null => {
    const m = /^bytes=(\d+)-(\d+)$/.exec(r.range ?? '');
    return m ? [Number(m[1]), Number(m[2])] : null;
  };

  it('reads the footer, then one column chunk per GET, into the table decoded from the whole object (through loadTable)', async () => {
    proxy.setRules([]);
    const { table } = await loadTable(storage, `s3://${bucket}/data/groups.parquet`, { role: 'reference', format: undefined, types: {}, log: silentLogger });
    expect(comparableTable(table)).toEqual(comparableTable(whole));
    const spans = gets('data/groups.parquet').map(span);
    expect(spans.every((s) => s !== null)).toBe(true);
    // The last 8 bytes first (footer length and magic), and no GET anywhere near the whole object.
    expect(spans[0]).toEqual([bytes.length - 8, bytes.length - 1]);
    expect(Math.max(...spans.map((s) => s![1] - s![0] + 1))).toBeLessThan(bytes.length / 10);
    // Five columns × six row groups, each its own GET.
    expect(spans.length).toBeGreaterThanOrEqual(30);
  });

  it('resumes a column chunk reset part-way with a Range request from the byte reached: the same table', async () => {
    proxy.setRules([{ method: 'GET', path: /\/data\/groups\.parquet$/, minRangeBytes: 20_000, times: 2, fault: { kind: 'reset', afterBytes: 5000 } }]);
    expect(comparableTable(await read('data/groups.parquet'))).toEqual(comparableTable(whole));
    const seen = gets('data/groups.parquet');
    const resets = seen.filter((r) => r.fault === 'reset');
    expect(resets).toHaveLength(2);
    for (const reset of resets) {
      const [first, last] = span(reset)!;
      // The resumed GET asks for the rest of the same chunk, from a byte the reset let through.
      const resumed = seen.slice(seen.indexOf(reset) + 1).map(span).find((s) => s !== null && s[1] === last && s[0] > first);
      expect(resumed).toBeDefined();
      expect(resumed![0]).toBeLessThanOrEqual(first + 5000);
    }
  });

  it.each([
    ['more rows than maxRows', { maxRows: 50_000 }, 'limits.rows'],
    ['more columns than maxColumns', { maxColumns: 4 }, 'limits.columns'],
  ] as const)('refuses %s from the footer, before fetching any column chunk', async (_what, limits, code) => {
    proxy.setRules([]);
    expect(await errorCodeOf(() => read('data/groups.parquet', limits))).toBe(code);
    expect(await errorCodeOf(() => decode(bytes, optionsFor('data/groups.parquet', limits)))).toBe(code);
    const fetched = gets('data/groups.parquet').reduce((n, r) => n + span(r)![1] - span(r)![0] + 1, 0);
    // The footer of this file is a few kilobytes; its smallest column chunk is larger than 1 % of it.
    expect(fetched).toBeLessThan(bytes.length / 100);
  });

  it.each([
    ['half a file', 'data/half.parquet', () => bytes.subarray(0, bytes.length >> 1), 'data.truncated'],
    ['text named .parquet', 'data/text.parquet', () => Buffer.from('x,y\n1,2\n'), 'data.corrupt'],
  ] as const)('names %s as decoding the whole object does', async (_what, key, body, code) => {
    proxy.setRules([]);
    expect(await errorCodeOf(() => read(key))).toBe(code);
    expect(await errorCodeOf(() => decode(body(), optionsFor(key)))).toBe(code);
  });

  it('a column chunk reset on every attempt: storage.read_interrupted naming bucket, key and bytes, not a corrupt file', async () => {
    proxy.setRules([{ method: 'GET', path: /\/data\/groups\.parquet$/, minRangeBytes: 20_000, fault: { kind: 'reset', afterBytes: 1000 } }]);
    const error = await read('data/groups.parquet').then(
      () => null,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error?.code).toBe('storage.read_interrupted');
    expect(error?.message).toContain(`bucket "${bucket}", key "data/groups.parquet"`);
    expect(error?.message).toMatch(/\(bytes \d+–\d+\) broke off 3 times/);
  });
});
