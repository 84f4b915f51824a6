import { describe, expect, it } from '@jest/globals';
import {
  Bool,
  Dictionary,
  Field,
  FixedSizeList,
  Float32,
  Int32,
  Int64,
  Table as ArrowTable,
  TimestampMicrosecond,
  Utf8,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';
import { Table as WasmTable, writeParquet } from 'parquet-wasm';
import { decode, detectFormat } from '../../src/ingest/formats.js';
import type { Column } from '../../src/ingest/table.js';
import { MoaError } from '../../src/errors.js';

const opts = (format: 'parquet' | 'arrow' | 'csv' | 'jsonl', uri = `x.${format}`) => ({ format, uri, subject: '--reference', types: {} });
const col = (cols: Column[], name: string) => cols.find((c) => c.name === name)!;

function sampleArrow(): ArrowTable {
  return new ArrowTable({
    i64: vectorFromArray([1n, 2n, null, 4n], new Int64()),
    f32: vectorFromArray([0.5, null, 2.5, -1], new Float32()),
    s: vectorFromArray(['a', 'b', null, 'a'], new Utf8()),
    d: vectorFromArray(['x', 'y', 'x', null], new Dictionary(new Utf8(), new Int32())),
    flag: vectorFromArray([true, false, null, true], new Bool()),
    ts: vectorFromArray([1_700_000_000_000, null, 1_700_000_001_000, 1_700_000_002_000], new TimestampMicrosecond()),
    img: vectorFromArray(
      [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]],
      new FixedSizeList(3, new Field('item', new Float32(), true)),
    ),
  });
}

function expectSample(cols: Column[]) {
  const i64 = col(cols, 'i64');
  expect(i64.type).toBe('numeric');
  if (i64.type !== 'numeric') return;
  expect(Array.from(i64.values)).toEqual([1, 2, NaN, 4]);
  expect(i64.nulls && Array.from(i64.nulls)).toEqual([0, 0, 1, 0]);
  expect(i64.integer).toBe(true);
  const s = col(cols, 's');
  expect(s.type).toBe('categorical');
  if (s.type === 'categorical') expect(Array.from(s.codes, (c) => (c < 0 ? null : s.categories[c]))).toEqual(['a', 'b', null, 'a']);
  const d = col(cols, 'd');
  if (d.type !== 'categorical') throw new Error('dictionary column should be categorical');
  expect(Array.from(d.codes, (c) => (c < 0 ? null : d.categories[c]))).toEqual(['x', 'y', 'x', null]);
  const flag = col(cols, 'flag');
  if (flag.type !== 'categorical') throw new Error('bool column should be categorical');
  expect(flag.boolean).toBe(true);
  expect(Array.from(flag.codes, (c) => (c < 0 ? null : flag.categories[c]))).toEqual(['true', 'false', null, 'true']);
  const ts = col(cols, 'ts');
  if (ts.type !== 'timestamp') throw new Error('timestamp column expected');
  // Arrow JS takes milliseconds and stores microseconds; the column holds milliseconds again.
  expect(ts.values[0]).toBe(1_700_000_000_000);
  expect(ts.nulls?.[1]).toBe(1);
  const img = col(cols, 'img');
  if (img.type !== 'tensor') throw new Error('fixed-size list should stay a tensor');
  expect(img.size).toBe(3);
  expect(Array.from(img.values)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
}

describe('formats', () => {
  it('picks the format from the extension, and --format wins', () => {
    expect(detectFormat('a/b/part-0001.parquet', undefined, 's')).toBe('parquet');
    expect(detectFormat('x.feather', undefined, 's')).toBe('arrow');
    expect(detectFormat('x.arrows', undefined, 's')).toBe('arrow');
    expect(detectFormat('x.csv.gz', undefined, 's')).toBe('csv');
    expect(detectFormat('x.ndjson', undefined, 's')).toBe('jsonl');
    expect(detectFormat('x.bin', 'csv', 's')).toBe('csv');
    expect(() => detectFormat('x.bin', undefined, '--operational')).toThrow(expect.objectContaining({
      message: expect.stringContaining('--operational'),
      fix: expect.stringContaining('--format'),
      exitCode: 2,
    }));
  });

  it('reads Parquet into typed columns (int64, nulls, dictionary, bool, timestamp, tensor)', () => {
    const bytes = writeParquet(WasmTable.fromIPCStream(tableToIPC(sampleArrow(), 'stream')));
    const table = decode(bytes, opts('parquet'));
    expect(table.rows).toBe(4);
    expectSample(table.columns);
  });

  it('reads Arrow IPC files and streams', () => {
    expectSample(decode(tableToIPC(sampleArrow(), 'file'), opts('arrow', 'x.arrow')).columns);
    expectSample(decode(tableToIPC(sampleArrow(), 'stream'), opts('arrow', 'x.arrows')).columns);
  });

  it('infers CSV types, treats NA and empty cells as null, and honours overrides', () => {
    const csv = 'a,b,c,zip\n1,x,true,02139\n2.5,,false,10001\nNA,y,TRUE,94105\n';
    const table = decode(Buffer.from(csv), opts('csv'));
    const a = col(table.columns, 'a');
    if (a.type !== 'numeric') throw new Error('a should be numeric');
    expect(Array.from(a.values)).toEqual([1, 2.5, NaN]);
    expect(a.integer).toBe(false);
    expect(col(table.columns, 'b').type).toBe('categorical');
    const c = col(table.columns, 'c');
    expect(c.type === 'categorical' && c.boolean).toBe(true);
    expect(col(table.columns, 'zip').type).toBe('numeric');
    const typed = decode(Buffer.from(csv), { ...opts('csv'), types: { zip: 'categorical' } });
    const zip = col(typed.columns, 'zip');
    if (zip.type !== 'categorical') throw new Error('override to categorical failed');
    expect(zip.categories).toEqual(['02139', '10001', '94105']);
  });

  it('reads JSON Lines, with number arrays as tensors', () => {
    const text = '{"x": 1, "s": "a", "e": [1, 2]}\n\n{"x": null, "s": "b", "e": [3, 4]}\n{"x": 3, "e": null}\n';
    const table = decode(Buffer.from(text), opts('jsonl'));
    expect(table.rows).toBe(3);
    const e = col(table.columns, 'e');
    if (e.type !== 'tensor') throw new Error('e should be a tensor');
    expect(Array.from(e.values)).toEqual([1, 2, 3, 4, 0, 0]);
    expect(e.nulls && Array.from(e.nulls)).toEqual([0, 0, 1]);
    const s = col(table.columns, 's');
    expect(s.type === 'categorical' && s.codes[2]).toBe(-1);
  });

  it.each([
    ['parquet', Buffer.from('PAR1 this is not really parquet PAR1'), /not a readable Parquet file/],
    ['arrow', Buffer.from('ARROW1 garbage'), /not a readable Arrow IPC file/],
    ['csv', Buffer.from('a,b\n1,2\n3\n'), /not valid CSV/],
    ['jsonl', Buffer.from('{"a":1}\n{oops}\n'), /line 2 .* not valid JSON/],
  ] as const)('rejects a corrupt %s file as a data error naming the file', (format, bytes, message) => {
    let error: unknown;
    try {
      decode(bytes, opts(format, `s3://b/bad.${format}`));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MoaError);
    expect((error as MoaError).exitCode).toBe(3);
    expect((error as MoaError).message).toMatch(message);
    expect((error as MoaError).message).toContain(`s3://b/bad.${format}`);
  });

  it('rejects an empty file', () => {
    expect(() => decode(new Uint8Array(), opts('parquet'))).toThrow(/is empty/);
  });
});
