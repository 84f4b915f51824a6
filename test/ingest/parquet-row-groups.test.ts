/**
 * Parquet read row group by row group from a file-backed Blob (src/ingest/formats.ts decodeParquetBlob, what
 * loadTable uses for local files): the same table as decoding the whole file at once, and the same named errors.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Field, Float32, Float64, FixedSizeList, Int32, Table as ArrowTable, TimestampMillisecond, Utf8, makeData, makeVector, tableToIPC, vectorFromArray } from 'apache-arrow';
import { Compression, ParquetFile, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm';
import { decode, decodeParquetBlob, type DecodeOptions } from '../../src/ingest/formats.js';
import { DEFAULT_LIMITS, type IngestLimits } from '../../src/ingest/limits.js';
import { LocalStorage } from '../../src/storage/local.js';
import { parseLocation } from '../../src/storage/index.js';
import { errorCodeOf } from '../support/errors.js';
import { comparableTable } from '../support/tables.js';

const ROWS = 5500;
/** Float64 with nulls, Int32, strings with nulls, timestamps and a 3-vector (a tensor), in row groups of `groupRows`. */
function multiGroupParquet(rows = ROWS, groupRows = 1000): Uint8Array {
  const child = makeData({ type: new Float32(), length: rows * 3, data: Float32Array.from({ length: rows * 3 }, (_, i) => i / 8) });
  const embedding = makeVector(makeData({ type: new FixedSizeList(3, new Field('item', new Float32(), true)), length: rows, nullCount: 0, child }));
  const table = new ArrowTable({
    e: embedding,
    x: vectorFromArray(Array.from({ length: rows }, (_, i) => (i % 97 === 0 ? null : Math.sin(i) * 1e3)), new Float64()),
    n: vectorFromArray(Array.from({ length: rows }, (_, i) => i - 2000), new Int32()),
    s: vectorFromArray(Array.from({ length: rows }, (_, i) => (i % 11 === 0 ? null : `k${(i * 7) % 300}`)), new Utf8()),
    t: vectorFromArray(Array.from({ length: rows }, (_, i) => Date.UTC(2026, 0, 1) + i * 60_000), new TimestampMillisecond()),
  });
  const props = new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).setMaxRowGroupSize(groupRows).build();
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), props);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'moa-parquet-groups-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const storage = new LocalStorage();
const optionsFor = (file: string, limits: Partial<IngestLimits> = {}): DecodeOptions => ({ format: 'parquet', uri: file, subject: '--reference', types: {}, limits: { ...DEFAULT_LIMITS, ...limits } });
async function viaBlob(name: string, bytes: Uint8Array, limits: Partial<IngestLimits> = {}) {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  const [object] = await storage.list(parseLocation(file, 'test'), 'test');
  return decodeParquetBlob(await storage.blob(object!, parseLocation(file, 'test'), '--reference'), optionsFor(file, limits));
}

describe('Parquet row group by row group', () => {
  const bytes = multiGroupParquet();

  it('reads a file of six row groups exactly as the whole file decoded at once', async () => {
    const file = path.join(dir, 'groups.parquet');
    await writeFile(file, bytes);
    const parquet = await ParquetFile.fromFile(await storage.blob({ uri: file, name: file, size: bytes.length }, parseLocation(file, 'test'), 'test'));
    expect(parquet.metadata().numRowGroups()).toBe(6);
    const got = await viaBlob('groups.parquet', bytes);
    expect(got.rows).toBe(ROWS);
    expect(got.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['e:tensor', 'x:numeric', 'n:numeric', 's:categorical', 't:timestamp']);
    expect(comparableTable(got)).toEqual(comparableTable(decode(bytes, optionsFor(file))));
  });

  it('reads a file without rows as the whole file decoded at once', async () => {
    const empty = multiGroupParquet(0);
    const got = await viaBlob('no-rows.parquet', empty);
    expect(got.rows).toBe(0);
    expect(comparableTable(got)).toEqual(comparableTable(decode(empty, optionsFor(path.join(dir, 'no-rows.parquet')))));
  });

  it.each([
    ['half a file', 'half.parquet', () => bytes.subarray(0, Math.floor(bytes.length / 2)), {}, 'data.truncated'],
    ['text named .parquet', 'text.parquet', () => Buffer.from('x,y\n1,2\n'), {}, 'data.corrupt'],
    ['an empty file', 'empty.parquet', () => new Uint8Array(), {}, 'data.empty'],
    ['more rows than maxRows', 'rows.parquet', () => bytes, { maxRows: 5000 }, 'limits.rows'],
    ['more categories than maxCategories', 'cats.parquet', () => bytes, { maxCategories: 100 }, 'limits.categories'],
  ] as const)('names %s as decoding the whole file does', async (_what, name, body, limits, code) => {
    expect(await errorCodeOf(() => decode(body(), optionsFor(path.join(dir, name), limits)))).toBe(code);
    expect(await errorCodeOf(() => viaBlob(name, body(), limits))).toBe(code);
  });
});
