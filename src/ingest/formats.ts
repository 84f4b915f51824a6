import { DataType, RecordBatch, Table as ArrowTable, tableFromIPC } from 'apache-arrow';
import { parseTable } from 'arrow-js-ffi';
import type { ParquetFile, ReaderOptions, Table as WasmTable } from 'parquet-wasm';
import { dataError, MoaError, storageError, usageError } from '../errors.js';
import type { ByteRanges } from '../storage/index.js';
import type { ColumnType as ConfiguredType, Format } from '../schema/config.js';
import { fromArrow } from './arrow.js';
import { parquetWasm } from './parquet-wasm.js';
import { jsonDepth, MAX_JSON_DEPTH } from './json-depth.js';
import { truncatedError, truncationOf } from './truncation.js';
import { decodeCsvOffThread, csvThreadAvailable } from './csv-thread.js';
import { booleanToken, decodeCsvBytes, decodeCsvChunks, looksNumeric, numberFromText, parseTime, type CsvOptions } from './csv.js';
import { checkColumns, checkObjectBytes, checkRows, checkTable, DEFAULT_LIMITS, emptyObject, gunzipBounded, gunzipStream, storedBytes, type IngestLimits } from './limits.js';
import { CategoricalBuilder, type Column, type Table } from './table.js';

const EXTENSIONS: [RegExp, Format][] = [
  [/\.(parquet|pq)$/i, 'parquet'],
  [/\.(arrow|feather|arrows|ipc)$/i, 'arrow'],
  [/\.(csv|tsv)$/i, 'csv'],
  [/\.(jsonl|ndjson|json)$/i, 'jsonl'],
];

export function detectFormat(name: string, override: Format | undefined, subject: string): Format {
  if (override) return override;
  const plain = name.replace(/\.gz$/i, '');
  for (const [pattern, format] of EXTENSIONS) if (pattern.test(plain)) return format;
  throw usageError('format.unknown', `${subject}: cannot tell the format of ${name} from its extension.`, {
    subject: name,
    fix: 'Use .parquet, .arrow/.feather/.arrows, .csv or .jsonl, or pass --format parquet|arrow|csv|jsonl.',
  });
}

export interface DecodeOptions {
  format: Format;
  /** For messages. */
  uri: string;
  subject: string;
  types: Record<string, ConfiguredType>;
  /** Bounds on rows, columns, categories and bytes; the defaults of the config schema when absent. */
  limits?: IngestLimits;
}

export function decode(bytes: Uint8Array, options: DecodeOptions): Table {
  const { uri, subject } = options;
  if (bytes.length === 0) throw emptyObject(uri, subject);
  const limits = options.limits ?? DEFAULT_LIMITS;
  checkObjectBytes(bytes.length, limits, uri, subject);
  const data = uri.toLowerCase().endsWith('.gz') ? gunzipBounded(bytes, limits, uri, subject) : bytes;
  const table = decodeFormat(data, options, limits);
  // CSV checks as it reads; the other readers are bounded by their input bytes and checked once decoded.
  if (options.format !== 'csv') checkTable(table, limits, uri, subject);
  return table;
}

/** Below this many bytes a worker thread costs more to start than the object takes to parse. */
const OFF_THREAD_BYTES = 4 << 20;

/**
 * A CSV object read from storage in chunks (`open` starts it from its first byte; `size` is the listed size): memory
 * holds the columns and about a megabyte of text, never the object. A .gz object is inflated twice: first only
 * counted, so a bomb is stopped by the same bounds as gunzipBounded before anything is parsed or kept, then into
 * the reader.
 */
export async function decodeCsvStream(open: () => AsyncIterable<Uint8Array>, size: number, options: DecodeOptions, offThreadFrom = OFF_THREAD_BYTES): Promise<Table> {
  const { uri, subject } = options;
  const limits = options.limits ?? DEFAULT_LIMITS;
  const stored = () => storedBytes(open(), limits, uri, subject);
  // Objects of some size are parsed in a worker thread (see csv-thread.ts), so that inputs read at once decode at once.
  const decodeChunks = (chunks: () => AsyncIterable<Uint8Array>, bytes: number) =>
    bytes >= offThreadFrom && csvThreadAvailable() ? decodeCsvOffThread(chunks, csvOptions(options, limits), bytes) : decodeCsvChunks(chunks, csvOptions(options, limits), bytes);
  if (!uri.toLowerCase().endsWith('.gz')) return decodeChunks(stored, size);
  let inflated = 0;
  for await (const chunk of gunzipStream(stored(), size, limits, uri, subject)) inflated += chunk.length;
  return decodeChunks(() => gunzipStream(stored(), size, limits, uri, subject), inflated);
}


