import { describe, expect, it } from '@jest/globals';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { toParquet } from '../../src/emit/parquet.js';

/** Read back with parquet-wasm and Arrow JS, independently of moa's own reader. */
const readBack = (bytes: Uint8Array) => tableFromIPC(readParquet(bytes).intoIPCStream());

describe('toParquet', () => {
  it('writes strings (nulls, empty, non-ASCII), floats (NaN as null) and ints that read back as they were', () => {
    const strings = ['id-1', null, '', 'héllo', '日本語', '😀', 's3://bucket/a/very/long/key/part-00001.parquet', null, 'x'];
    const floats = [0.5, NaN, -1e300, 2, NaN, 0, 1 / 3, 7, Number.MIN_VALUE];
    const ints = [0, -1, 2147483647, -2147483648, 5, 6, 7, 8, 9];
    const table = readBack(toParquet({ s: { type: 'string', values: strings }, f: { type: 'float64', values: Float64Array.from(floats) }, i: { type: 'int32', values: ints } }, { 'moa.run_id': 'r' }));
    expect(table.numRows).toBe(9);
    expect(Array.from({ length: 9 }, (_, k) => table.getChild('s')!.get(k))).toEqual(strings);
    expect(Array.from({ length: 9 }, (_, k) => table.getChild('f')!.get(k))).toEqual(floats.map((v) => (Number.isNaN(v) ? null : v)));
    expect(Array.from({ length: 9 }, (_, k) => table.getChild('i')!.get(k))).toEqual(ints);
  });

  it('writes a string column of 100k rows past the first buffer, and columns with no rows', () => {
    const ids = Array.from({ length: 100_000 }, (_, k) => `row-${k}-ü`);
    const table = readBack(toParquet({ id: { type: 'string', values: ids } }));
    expect(table.getChild('id')!.toArray()).toEqual(ids);
    const empty = readBack(toParquet({ s: { type: 'string', values: [] }, f: { type: 'float64', values: [] } }));
    expect(empty.numRows).toBe(0);
  });
});
