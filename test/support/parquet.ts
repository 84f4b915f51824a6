import { Binary, Bool, DateDay, Dictionary, Field, Float32, Float64, FixedSizeList, Int8, Int32, Int64, LargeUtf8, List, Table as ArrowTable, TimestampMillisecond, TimestampMicrosecond, Uint32, Utf8, makeData, makeVector, tableToIPC, vectorFromArray } from 'apache-arrow';
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm';

/**
 * A Parquet file of several row groups (`groupRows` rows each) and every column kind a reader must convert:
 * a 3-vector of Float32 (a tensor), Float64 with nulls, Int32, strings with nulls, millisecond timestamps.
 */
export function multiGroupParquet(rows: number, groupRows: number): Uint8Array {
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

/**
 * A Parquet file of two row groups with the other Arrow types a writer may emit for a column: booleans, small and
 * 64-bit integers, unsigned, float32, dates, microsecond timestamps with a time zone, dictionary-encoded strings,
 * large strings, binary and lists — each with nulls.
 */
export function manyTypesParquet(rows: number): Uint8Array {
  const nullEvery = <T>(k: number, value: (i: number) => T) => Array.from({ length: rows }, (_, i) => (i % k === 0 ? null : value(i)));
  const table = new ArrowTable({
    b: vectorFromArray(nullEvery(7, (i) => i % 3 === 0), new Bool()),
    i8: vectorFromArray(nullEvery(5, (i) => (i % 200) - 100), new Int8()),
    i64: vectorFromArray(nullEvery(9, (i) => BigInt(i) * 1_000_000_007n), new Int64()),
    u32: vectorFromArray(nullEvery(4, (i) => i * 3), new Uint32()),
    f32: vectorFromArray(nullEvery(6, (i) => i / 7), new Float32()),
    d: vectorFromArray(nullEvery(8, (i) => new Date(Date.UTC(2025, 0, 1 + (i % 400)))), new DateDay()),
    tz: vectorFromArray(nullEvery(10, (i) => Date.UTC(2026, 0, 1) + i * 1_000), new TimestampMicrosecond('UTC')),
    dict: vectorFromArray(nullEvery(3, (i) => `level-${i % 5}`), new Dictionary(new Utf8(), new Int32())),
    big: vectorFromArray(nullEvery(12, (i) => `é${i % 13}`), new LargeUtf8()),
    bin: vectorFromArray(nullEvery(11, (i) => Uint8Array.of(i % 256, 7)), new Binary()),
    list: vectorFromArray(nullEvery(13, (i) => [i, i + 1]), new List(new Field('item', new Float64(), true))),
  });
  const props = new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).setMaxRowGroupSize(Math.ceil(rows / 2)).build();
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), props);
}
