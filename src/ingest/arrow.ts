import { DataType, type Data, makeVector, type Table as ArrowTable, Type, TimeUnit, DateUnit } from 'apache-arrow';
import { ByteDictionary } from './byte-dictionary.js';
import { CategoricalBuilder, type Column, type Table } from './table.js';

/**
 * Arrow → typed columns. Works chunk by chunk on the raw buffers (no per-value `get()`), so a million-row
 * Parquet file converts in milliseconds; dictionary-encoded strings map their dictionaries once per chunk.
 */
export function fromArrow(table: ArrowTable): Table {
  const columns: Column[] = table.schema.fields.map((field, k) => {
    const vector = table.getChildAt(k)!;
    return convert(field.name, field.type as DataType, vector.data as Data[], table.numRows);
  });
  return { rows: table.numRows, columns };
}

function nullMask(chunks: Data[], rows: number): Uint8Array | null {
  if (chunks.every((d) => d.nullCount === 0)) return null;
  const mask = new Uint8Array(rows);
  let at = 0;
  for (const d of chunks) {
    if (d.nullCount > 0) for (let i = 0; i < d.length; i++) if (!d.getValid(i)) mask[at + i] = 1;
    at += d.length;
  }
  return mask;
}

const TIME_DIVISOR: Record<number, number> = {
  [TimeUnit.SECOND]: 1e-3,
  [TimeUnit.MILLISECOND]: 1,
  [TimeUnit.MICROSECOND]: 1e3,
  [TimeUnit.NANOSECOND]: 1e6,
};

function numericValues(chunks: Data[], rows: number, scale = 1): Float64Array {
  const out = new Float64Array(rows);
  let at = 0;
  for (const d of chunks) {
    const values = d.values as ArrayLike<number | bigint>;
    const stride = d.stride || 1;
    if (stride === 1 && !(values instanceof BigInt64Array) && !(values instanceof BigUint64Array) && scale === 1) {
      out.set((values as unknown as Float64Array).subarray(d.offset, d.offset + d.length), at);
    } else {
      for (let i = 0; i < d.length; i++) out[at + i] = Number(values[(d.offset + i) * stride]!) / scale;
    }
    at += d.length;
  }
  return out;
}