const csvOptions = (options: DecodeOptions, limits: IngestLimits): CsvOptions => ({
  uri: options.uri,
  subject: options.subject,
  types: options.types,
  limits,
  delimiter: options.uri.toLowerCase().replace(/\.gz$/, '').endsWith('.tsv') ? 9 : 44,
});

const unreadable = (options: DecodeOptions, what: string, error: unknown) =>
  dataError('data.corrupt', `${options.subject}: ${options.uri} is not a readable ${what} file (${String((error as Error).message ?? error).slice(0, 300)}).`, {
    subject: options.uri,
    fix: `Check that the file is complete and really ${what}; pass --format if the extension is misleading.`,
  });

/**
 * A Parquet object read one column chunk at a time (`source`: the file as byte ranges, e.g. fs.openAsBlob or ranged
 * S3 GETs, so nothing is copied whole): parquet-wasm fetches the footer, then only the byte ranges of one column in
 * one row group per read, so its heap (32-bit, 4 GB at most, never shrinking) holds one column chunk, never the
 * file; each column's chunks become its typed array before the next column is read, so memory holds the columns
 * plus one column's Arrow data. Rows and columns are checked from the footer, before any column is fetched.
 */
export async function decodeParquetBlob(source: ByteRanges, options: DecodeOptions): Promise<Table> {
  const { uri, subject } = options;
  if (source.size === 0) throw emptyObject(uri, subject);
  const limits = options.limits ?? DEFAULT_LIMITS;
  // A fetch that fails must not reach the wasm reader: a rejected read (or bytes it did not ask for) makes it
  // panic, which leaves the wasm instance unusable. The failed read is left pending and the step waiting on it is
  // abandoned with the fetch's own error instead.
  let fetchFailure: unknown;
  let abandon!: (error: unknown) => void;
  const failed = new Promise<never>((_, reject) => (abandon = reject));
  failed.catch(() => {});
  const unlessAbandoned = <T>(step: Promise<T>): Promise<T> => Promise.race([step, failed]);
  // Corrupt page data makes the wasm reader panic inside the promise callback that polls it, where no caller's
  // try can catch it (the process would die without error.json): while this file is read, such a panic abandons
  // the read instead, and the file is reported as unreadable.
  const onPanic = (error: Error) => {
    if (error?.name === 'RuntimeError' && String(error.stack).includes('wasm')) return abandon(new Error(`its pages could not be decoded: the Parquet reader stopped (${error.message})`));
    process.removeListener('uncaughtException', onPanic);
    throw error;
  };
  process.prependListener('uncaughtException', onPanic);
  const blob: ByteRanges = {
    size: source.size,
    slice: (start, end) => {
      const part = source.slice(start, end);
      return {
        arrayBuffer: () =>
          part.arrayBuffer().catch((error: unknown) => {
            fetchFailure ??= error;
            abandon(error);
            return new Promise<ArrayBuffer>(() => {});
          }),
      };
    },
  };
  let table: Table;
  try {
    const file = await unlessAbandoned(parquetWasm().ParquetFile.fromFile(blob as Blob));
    const groups = file.metadata().rowGroups();
    const rows = groups.reduce((n, g) => n + g.numRows(), 0);
    checkRows(rows, limits, uri, subject);
    const schema = tableFromIPC((await unlessAbandoned(file.read({ limit: 0 }))).intoIPCStream());
    checkColumns(schema.numCols, limits, uri, subject);
    if (groups.length === 0) table = fromArrow(schema);
    else {
      const columns: Column[] = [];
      for (const field of schema.schema.fields) {
        const batches: RecordBatch[] = [];
        const viaFfi = !holdsDictionary(field.type);
        for (let i = 0; i < groups.length; i++) batches.push(...(await columnChunk(file, { columns: [field.name], rowGroups: [i] }, viaFfi, unlessAbandoned)));
        columns.push(fromArrow(new ArrowTable(batches)).columns[0]!);
      }
      table = { rows, columns };
    }
    process.removeListener('uncaughtException', onPanic);
  } catch (error) {
    process.removeListener('uncaughtException', onPanic);
    if (error instanceof MoaError) throw error;
    if (fetchFailure !== undefined) {
      throw storageError('storage.failed', `${subject}: could not read ${uri} (${String((fetchFailure as Error).message ?? fetchFailure).slice(0, 300)}).`, {
        subject: uri,
        fix: 'Check that the file is not being rewritten or removed while moa reads it, then rerun.',
        cause: fetchFailure,
      });
    }
    // The framing of a cut-off file shows in its first and last four bytes.
    const size = source.size;
    const edges = size <= 8 ? [source.slice(0, size)] : [source.slice(0, 4), source.slice(size - 4, size)];
    const framing = Buffer.concat(await Promise.all(edges.map(async (edge) => new Uint8Array(await edge.arrayBuffer()))));
    const truncated = truncationOf('parquet', framing, String((error as Error).message ?? error));
    throw truncated ? truncatedError(subject, uri, 'Parquet', size, truncated) : unreadable(options, 'Parquet', error);
  }
  const typed = applyTypes(table, options);
  checkTable(typed, limits, uri, subject);
  return typed;
}

