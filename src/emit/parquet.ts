import { Table as ArrowTable, makeData, makeVector, tableToIPC, vectorFromArray, Float64, Int32, TimestampMillisecond, Utf8, type Vector } from 'apache-arrow';
import { parquetWasm } from '../ingest/parquet-wasm.js';

/** Column data accepted by the Parquet writer. */
export type ParquetColumn =
  | { type: 'float64'; values: Float64Array | number[] }
  | { type: 'int32'; values: Int32Array | number[] }
  | { type: 'string'; values: (string | null)[] }
  | { type: 'timestamp'; values: (number | null)[] };

/** Encode columns as one Parquet file through Arrow; Snappy, the codec every Parquet reader has. `metadata` goes into the footer's key-value metadata. */
export function toParquet(columns: Record<string, ParquetColumn>, metadata: Record<string, string> = {}): Uint8Array {
  const vectors: Record<string, Vector> = {};
  for (const [name, c] of Object.entries(columns)) {
    switch (c.type) {
      case 'float64':
        vectors[name] = float64Vector(c.values);
        break;
      case 'int32':
        vectors[name] = makeVector(makeData({ type: new Int32(), length: c.values.length, data: Int32Array.from(c.values) }));
        break;
      case 'string':
        vectors[name] = utf8Vector(c.values);
        break;
      case 'timestamp':
        vectors[name] = vectorFromArray(c.values, new TimestampMillisecond());
        break;
    }
  }
  const table = new ArrowTable(vectors);
  const { Compression, Table: WasmTable, WriterPropertiesBuilder, writeParquet } = parquetWasm();
  let builder = new WriterPropertiesBuilder().setCompression(Compression.SNAPPY);
  if (Object.keys(metadata).length) builder = builder.setKeyValueMetadata(new Map(Object.entries(metadata)));
  const props = builder.build();
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), props);
}

/**
 * Columns straight into Arrow's buffers (values, offsets, validity bitmap): Arrow's builders encode string by string
 * through a TextEncoder and box every number, which took most of the time of writing a selection of 100k rows.
 */
function validity(length: number, isNull: (i: number) => boolean): { nullCount: number; nullBitmap?: Uint8Array } {
  const bitmap = new Uint8Array((length + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < length; i++) {
    if (isNull(i)) nullCount++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  }
  return nullCount ? { nullCount, nullBitmap: bitmap } : { nullCount };
}

/** NaN is written as null, as the builder path did. */
function float64Vector(values: Float64Array | number[]): Vector<Float64> {
  const data = Float64Array.from(values);
  return makeVector(makeData({ type: new Float64(), length: data.length, data, ...validity(data.length, (i) => Number.isNaN(data[i]!)) }));
}

function utf8Vector(values: (string | null)[]): Vector<Utf8> {
  const n = values.length;
  const offsets = new Int32Array(n + 1);
  let bytes = Buffer.alloc(1 << 12);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v) {
      // A UTF-16 code unit is at most three UTF-8 bytes.
      if (at + 3 * v.length > bytes.length) {
        const grown = Buffer.alloc(Math.max(2 * bytes.length, at + 3 * v.length));
        bytes.copy(grown, 0, 0, at);
        bytes = grown;
      }
      at += bytes.write(v, at);
    }
    offsets[i + 1] = at;
  }
  return makeVector(makeData({ type: new Utf8(), length: n, valueOffsets: offsets, data: bytes.subarray(0, at), ...validity(n, (i) => values[i] == null) }));
}
