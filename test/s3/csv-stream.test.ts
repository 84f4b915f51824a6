/**
 * A CSV streamed from Ceph RGW into the reader (what `moa run` does for CSV on S3) while the proxy in front of it
 * resets the connection part-way: the read resumes with a Range request from the last byte handed to the reader,
 * and the table is the one decoded from the whole object.
 */
import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import { decode, decodeCsvStream } from '../../src/ingest/formats.js';
import { parseLocation } from '../../src/storage/index.js';
import { S3_DEFAULTS, S3Storage } from '../../src/storage/s3.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { createTestBucket, describeS3, putObject, s3Client, s3Config } from '../support/s3.js';
import { comparableTable } from '../support/tables.js';

jest.setTimeout(240_000);

describeS3('CSV streamed from Ceph RGW through a resetting proxy', () => {
  let bucket: string;
  let proxy: FaultProxy;
  const lines = ['a,b,c'];
  for (let i = 0; i < 60_000; i++) lines.push(`${i * 0.25},"k ""${i % 40}""",${i % 7 === 0 ? '' : i}`);
  const text = Buffer.from(lines.join('\n') + '\n');

  beforeAll(async () => {
    bucket = await createTestBucket('moa-csv-stream');
    await putObject(bucket, 'data/big.csv', text);
    await putObject(bucket, 'data/big.csv.gz', gzipSync(text));
    proxy = await startFaultProxy(s3Config()!.endpoint);
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it.each([
    ['plain', 'data/big.csv', 300_000],
    ['gzipped', 'data/big.csv.gz', 100_000],
  ])('%s: reset after some bytes, resumed with Range, the same table', async (_what, key, afterBytes) => {
    proxy.setRules([{ method: 'GET', path: new RegExp(`/${key.replace('.', '\\.')}$`), times: 1, fault: { kind: 'reset', afterBytes } }]);
    const client = s3Client({ endpoint: proxy.endpoint, maxAttempts: 3 });
    const storage = new S3Storage(client, { ...S3_DEFAULTS, idleTimeoutMs: 2000, maxAttempts: 3 });
    const uri = `s3://${bucket}/${key}`;
    const location = parseLocation(uri, 'test');
    const [object] = await storage.list(location, 'test');
    const options = { format: 'csv' as const, uri, subject: '--operational', types: {} };
    const table = await decodeCsvStream(() => storage.stream(object!, location, '--operational'), object!.size, options);
    expect(comparableTable(table)).toEqual(comparableTable(decode(key.endsWith('.gz') ? gzipSync(text) : text, options)));
    expect(table.rows).toBe(60_000);
    const gets = proxy.seen.filter((r) => r.method === 'GET' && r.path.endsWith(key));
    expect(gets[0]!.fault).toBe('reset');
    expect(gets.some((r) => r.range !== undefined && /^bytes=\d+-$/.test(r.range))).toBe(true);
    client.destroy();
  });
});
