/**
 * Parquet read row group by row group from a file-backed Blob (src/ingest/formats.ts decodeParquetBlob, what
 * loadTable uses for local files): the same table as decoding the whole file at once, and the same named errors.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataType, Table as ArrowTable, tableFromIPC } from 'apache-arrow';
import { ParquetFile } from 'parquet-wasm';
import { batchesViaFfi, decode, decodeParquetBlob, type DecodeOptions } from '../../src/ingest/formats.js';
import { fromArrow } from '../../src/ingest/arrow.js';
import { DEFAULT_LIMITS, type IngestLimits } from '../../src/ingest/limits.js';
import { LocalStorage } from '../../src/storage/local.js';
import { parseLocation } from '../../src/storage/index.js';
import { logLines, runCli } from '../support/cli.js';
import { errorCodeOf } from '../support/errors.js';
import { manyTypesParquet, multiGroupParquet } from '../support/parquet.js';
import { comparableTable } from '../support/tables.js';

const ROWS = 5500;

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
  const bytes = multiGroupParquet(ROWS, 1000);

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

  it('reads every other Arrow type a writer may emit as the whole file decoded at once (copied out of the wasm heap through the C data interface, or through IPC for a type that interface reader does not know)', async () => {
    const many = manyTypesParquet(3000);
    const file = path.join(dir, 'many-types.parquet');
    const got = await viaBlob('many-types.parquet', many);
    expect(got.rows).toBe(3000);
    expect(got.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['b:categorical', 'i8:numeric', 'i64:numeric', 'u32:numeric', 'f32:numeric', 'd:timestamp', 'tz:timestamp', 'dict:categorical', 'big:categorical', 'bin:unsupported', 'list:unsupported']);
    expect(comparableTable(got)).toEqual(comparableTable(decode(many, optionsFor(file))));
  });

  it('copies every non-dictionary column chunk out of the wasm heap through the C data interface, as IPC would give it', async () => {
    for (const file of [bytes, manyTypesParquet(3000)]) {
      const parquet = await ParquetFile.fromFile(new Blob([file]));
      for (const field of tableFromIPC((await parquet.read({ limit: 0 })).intoIPCStream()).schema.fields) {
        const chunk = { columns: [field.name], rowGroups: [1] };
        const viaFfi = batchesViaFfi(await parquet.read(chunk));
        if (DataType.isDictionary(field.type)) continue;
        expect(viaFfi).toBeDefined();
        const viaIpc = tableFromIPC((await parquet.read(chunk)).intoIPCStream());
        expect(comparableTable(fromArrow(new ArrowTable(viaFfi!)))).toEqual(comparableTable(fromArrow(viaIpc)));
      }
    }
  });

  it('reads a file without rows as the whole file decoded at once', async () => {
    const empty = multiGroupParquet(0, 1000);
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

  it('a fetch that fails part-way is a storage error, and the wasm reader still works afterwards (it would panic on a rejected read)', async () => {
    const file = path.join(dir, 'failing.parquet');
    await writeFile(file, bytes);
    const blob = await storage.blob({ uri: file, name: file, size: bytes.length }, parseLocation(file, 'test'), 'test');
    let reads = 0;
    // The footer reads pass; the first column chunk fails.
    const failing = { size: blob.size, slice: (start: number, end: number) => (++reads > 3 ? { arrayBuffer: () => Promise.reject(new Error('disk went away')) } : blob.slice(start, end)) };
    const error = await decodeParquetBlob(failing, optionsFor(file)).then(() => null, (e: unknown) => e as { code: string; message: string });
    expect(error?.code).toBe('storage.failed');
    expect(error?.message).toContain('disk went away');
    expect(comparableTable(await viaBlob('after-failure.parquet', bytes))).toEqual(comparableTable(decode(bytes, optionsFor(file))));
  });

  it('a file whose first page is corrupt (footer intact): moa run exits 3 with data.corrupt and error.json, not a crash', async () => {
    // The wasm reader panics on such a page inside a promise callback, outside any try; only the CLI's own process
    // shows the difference (jest's environment catches the panic itself), so the built CLI runs as a pod runs it.
    const corrupt = path.join(dir, 'zeroed-page.parquet');
    const good = path.join(dir, 'good.parquet');
    await writeFile(corrupt, Uint8Array.from(bytes).fill(0, 4, 204));
    await writeFile(good, bytes);
    const out = path.join(dir, 'out-zeroed');
    const run = await runCli(['run', '--reference', corrupt, '--operational', good, '--out', out]);
    expect(run.code).toBe(3);
    const error = logLines(run.stderr).find((l) => l.level === 'error');
    expect(error?.code).toBe('data.corrupt');
    expect(error?.msg).toContain('zeroed-page.parquet is not a readable Parquet file');
    expect(JSON.parse(await readFile(path.join(out, 'error.json'), 'utf8')).error.code).toBe('data.corrupt');
  });
});