function convert(name: string, type: DataType, chunks: Data[], rows: number): Column {
  switch (type.typeId) {
    case Type.Null:
      return { name, type: 'null', length: rows };
    case Type.Int:
    case Type.Float: {
      const nulls = nullMask(chunks, rows);
      const values = numericValues(chunks, rows);
      if (type.typeId === Type.Float && (type as unknown as { precision: number }).precision === 0) {
        // Float16 is stored as raw uint16 bits: decode through Arrow's own getter.
        let at = 0;
        for (const d of chunks) {
          for (let i = 0; i < d.length; i++) values[at + i] = Number(getValue(d, i));
          at += d.length;
        }
      }
      if (nulls) for (let i = 0; i < rows; i++) if (nulls[i]) values[i] = NaN;
      return { name, type: 'numeric', values, nulls, integer: type.typeId === Type.Int };
    }
    case Type.Bool: {
      const builder = new CategoricalBuilder(rows);
      let at = 0;
      for (const d of chunks) {
        for (let i = 0; i < d.length; i++) builder.set(at + i, d.getValid(i) ? String(getValue(d, i)) : null);
        at += d.length;
      }
      return { name, type: 'categorical', codes: builder.codes, categories: builder.categories, boolean: true };
    }
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Utf8View:
    case Type.Dictionary: {
      // Plain strings from their offsets and bytes: a cell becomes a string only the first time its bytes are seen.
      if (type.typeId === Type.Utf8 && chunks.every((d) => d.offset === 0 && d.valueOffsets instanceof Int32Array)) return utf8Codes(name, chunks, rows);
      const builder = new CategoricalBuilder(rows);
      let at = 0;
      for (const d of chunks) {
        if (type.typeId === Type.Dictionary && d.dictionary) {
          // Map each dictionary entry once, then translate indices.
          const dict = d.dictionary;
          const local = new Int32Array(dict.length);
          for (let j = 0; j < dict.length; j++) {
            const v = dict.get(j);
            builder.set(0, v === null ? null : String(v));
            local[j] = builder.codes[0]!;
          }
          const indices = d.values as ArrayLike<number | bigint>;
          for (let i = 0; i < d.length; i++) {
            builder.codes[at + i] = d.getValid(i) ? local[Number(indices[d.offset + i]!)]! : -1;
          }
        } else {
          for (let i = 0; i < d.length; i++) {
            const v = d.getValid(i) ? getValue(d, i) : null;
            builder.set(at + i, v === null ? null : String(v));
          }
        }
        at += d.length;
      }
      return { name, type: 'categorical', codes: builder.codes, categories: builder.categories, boolean: false };
    }
    case Type.Timestamp: {
      const unit = (type as unknown as { unit: TimeUnit }).unit;
      const nulls = nullMask(chunks, rows);
      const values = numericValues(chunks, rows, TIME_DIVISOR[unit]);
      if (nulls) for (let i = 0; i < rows; i++) if (nulls[i]) values[i] = NaN;
      return { name, type: 'timestamp', values, nulls };
    }
    case Type.Date: {
      const unit = (type as unknown as { unit: DateUnit }).unit;
      const nulls = nullMask(chunks, rows);
      const values = numericValues(chunks, rows, unit === DateUnit.DAY ? 1 / 86_400_000 : 1);
      if (nulls) for (let i = 0; i < rows; i++) if (nulls[i]) values[i] = NaN;
      return { name, type: 'timestamp', values, nulls };
    }
    case Type.FixedSizeList: {
      const size = (type as unknown as { listSize: number }).listSize;
      const child = (type as unknown as { children: { type: DataType }[] }).children[0]!.type;
      if (child.typeId !== Type.Int && child.typeId !== Type.Float) {
        return { name, type: 'unsupported', length: rows, detail: `fixed-size list of ${String(child)}` };
      }
      const values = new Float32Array(rows * size);
      let at = 0;
      for (const d of chunks) {
        const inner = d.children[0]!;
        if (d.offset === 0 && (inner.stride || 1) === 1) {
          const flat = inner.values as ArrayLike<number | bigint>;
          for (let i = 0; i < d.length * size; i++) values[at * size + i] = Number(flat[inner.offset + i]!);
        } else {
          // Sliced chunk: let Arrow resolve the offsets.
          for (let i = 0; i < d.length; i++) {
            const row = getValue(d, i) as ArrayLike<number | bigint> | null;
            if (row) for (let j = 0; j < size; j++) values[(at + i) * size + j] = Number(row[j]!);
          }
        }
        at += d.length;
      }
      return { name, type: 'tensor', size, values, nulls: nullMask(chunks, rows) };
    }
    default:
      return { name, type: 'unsupported', length: rows, detail: String(type) };
  }
}

/** Utf8 chunks (unsliced, 32-bit offsets) as category codes keyed by bytes: the same codes and categories as by string. */
function utf8Codes(name: string, chunks: Data[], rows: number): Column {
  const dictionary = new ByteDictionary();
  const codes = new Int32Array(rows);
  let at = 0;
  for (const d of chunks) {
    const offsets = d.valueOffsets as Int32Array;
    const bytes = d.values as Uint8Array;
    const valid = d.nullCount > 0;
    for (let i = 0; i < d.length; i++) codes[at + i] = valid && !d.getValid(i) ? -1 : dictionary.codeOf(bytes, offsets[i]!, offsets[i + 1]!);
    at += d.length;
  }
  return { name, type: 'categorical', codes, categories: dictionary.finish(codes), boolean: false };
}

const vectorCache = new WeakMap<Data, ReturnType<typeof makeVector>>();

/** Slow path for the few types whose buffers we do not decode ourselves (Data has no getter of its own). */
function getValue(d: Data, i: number): unknown {
  let v = vectorCache.get(d);
  if (!v) vectorCache.set(d, (v = makeVector(d)));
  return v.get(i);
}
