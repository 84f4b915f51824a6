import { Field, Float32, Float64, FixedSizeList, Int32, Table as ArrowTable, TimestampMillisecond, Utf8, makeData, makeVector, tableToIPC, vectorFromArray } from 'apache-arrow';
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
