/**
 * A CSV object parsed in a worker thread (src/ingest/csv-thread.ts, from dist/ only: the worker is compiled
 * JavaScript) against the same object parsed in this thread: the same table bit for bit, including a column read
 * again in a second pass, and the same named error — kind, code, message, subject, fix — for malformed CSV, every
 * limit the reader checks, a file that changes between passes, and a stream that fails after malformed bytes (the
 * parsing error first, as in this thread) or before any (the stream's error).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { storageError } from '../../src/errors.js';
import { decodeCsvStream, type DecodeOptions } from '../../src/ingest/formats.js';
import { DEFAULT_LIMITS, type IngestLimits } from '../../src/ingest/limits.js';
import type { Table } from '../../src/ingest/table.js';
import { parseLocation } from '../../src/storage/index.js';
import { LocalStorage } from '../../src/storage/local.js';
import { REPO_ROOT } from '../support/cli.js';
import { testDataBytes } from '../support/data.js';
import { comparableTable } from '../support/tables.js';

const DIST_FORMATS = path.join(REPO_ROOT, 'dist/ingest/formats.js');
type Formats = typeof import('../../src/ingest/formats.js');
type Thread = typeof import('../../src/ingest/csv-thread.js');
let dist: Formats;
let dir: string;

beforeAll(async () => {
  if (!existsSync(DIST_FORMATS) || !existsSync(DIST_FORMATS.replace('formats.js', 'csv-worker.js'))) {
    if (process.env.CI === 'true') throw new Error(`${DIST_FORMATS} is not built: CI must run npm test (which builds first)`);
    console.log(`CSV worker test: ${DIST_FORMATS} not built, running tsc -p tsconfig.build.json first`);
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
  dist = (await import(DIST_FORMATS)) as Formats;
  const thread = (await import(DIST_FORMATS.replace('formats.js', 'csv-thread.js'))) as Thread;
  expect(thread.csvThreadAvailable()).toBe(true);
  dir = await mkdtemp(path.join(tmpdir(), 'moa-csv-thread-'));
}, 120_000);
afterAll(async () => rm(dir, { recursive: true, force: true }));

const storage = new LocalStorage();
const optionsFor = (name: string, limits: Partial<IngestLimits> = {}): DecodeOptions => ({ format: 'csv', uri: path.join(dir, name), subject: '--operational', types: {}, limits: { ...DEFAULT_LIMITS, ...limits } });

/** Chunks of `bytes` (64 KiB, as a file stream gives them), then `failure` thrown if given. */
async function* chunksOf(bytes: Uint8Array, failure?: Error): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += 1 << 16) yield bytes.subarray(at, at + (1 << 16));
  if (failure) throw failure;
}

/** The object decoded in this thread (sources) and in a worker (dist, threshold 0): tables or errors, comparable. */
async function both(name: string, open: () => AsyncIterable<Uint8Array>, size: number, limits: Partial<IngestLimits> = {}): Promise<[unknown, unknown]> {
  const outcome = async (decode: () => Promise<Table>) => {
    try {
      return comparableTable(await decode());
    } catch (error) {
      const e = error as { name: string; kind?: string; code?: string; message: string; subject?: string; fix?: string };
      return { error: e.name, kind: e.kind, code: e.code, message: e.message, subject: e.subject, fix: e.fix };
    }
  };
  const here = await outcome(() => decodeCsvStream(open, size, optionsFor(name, limits), Infinity));
  const there = await outcome(() => dist.decodeCsvStream(open, size, optionsFor(name, limits), 0));
  return [there, here];
}

async function fromFile(name: string, bytes: Uint8Array, limits: Partial<IngestLimits> = {}): Promise<[unknown, unknown]> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  const [object] = await storage.list(parseLocation(file, 'test'), 'test');
  return both(name, () => storage.stream(object!, parseLocation(file, 'test'), '--operational'), object!.size, limits);
}

