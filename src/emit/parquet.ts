import { Table as ArrowTable, tableToIPC, vectorFromArray, Float64, Int32, TimestampMillisecond, Utf8, type Vector } from 'apache-arrow';
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
        vectors[name] = vectorFromArray(Array.from(c.values, (v) => (Number.isNaN(v) ? null : v)), new Float64());
        break;
      case 'int32':
        vectors[name] = vectorFromArray(Array.from(c.values), new Int32());
        break;
      case 'string':
        vectors[name] = vectorFromArray(c.values, new Utf8());
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
