/**
 * The CSV reader fed in chunks (as storage streams it) must give exactly what it gives for the whole file: the same
 * table bit for bit, or the same named error. Regions (the unit the columns grow by) are made tiny here so that
 * record boundaries, \r\n pairs, quoted line breaks, escaped quotes, empty lines and the second pass of a column
 * whose type guess failed all fall across chunk and region edges.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { MoaError } from '../../src/errors.js';
import { csvReader, decodeCsvBytes, decodeCsvChunks, type CsvOptions } from '../../src/ingest/csv.js';
import { DEFAULT_LIMITS } from '../../src/ingest/limits.js';
import type { Table } from '../../src/ingest/table.js';
import type { ColumnType } from '../../src/schema/config.js';
import { mulberry32 } from '../../src/stats/index.js';
import { TEST_DATA_DIR } from '../support/data.js';
import { comparableTable } from '../support/tables.js';

const options = (types: Record<string, ColumnType> = {}, delimiter = 44): CsvOptions => ({ uri: 'chunks.csv', subject: 'test', types, delimiter, limits: DEFAULT_LIMITS });

type Outcome = Table | { code: string; message: string };
function outcome(run: () => Table): Outcome {
  try {
    return run();
  } catch (error) {
    if (error instanceof MoaError) return { code: error.code, message: error.message };
    throw error;
  }
}

/** `sizeHint` as a listing may give it: right, unknown, or too small (the columns must then grow). */
function chunked(bytes: Uint8Array, opts: CsvOptions, regionBytes: number, chunkSize: () => number, sizeHint: 'exact' | 'unknown' | 'short' = 'exact'): Table {
  const expectedBytes = sizeHint === 'exact' ? bytes.length : sizeHint === 'short' ? Math.floor(bytes.length / 3) : undefined;
  const reader = csvReader(opts, { regionBytes, expectedBytes });
  do {
    for (let at = 0; at < bytes.length; ) {
      const size = chunkSize();
      reader.push(bytes.subarray(at, at + size));
      at += size;
    }
  } while (reader.end());
  return reader.table();
}

const comparable = (o: Outcome): unknown => ('columns' in o ? comparableTable(o) : o);