describe('CSV parsed in a worker thread', () => {
  it('reads a gzipped dataset (Bike Sharing, 17 379 rows) as this thread does', async () => {
    const [there, here] = await fromFile('hour.csv.gz', gzipSync(testDataBytes('bike-sharing/hour.csv.gz')));
    expect((there as { rows: number }).rows).toBe(17_379);
    expect(there).toEqual(here);
  });

  it('reads a CSV of several megabytes with a column read again (its guess fails in the last row) as this thread does', async () => {
    const lines = ['a,b,c,t,late'];
    for (let i = 0; i < 200_000; i++) lines.push(`${i * 0.37},${i % 13 === 0 ? '' : `k${i % 50}`},"q ""${i % 3}""",2024-01-0${1 + (i % 9)},${i === 199_999 ? 'x' : i}`);
    const [there, here] = await fromFile('big.csv', Buffer.from(lines.join('\r\n')));
    expect((there as { columns: { type: string }[] }).columns.map((c) => c.type)).toEqual(['numeric', 'categorical', 'categorical', 'timestamp', 'categorical']);
    expect(there).toEqual(here);
  });

  it.each([
    ['a ragged record', 'ragged.csv', Buffer.from('x,y\n1,2\n3,4,5\n'), {}, 'data.corrupt'],
    ['a quote never closed', 'quote.csv', Buffer.from('x,y\n1,"2\n3,4\n'), {}, 'data.corrupt'],
    ['a column named twice', 'twice.csv', Buffer.from('x,y,x\n1,2,3\n'), {}, 'data.duplicate_column'],
    ['a header only', 'header.csv', Buffer.from('x,y\n'), {}, 'no error'],
    ['no header', 'blank.csv', Buffer.from('\n\n'), {}, 'data.empty'],
    ['rows', 'rows.csv', Buffer.from('a,b\n' + '1,x\n'.repeat(11)), { maxRows: 10 }, 'limits.rows'],
    ['columns', 'cols.csv', Buffer.from('a,b,c\n1,2,3\n'), { maxColumns: 2 }, 'limits.columns'],
    ['categories', 'cats.csv', Buffer.from('a\nw\nx\ny\nz\n'), { maxCategories: 3 }, 'limits.categories'],
    ['object bytes', 'x.csv', Buffer.from('a\n1\n2\n'), { maxObjectBytes: 4 }, 'limits.object_bytes'],
    ['a ragged gzipped CSV', 'ragged.csv.gz', gzipSync('x,y\n1,2\n3,4,5\n'), {}, 'data.corrupt'],
    ['a malformed record past the first megabytes', 'late.csv', Buffer.from('x,y\n' + '1,2\n'.repeat(1_000_000) + '3,"4\n'), {}, 'data.corrupt'],
  ] as const)('names %s as this thread does', async (_what, name, bytes, limits, code) => {
    const [there, here] = await fromFile(name, bytes, limits);
    expect(there).toEqual(here);
    expect((there as { code?: string }).code ?? 'no error').toBe(code);
  });

  it('names a file that changed between two passes as this thread does', async () => {
    const first = Buffer.from('a,b\n1,x\n2,y\nz,w\n');
    const second = Buffer.from('a,b\n1,x\n2,y\nz,w\n3,v\n');
    let opened = 0;
    const open = () => chunksOf(opened++ % 2 === 0 ? first : second);
    const [there, here] = await both('changed.csv', open, first.length);
    expect(there).toEqual(here);
    expect((there as { code: string }).code).toBe('storage.changed');
  });

  it('puts a parsing error in the bytes read before a stream failure first, and the failure otherwise, as this thread does', async () => {
    const failure = storageError('storage.failed', 'the connection broke', { subject: 'test' });
    const malformed = Buffer.from('x,y\n' + '1,2\n'.repeat(600_000) + '3,4,5\n' + '1,2\n'.repeat(300_000));
    const [there, here] = await both('broken.csv', () => chunksOf(malformed, failure), malformed.length);
    expect(there).toEqual(here);
    expect((there as { code: string }).code).toBe('data.corrupt');
    const clean = Buffer.from('x,y\n' + '1,2\n'.repeat(600_000));
    const [cleanThere, cleanHere] = await both('cut.csv', () => chunksOf(clean, failure), clean.length + 100);
    expect(cleanThere).toEqual(cleanHere);
    expect((cleanThere as { code: string }).code).toBe('storage.failed');
  });
});
