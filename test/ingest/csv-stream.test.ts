/**
 * CSV read from storage as a stream (src/ingest/formats.ts decodeCsvStream): the same table as the whole object
 * decoded at once, and the same named error for every limit and broken gzip, with a bomb stopped while only
 * counting (nothing parsed or kept).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { decode, decodeCsvStream, type DecodeOptions } from '../../src/ingest/formats.js';
import { DEFAULT_LIMITS, type IngestLimits } from '../../src/ingest/limits.js';
import type { Table } from '../../src/ingest/table.js';
import { parseLocation } from '../../src/storage/index.js';
import { LocalStorage } from '../../src/storage/local.js';
import { testDataBytes } from '../support/data.js';
import { errorCodeOf } from '../support/errors.js';
import { comparableTable } from '../support/tables.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'moa-csv-stream-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const storage = new LocalStorage();
const optionsFor = (file: string, limits: Partial<IngestLimits> = {}): DecodeOptions => ({ format: 'csv', uri: file, subject: '--operational', types: {}, limits: { ...DEFAULT_LIMITS, ...limits } });

/** Write `bytes` to a file and read it back through LocalStorage's stream, as loadTable does. */
async function streamed(name: string, bytes: Uint8Array, limits: Partial<IngestLimits> = {}): Promise<Table> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  const [object] = await storage.list(parseLocation(file, 'test'), 'test');
  return decodeCsvStream(() => storage.stream(object!, parseLocation(file, 'test'), '--operational'), object!.size, optionsFor(file, limits));
}


describe('CSV streamed from storage', () => {
  it('reads a gzipped dataset (Bike Sharing, 17 379 rows) exactly as the whole object decoded at once', async () => {
    const raw = gzipSync(testDataBytes('bike-sharing/hour.csv.gz'));
    const got = await streamed('hour.csv.gz', raw);
    const want = decode(raw, optionsFor(path.join(dir, 'hour.csv.gz')));
    expect(got.rows).toBe(17_379);
    expect(comparableTable(got)).toEqual(comparableTable(want));
  });

  it('reads a plain CSV of several megabytes (many regions) exactly as decoded at once', async () => {
    const lines = ['a,b,c,t'];
    for (let i = 0; i < 200_000; i++) lines.push(`${i * 0.37},${i % 13 === 0 ? '' : `k${i % 50}`},"q ""${i % 3}""",2024-01-0${1 + (i % 9)}`);
    const bytes = Buffer.from(lines.join('\r\n'));
    expect(bytes.length).toBeGreaterThan(5 * 2 ** 20);
    const got = await streamed('big.csv', bytes);
    expect(comparableTable(got)).toEqual(comparableTable(decode(bytes, optionsFor(path.join(dir, 'big.csv')))));
    expect(got.columns.map((c) => c.type)).toEqual(['numeric', 'categorical', 'categorical', 'timestamp']);
  });

  const bomb = gzipSync(Buffer.concat([Buffer.from('a\n'), Buffer.alloc(200 * 2 ** 20, 48)]), { level: 9 });
  it.each([
    ['a gzip bomb', 'bomb.csv.gz', bomb, {}, 'limits.inflate_ratio'],
    ['decompressed bytes', 'many.csv.gz', gzipSync(Buffer.from('a\n' + '1\n'.repeat(5000))), { maxDecodedBytes: 1000 }, 'limits.decoded_bytes'],
    ['object bytes', 'x.csv', Buffer.from('a\n1\n2\n'), { maxObjectBytes: 4 }, 'limits.object_bytes'],
    ['rows', 'rows.csv', Buffer.from('a,b\n' + '1,x\n'.repeat(11)), { maxRows: 10 }, 'limits.rows'],
    ['columns', 'cols.csv', Buffer.from('a,b,c\n1,2,3\n'), { maxColumns: 2 }, 'limits.columns'],
    ['categories', 'cats.csv', Buffer.from('a\nw\nx\ny\nz\n'), { maxCategories: 3 }, 'limits.categories'],
    ['a truncated gzip', 'half.csv.gz', gzipSync(Buffer.from('a,b\n' + '1,2\n'.repeat(1000))).subarray(0, 40), {}, 'data.truncated'],
    ['plain text named .gz', 'plain.csv.gz', Buffer.from('a,b\n1,2\n'), {}, 'data.corrupt'],
    ['an empty file', 'empty.csv', Buffer.alloc(0), {}, 'data.empty'],
    ['an empty .gz', 'empty.csv.gz', Buffer.alloc(0), {}, 'data.empty'],
    ['a ragged gzipped CSV', 'ragged.csv.gz', gzipSync('x,y\n1,2\n3,4,5\n'), {}, 'data.corrupt'],
  ] as const)('names %s as decoding the whole object does', async (_what, name, bytes, limits, code) => {
    const whole = await errorCodeOf(() => decode(bytes, optionsFor(path.join(dir, name), limits)));
    expect(whole).toBe(code);
    expect(await errorCodeOf(() => streamed(name, bytes, limits))).toBe(code);
  });
});