/**
 * One column chunk as Arrow JS record batches, copied out of the wasm heap through the Arrow C data interface
 * (batchesViaFfi) rather than written to an IPC stream and parsed again, which cost a fifth of decoding a 1M × 20
 * float64 file. A type the FFI reader does not know is read again through IPC, and so are dictionary columns: the
 * FFI reader gives each row group's dictionary its own id, which Arrow JS refuses to put in one table.
 */
async function columnChunk(file: ParquetFile, chunk: ReaderOptions, viaFfi: boolean, unlessAbandoned: <T>(step: Promise<T>) => Promise<T>): Promise<RecordBatch[]> {
  const read = () => unlessAbandoned(file.read(chunk));
  return (viaFfi ? batchesViaFfi(await read()) : undefined) ?? tableFromIPC((await read()).intoIPCStream()).batches;
}

/** A parquet-wasm table's record batches copied into Arrow JS (arrow-js-ffi); undefined for a type it does not know. Consumes the table. */
export function batchesViaFfi(table: WasmTable): RecordBatch[] | undefined {
  const ffi = table.intoFFI();
  try {
    // Synchronous from the heap's buffer to the copies: no wasm call in between can grow (and so detach) it.
    return parseTable(parquetWasm().wasmMemory().buffer, ffi.arrayAddrs(), ffi.schemaAddr(), true).batches;
  } catch {
    return undefined;
  } finally {
    ffi.free();
  }
}

const holdsDictionary = (type: DataType): boolean => DataType.isDictionary(type) || (type.children ?? []).some((child) => holdsDictionary(child.type));

function decodeFormat(data: Uint8Array, options: DecodeOptions, limits: IngestLimits): Table {
  const { uri, subject } = options;
  const corrupt = (what: string, error: unknown) => unreadable(options, what, error);
  switch (options.format) {
    case 'parquet': {
      let ipc: Uint8Array;
      try {
        ipc = parquetWasm().readParquet(data).intoIPCStream();
      } catch (error) {
        const truncated = truncationOf('parquet', data, String((error as Error).message ?? error));
        throw truncated ? truncatedError(subject, uri, 'Parquet', data.length, truncated) : corrupt('Parquet', error);
      }
      return applyTypes(fromArrow(tableFromIPC(ipc)), options);
    }
    case 'arrow':
      try {
        return applyTypes(fromArrow(tableFromIPC(data)), options);
      } catch (error) {
        const truncated = truncationOf('arrow', data, String((error as Error).message ?? error));
        throw truncated ? truncatedError(subject, uri, 'Arrow IPC', data.length, truncated) : corrupt('Arrow IPC', error);
      }
    case 'csv':
      return decodeCsvBytes(data, csvOptions(options, limits));
    case 'jsonl':
      return decodeJsonLines(data, options);
  }
}

export function fromCells(name: string, cells: (string | null)[], forced: ConfiguredType | undefined): Column {
  const n = cells.length;
  const present = cells.filter((c): c is string => c !== null);
  const type =
    forced ??
    (present.length === 0
      ? 'null'
      : present.every(looksNumeric)
        ? 'numeric'
        : present.every((c) => booleanToken(c) !== undefined)
          ? 'boolean'
          : 'categorical');
  if (type === 'null') return { name, type: 'null', length: n };
  if (type === 'numeric' || type === 'timestamp') {
    const values = new Float64Array(n);
    const nulls = new Uint8Array(n);
    let anyNull = false;
    let integer = true;
    for (let i = 0; i < n; i++) {
      const c = cells[i];
      const v = c === null ? NaN : type === 'timestamp' ? parseTime(c) : numberFromText(c);
      if (Number.isNaN(v)) {
        nulls[i] = 1;
        anyNull = true;
      } else if (!Number.isInteger(v)) integer = false;
      values[i] = v;
    }
    const mask = anyNull ? nulls : null;
    return type === 'numeric' ? { name, type, values, nulls: mask, integer } : { name, type, values, nulls: mask };
  }
  const builder = new CategoricalBuilder(n);
  const boolean = type === 'boolean';
  for (let i = 0; i < n; i++) {
    const c = cells[i] ?? null;
    builder.set(i, c === null ? null : boolean ? (booleanToken(c) ?? c) : c);
  }
  return { name, type: 'categorical', codes: builder.codes, categories: builder.categories, boolean };
}

