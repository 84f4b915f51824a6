import { gunzipSync } from 'node:zlib';
import { tableFromIPC } from 'apache-arrow';
import { parse as parseCsv } from 'csv-parse/sync';
import { readParquet } from 'parquet-wasm';
import { dataError, usageError } from '../errors.js';
import type { ColumnType as ConfiguredType, Format } from '../schema/config.js';
import { fromArrow } from './arrow.js';
import { jsonDepth, MAX_JSON_DEPTH } from './json-depth.js';
import { truncatedError, truncationOf } from './truncation.js';
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
}

export function decode(bytes: Uint8Array, options: DecodeOptions): Table {
  const { uri, subject } = options;
  if (bytes.length === 0) {
    throw dataError('data.empty', `${subject}: ${uri} is empty (0 bytes).`, { subject: uri, fix: 'Check the upstream job that writes this file.' });
  }
  let data = bytes;
  if (uri.toLowerCase().endsWith('.gz')) {
    try {
      data = gunzipSync(bytes);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'Z_BUF_ERROR') throw truncatedError(subject, uri, 'gzip', bytes.length, 'the compressed stream ends before its end marker');
      throw dataError('data.corrupt', `${subject}: ${uri} is not valid gzip (${(error as Error).message}).`, {
        subject: uri,
        fix: 'Re-write the file, or drop the .gz extension if it is not compressed.',
      });
    }
  }
  const corrupt = (what: string, error: unknown) =>
    dataError('data.corrupt', `${subject}: ${uri} is not a readable ${what} file (${String((error as Error).message ?? error).slice(0, 300)}).`, {
      subject: uri,
      fix: `Check that the file is complete and really ${what}; pass --format if the extension is misleading.`,
    });
  switch (options.format) {
    case 'parquet': {
      let ipc: Uint8Array;
      try {
        ipc = readParquet(data).intoIPCStream();
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
      return decodeCsv(data, options);
    case 'jsonl':
      return decodeJsonLines(data, options);
  }
}

const NULL_TOKENS = new Set(['', 'NA', 'N/A', 'null', 'NULL', 'None', 'NaN', 'nan']);
const BOOLEAN_TOKENS: Record<string, string> = { true: 'true', True: 'true', TRUE: 'true', false: 'false', False: 'false', FALSE: 'false' };
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|Infinity)$/i;

function decodeCsv(bytes: Uint8Array, options: DecodeOptions): Table {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  let records: string[][];
  try {
    records = parseCsv(text, {
      bom: true,
      skip_empty_lines: true,
      delimiter: options.uri.toLowerCase().replace(/\.gz$/, '').endsWith('.tsv') ? '\t' : ',',
    }) as string[][];
  } catch (error) {
    throw dataError('data.corrupt', `${options.subject}: ${options.uri} is not valid CSV (${(error as Error).message}).`, {
      subject: options.uri,
      fix: 'Every row needs as many fields as the header; quote fields that contain commas or newlines.',
    });
  }
  const header = records[0];
  if (!header || header.length === 0) {
    throw dataError('data.empty', `${options.subject}: ${options.uri} has no header row.`, {
      subject: options.uri,
      fix: 'CSV input needs a header row naming the columns.',
    });
  }
  const duplicate = header.find((h, i) => header.indexOf(h) !== i);
  if (duplicate !== undefined) {
    throw dataError('data.duplicate_column', `${options.subject}: ${options.uri} names the column "${duplicate}" twice.`, {
      subject: options.uri,
      fix: 'Give every column a unique name.',
    });
  }
  const rows = records.length - 1;
  const columns = header.map((name, k) => {
    const cells = new Array<string | null>(rows);
    for (let r = 0; r < rows; r++) {
      const cell = records[r + 1]![k]!;
      cells[r] = NULL_TOKENS.has(cell) ? null : cell;
    }
    return fromCells(name, cells, options.types[name]);
  });
  return { rows, columns };
}

function fromCells(name: string, cells: (string | null)[], forced: ConfiguredType | undefined): Column {
  const n = cells.length;
  const present = cells.filter((c): c is string => c !== null);
  const type =
    forced ??
    (present.length === 0
      ? 'null'
      : present.every((c) => NUMBER.test(c.trim()))
        ? 'numeric'
        : present.every((c) => c in BOOLEAN_TOKENS)
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
      const v = c === null ? NaN : type === 'timestamp' ? parseTime(c) : Number(c.trim().replace(/^([+-]?)inf$/i, '$1Infinity'));
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
    builder.set(i, c === null ? null : boolean ? (BOOLEAN_TOKENS[c] ?? c) : c);
  }
  return { name, type: 'categorical', codes: builder.codes, categories: builder.categories, boolean };
}

/** Epoch numbers (seconds below 1e11, else milliseconds) or ISO 8601 text → milliseconds. */
export function parseTime(text: string): number {
  const trimmed = text.trim();
  if (NUMBER.test(trimmed)) {
    const v = Number(trimmed);
    return Math.abs(v) < 1e11 ? v * 1000 : v;
  }
  return Date.parse(trimmed);
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