describe('CSV reader in chunks', () => {
  it('reads 600 seeded random files in random chunks and tiny regions exactly as in one piece', () => {
    const rng = mulberry32(20261204).nextDouble53;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
    const values = [
      () => String(Math.floor(rng() * 1e6) - 5e5),
      () => (rng() * 100).toFixed(Math.floor(rng() * 18)),
      () => pick(['1e400', '-0', '.5', ' 12 ', 'inf', '123456789012345678', '0.1234567890123456789']),
      () => pick(['a', 'x y', 'é', '日本', 'a,b', 'say "hi"', 'line\nbreak', 'cr\rlf', 'crlf\r\ninside', '""', '"', 'NA', 'null', '', 'true', 'False']),
      () => pick(['2024-01-31', '2023-12-31T23:59:59Z', '2024-06-01 12:30', '2020-01-01T00:00:00-0530']),
      () => pick(['true', 'false', 'TRUE', '']),
    ];
    let tables = 0;
    let errors = 0;
    let secondPasses = 0;
    let lateColumns = 0;
    for (let file = 0; file < 600; file++) {
      const width = 1 + Math.floor(rng() * 4);
      const rows = Math.floor(rng() * 120);
      const kinds = Array.from({ length: width }, () => pick(values));
      const switchAt = rng() < 0.3 ? Math.floor(rng() * rows) : -1; // column 0 turns to text here: a second pass
      const nullsUntil = rng() < 0.3 ? Math.floor(rng() * rows) : 0; // the last column is empty before this row
      const rawCr = rng() < 0.1; // a \r left unquoted: data in a \r\n or \n file, a record end in a \r file
      const eol = pick(['\n', '\r\n', '\r']);
      const cell = (text: string) => (/[",\r\n]/.test(text) || (text.length > 0 && rng() < 0.1) ? `"${text.replace(/"/g, '""')}"` : text);
      const lines = [Array.from({ length: width }, (_, k) => cell(`c${k}`)).join(',')];
      if (rng() < 0.1) lines.unshift('');
      for (let r = 0; r < rows; r++) {
        const row = kinds.map((kind, k) => (k === 0 && switchAt >= 0 && r >= switchAt ? 'text now' : k === width - 1 && r < nullsUntil ? pick(['', 'NA']) : kind()));
        lines.push(row.map((v, k) => (rawCr && k === 0 && r % 5 === 1 ? `x\ry` : cell(v))).join(','));
        if (rng() < 0.05) lines.push('');
      }
      let text = (rng() < 0.1 ? '\ufeff' : '') + lines.join(eol) + (rng() < 0.7 ? eol : '');
      const damage = rng();
      if (damage < 0.04) text = text.replace(/,(?=[^,]*$)/, ',x"y');
      else if (damage < 0.08) text += `1${eol}`;
      else if (damage < 0.11) text = text.slice(0, Math.floor(text.length * rng())) + '"open' + text.slice(Math.floor(text.length / 2));
      else if (damage < 0.13) text = text.replace(/\n"/, '\n"a"b');
      const bytes = Buffer.from(text, 'utf8');
      const types: Record<string, ColumnType> = rng() < 0.15 ? { c1: pick(['numeric', 'categorical', 'boolean', 'timestamp'] as const) } : {};
      const whole = outcome(() => decodeCsvBytes(bytes, options(types)));
      const region = pick([1, 2, 3, 7, 16, 64, 1 + Math.floor(rng() * 400)]);
      const chunk = pick([() => 1, () => 2, () => 3, () => 1 + Math.floor(rng() * 97), () => bytes.length || 1]);
      const parts = outcome(() => chunked(bytes, options(types), region, chunk, pick(['exact', 'unknown', 'short'] as const)));
      expect({ file, region, text: text.slice(0, 300), got: comparable(parts) }).toEqual({ file, region, text: text.slice(0, 300), got: comparable(whole) });
      if ('columns' in whole) tables++;
      else errors++;
      if (switchAt >= 0 && 'columns' in whole && whole.columns[0]!.type === 'categorical') secondPasses++;
      if (nullsUntil > 20 && 'columns' in whole && whole.columns[width - 1]!.type !== 'null') lateColumns++;
    }
    expect(tables).toBeGreaterThan(400);
    expect(errors).toBeGreaterThan(20);
    expect(secondPasses).toBeGreaterThan(50);
    expect(lateColumns).toBeGreaterThan(50);
  });

  it('reads the repository CSV datasets in 4 KiB regions and uneven chunks exactly as in one piece', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const name of readdirSync(d)) {
        const p = path.join(d, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.csv(\.gz)?$/.test(name)) files.push(p);
      }
    };
    walk(TEST_DATA_DIR);
    expect(files.length).toBeGreaterThanOrEqual(3);
    const rng = mulberry32(5).nextDouble53;
    for (const file of files) {
      const raw = readFileSync(file);
      const bytes = file.endsWith('.gz') ? gunzipSync(raw) : raw;
      const whole = outcome(() => decodeCsvBytes(bytes, options()));
      const parts = outcome(() => chunked(bytes, options(), 4096, () => 1 + Math.floor(rng() * 20_000)));
      expect({ file, got: comparable(parts) }).toEqual({ file, got: comparable(whole) });
    }
  });

  it('reads a stream again from its start when a column must be read twice', async () => {
    // x is numeric for 3,000 rows, then text: the first pass drops it, the second reads it as categories.
    const text = 'x,y\n' + Array.from({ length: 3000 }, (_, i) => `${i},${i % 7}`).join('\n') + '\nlate text,1\n';
    let opened = 0;
    async function* open() {
      opened++;
      const bytes = Buffer.from(text);
      for (let at = 0; at < bytes.length; at += 1000) yield bytes.subarray(at, at + 1000);
    }
    const table = await decodeCsvChunks(open, options());
    expect(opened).toBe(2);
    expect(comparable(table)).toEqual(comparable(decodeCsvBytes(Buffer.from(text), options())));
    expect(table.columns.map((c) => c.type)).toEqual(['categorical', 'numeric']);
  });

  it('names a stream whose row count changed between the two passes', async () => {
    let opened = 0;
    async function* open() {
      opened++;
      yield Buffer.from(`x\n1\n2\n${opened === 1 ? 'text\n' : 'text\nmore\n'}`);
    }
    await expect(decodeCsvChunks(open, options())).rejects.toMatchObject({ code: 'storage.changed' });
  });
});