function decodeJsonLines(bytes: Uint8Array, options: DecodeOptions): Table {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const objects: Record<string, unknown>[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const depth = jsonDepth(line);
    if (depth > MAX_JSON_DEPTH) {
      throw dataError('data.too_deep', `${options.subject}: line ${i + 1} of ${options.uri} nests objects or arrays ${depth} levels deep (the limit is ${MAX_JSON_DEPTH}).`, {
        subject: options.uri,
        fix: 'JSON Lines input needs one flat record per line (values may be numbers, strings, booleans or arrays of numbers).',
      });
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw dataError('data.corrupt', `${options.subject}: line ${i + 1} of ${options.uri} is not valid JSON (${(error as Error).message}).`, {
        subject: options.uri,
        fix: 'JSON Lines input needs one JSON object per line.',
      });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw dataError('data.corrupt', `${options.subject}: line ${i + 1} of ${options.uri} is not a JSON object.`, {
        subject: options.uri,
        fix: 'JSON Lines input needs one JSON object per line.',
      });
    }
    objects.push(value as Record<string, unknown>);
  }
  const names: string[] = [];
  const seen = new Set<string>();
  for (const o of objects) for (const k of Object.keys(o)) if (!seen.has(k)) (seen.add(k), names.push(k));
  const columns = names.map((name) => jsonColumn(name, objects.map((o) => o[name]), options.types[name]));
  return { rows: objects.length, columns };
}

function jsonColumn(name: string, raw: unknown[], forced: ConfiguredType | undefined): Column {
  const present = raw.filter((v) => v !== null && v !== undefined);
  const arrays = present.length > 0 && present.every((v) => Array.isArray(v) && v.every((x) => typeof x === 'number'));
  if (arrays && !forced) {
    const size = (present[0] as number[]).length;
    if (present.some((v) => (v as number[]).length !== size)) {
      return { name, type: 'unsupported', length: raw.length, detail: 'arrays of varying length' };
    }
    const values = new Float32Array(raw.length * size);
    const nulls = new Uint8Array(raw.length);
    raw.forEach((v, i) => (Array.isArray(v) ? values.set(v as number[], i * size) : (nulls[i] = 1)));
    return { name, type: 'tensor', size, values, nulls: nulls.includes(1) ? nulls : null };
  }
  const cells = raw.map((v) =>
    v === null || v === undefined ? null : typeof v === 'object' ? JSON.stringify(v) : String(v),
  );
  const allNumbers = present.length > 0 && present.every((v) => typeof v === 'number');
  const allBooleans = present.length > 0 && present.every((v) => typeof v === 'boolean');
  return fromCells(name, cells, forced ?? (allNumbers ? 'numeric' : allBooleans ? 'boolean' : present.length === 0 ? undefined : 'categorical'));
}

/** Type overrides on self-describing formats (Parquet, Arrow): only numeric ↔ categorical re-reading is allowed. */
function applyTypes(table: Table, options: DecodeOptions): Table {
  const columns = table.columns.map((c) => {
    const forced = options.types[c.name];
    if (!forced) return c;
    if (forced === 'categorical' && c.type === 'numeric') return numericToCategorical(c);
    if (forced === 'numeric' && c.type === 'categorical') {
      return fromCells(c.name, Array.from(c.codes, (code) => (code < 0 ? null : c.categories[code]!)), 'numeric');
    }
    return c;
  });
  return { rows: table.rows, columns };
}

export function numericToCategorical(c: Extract<Column, { type: 'numeric' }>): Column {
  const builder = new CategoricalBuilder(c.values.length);
  for (let i = 0; i < c.values.length; i++) {
    const v = c.values[i]!;
    builder.set(i, (c.nulls && c.nulls[i]) || Number.isNaN(v) ? null : String(v));
  }
  return { name: c.name, type: 'categorical', codes: builder.codes, categories: builder.categories, boolean: false };
}
