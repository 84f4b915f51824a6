import { dataError, storageError } from '../errors.js';
import type { ColumnType as ConfiguredType } from '../schema/config.js';
import { ByteDictionary } from './byte-dictionary.js';
import { checkCategories, checkColumns, checkRows, type IngestLimits } from './limits.js';
import type { Column, Table } from './table.js';

/**
 * CSV straight from bytes into typed columns, in one pass over the buffer: no JS string for the file (V8 caps a
 * string near 537M characters) and none per cell, except for categories seen for the first time. The dialect is
 * csv-parse's with `bom` and `skip_empty_lines` (the reference the tests compare against): the record delimiter is
 * the first of \r\n, \n or \r in the file, RFC 4180 quotes with "" as the escape, a quote inside an unquoted field or
 * text after a closing quote is an error, and every record has as many fields as the header.
 *
 * Types are inferred on the fly (numeric → boolean → ISO-8601 timestamp → categorical, a column keeping the first
 * that all its non-null cells fit); a column whose guess fails part-way is read again in a second pass with its
 * final type, so the first pass never holds cell strings.
 */

const QUOTE = 34;
const NULL_TOKENS = new Set(['', 'NA', 'N/A', 'null', 'NULL', 'None', 'NaN', 'nan']);
const BOOLEAN_TOKENS: Record<string, string> = { true: 'true', True: 'true', TRUE: 'true', false: 'false', False: 'false', FALSE: 'false' };
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|Infinity)$/i;
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** The text rule numbers follow (also for JSON Lines cells): `Number` of the trimmed text, with `inf` spelled out. */
export function numberFromText(text: string): number {
  return Number(text.trim().replace(/^([+-]?)inf$/i, '$1Infinity'));
}
export const looksNumeric = (text: string): boolean => NUMBER.test(text.trim());
export const booleanToken = (text: string): string | undefined => BOOLEAN_TOKENS[text];

/** Epoch numbers (seconds below 1e11, else milliseconds) or ISO 8601 text → milliseconds. */
export function parseTime(text: string): number {
  const trimmed = text.trim();
  if (NUMBER.test(trimmed)) {
    const v = Number(trimmed);
    return Math.abs(v) < 1e11 ? v * 1000 : v;
  }
  const bytes = Buffer.from(trimmed, 'latin1');
  const iso = trimmed.length === bytes.length ? isoTime(bytes, 0, bytes.length) : NaN;
  return Number.isNaN(iso) ? Date.parse(trimmed) : iso;
}

const digit = (b: number) => b >= 48 && b <= 57;
function digits(buf: Uint8Array, at: number, count: number): number {
  let v = 0;
  for (let k = 0; k < count; k++) {
    const b = buf[at + k]!;
    if (!digit(b)) return -1;
    v = v * 10 + (b - 48);
  }
  return v;
}
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function daysFromCivil(y: number, m: number, d: number): number {
  // Howard Hinnant's algorithm: days since 1970-01-01 of a proleptic Gregorian date.
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * ISO 8601 `YYYY-MM-DD[( |T)HH:MM[:SS[.fff…]]][Z|±HH[:MM]]` in bytes → epoch ms, NaN when it is not one. Without
 * an offset the time is read as UTC (not the machine's zone, so a run does not depend on where it runs); digits
 * past milliseconds are dropped, as Date.parse does.
 */
export function isoTime(buf: Uint8Array, s: number, e: number): number {
  if (e - s < 10 || buf[s + 4] !== 45 || buf[s + 7] !== 45) return NaN;
  const y = digits(buf, s, 4);
  const mo = digits(buf, s + 5, 2);
  const d = digits(buf, s + 8, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1) return NaN;
  const leap = mo === 2 && (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 1 : 0;
  if (d > DAYS_IN_MONTH[mo - 1]! + leap) return NaN;
  let ms = daysFromCivil(y, mo, d) * 86_400_000;
  let at = s + 10;
  if (at === e) return ms;
  const sep = buf[at]!;
  if ((sep !== 84 && sep !== 32) || e - at < 6 || buf[at + 3] !== 58) return NaN;
  const h = digits(buf, at + 1, 2);
  const mi = digits(buf, at + 4, 2);
  if (h < 0 || h > 23 || mi < 0 || mi > 59) return NaN;
  ms += h * 3_600_000 + mi * 60_000;
  at += 6;
  if (at < e && buf[at] === 58) {
    const sec = digits(buf, at + 1, 2);
    if (at + 3 > e || sec < 0 || sec > 59) return NaN;
    ms += sec * 1000;
    at += 3;
    if (at < e && (buf[at] === 46 || buf[at] === 44)) {
      at++;
      const from = at;
      let frac = 0;
      while (at < e && digit(buf[at]!)) {
        if (at - from < 3) frac = frac * 10 + (buf[at]! - 48);
        at++;
      }
      if (at === from) return NaN;
      for (let k = Math.min(at - from, 3); k < 3; k++) frac *= 10;
      ms += frac;
    }
  }
  if (at === e) return ms;
  if (buf[at] === 90 /* Z */) return at + 1 === e ? ms : NaN;
  const sign = buf[at] === 43 ? 1 : buf[at] === 45 ? -1 : 0;
  if (sign === 0) return NaN;
  const oh = digits(buf, at + 1, 2);
  let om = 0;
  if (at + 3 > e || oh < 0 || oh > 23) return NaN;
  at += 3;
  if (at < e) {
    if (buf[at] === 58) at++;
    om = digits(buf, at, 2);
    if (at + 2 !== e || om < 0 || om > 59) return NaN;
  }
  return ms - sign * (oh * 3_600_000 + om * 60_000);
}

/**
 * A plain decimal number in ASCII bytes, bit-identical to `Number()`: the digits as an integer below 2^53 (exact)
 * and a power of ten within ±22 (exact) make one correctly rounded IEEE operation, Clinger's fast path. The digits
 * are summed without checking each: the sum only grows, so it stays exact exactly when its final value is below
 * 2^53 (a rounded step would leave it at 2^53 or more). Anything else — more digits, larger exponents,
 * whitespace, inf — returns undefined for the caller's string path.
 */
function fastNumber(buf: Uint8Array, s: number, e: number): number | undefined {
  return fastNumberInto(buf, s, e, scratch, 0) ? scratch[0] : undefined;
}
const scratch = new Float64Array(1);
const EXACT_INTEGERS = 2 ** 53;

/** fastNumber writing into `out[at]` (no boxed number on the hot path); false when the cell needs the string path. */
function fastNumberInto(buf: Uint8Array, s: number, e: number, out: Float64Array, slot: number): boolean {
  return fastNumberPrefix(buf, s, e, out, slot) === e;
}

/**
 * The number at the start of buf[s, e), on the fast path: written into `out[slot]` and its end returned, or -1.
 * Where it ends is the caller's to check (a cell is a number only if it ends there); `out[slot]` may be written
 * even when it is not, so callers overwrite it on their other paths.
 */
function fastNumberPrefix(buf: Uint8Array, s: number, e: number, out: Float64Array, slot: number): number {
  let at = s;
  let b = buf[at];
  const negative = b === 45;
  if (negative || b === 43) at++;
  let mantissa = 0;
  let d = 0;
  const intStart = at;
  // (byte - 48) >>> 0 < 10: a digit, in one comparison.
  while (at < e && (d = buf[at]! - 48) >>> 0 < 10) {
    mantissa = mantissa * 10 + d;
    at++;
  }
  let digitCount = at - intStart;
  let fracDigits = 0;
  if (at < e && buf[at] === 46) {
    const fracStart = ++at;
    while (at < e && (d = buf[at]! - 48) >>> 0 < 10) {
      mantissa = mantissa * 10 + d;
      at++;
    }
    fracDigits = at - fracStart;
    digitCount += fracDigits;
  }
  if (digitCount === 0 || !(mantissa < EXACT_INTEGERS)) return -1;
  let exponent = 0;
  if (at < e && (buf[at] === 101 || buf[at] === 69)) {
    at++;
    let expNegative = false;
    if (buf[at] === 45 || buf[at] === 43) expNegative = buf[at++] === 45;
    const from = at;
    while (at < e && digit((b = buf[at]!)) && at - from < 6) exponent = exponent * 10 + (b - 48), at++;
    if (at === from) return -1;
    if (expNegative) exponent = -exponent;
  }
  const power = exponent - fracDigits;
  let v: number;
  if (mantissa === 0) v = 0;
  else if (power >= 0 && power <= 22) v = mantissa * POW10[power]!;
  else if (power < 0 && power >= -22) v = mantissa / POW10[-power]!;
  else return -1;
  out[slot] = negative ? -v : v;
  return at;
}

const enum Kind {
  Unknown,
  Numeric,
  Boolean,
  Timestamp,
  Categorical,
  /** Typed as configured: numbers through `Number()`, times through parseTime, cells through the dictionary. */
  ForcedNumeric,
  ForcedTimestamp,
  ForcedBoolean,
  ForcedCategorical,
  /** Guess failed part-way: skipped in the first pass, read again with its final kind. */
  Rescan,
}

export interface CsvOptions {
  uri: string;
  subject: string;
  types: Record<string, ConfiguredType>;
  delimiter: number;
  limits: IngestLimits;
}

/** Bytes of records parsed at a time (at least). */
const REGION_BYTES = 1 << 20;

class ColumnSink {
  kind: Kind;
  values: Float64Array | null = null;
  codes: Int32Array | null = null;
  nulls: Uint8Array | null = null;
  anyNull = false;
  integer = true;
  dictionary: ByteDictionary | null = null;
  /** Kind to use in the second pass (the guess that failed tells which kinds are still possible). */
  fallback: Kind = Kind.Categorical;
  constructor(
    readonly name: string,
    forced: ConfiguredType | undefined,
  ) {
    this.kind =
      forced === undefined
        ? Kind.Unknown
        : forced === 'numeric'
          ? Kind.ForcedNumeric
          : forced === 'timestamp'
            ? Kind.ForcedTimestamp
            : forced === 'boolean'
              ? Kind.ForcedBoolean
              : Kind.ForcedCategorical;
  }
}

const storesNumbers = (kind: Kind) => kind === Kind.Numeric || kind === Kind.Timestamp || kind === Kind.ForcedNumeric || kind === Kind.ForcedTimestamp;
const storesCodes = (kind: Kind) => kind === Kind.Boolean || kind === Kind.Categorical || kind === Kind.ForcedBoolean || kind === Kind.ForcedCategorical;

function corrupt(options: CsvOptions, what: string): never {
  throw dataError('data.corrupt', `${options.subject}: ${options.uri} is not valid CSV (${what}).`, {
    subject: options.uri,
    fix: 'Every row needs as many fields as the header; quote fields that contain commas, quotes or newlines.',
  });
}

/**
 * A CSV file fed in chunks of any size. Records are parsed a region at a time (whole records, at least
 * REGION_BYTES): a region ends after the last record delimiter outside quotes, found by quote parity (a quote
 * inside an unquoted field is an error the parser reports before it reaches the cut, so well-formed and malformed
 * files read as they would in one piece). Columns are allocated once for the rows the file's size allows at the
 * first region's bytes per record (grown if that was short) and returned as views of their used rows: pages never
 * written are never resident, so memory holds the columns plus one region, never the file.
 */
export interface CsvReader {
  /** The next bytes of the file (copied; the caller may reuse the chunk). */
  push(chunk: Uint8Array): void;
  /** The file ended: true when it must be fed again from its start (a column's type guess failed part-way). */
  end(): boolean;
  /** The table, once end() returned false. */
  table(): Table;
}

export interface CsvReaderOptions {
  /** The file's size in bytes when known (the listing's, or the inflated size): sizes the columns. */
  expectedBytes?: number | undefined;
  /** Parse once this many bytes are buffered (tests make it tiny to put region edges everywhere). */
  regionBytes?: number;
}

export function csvReader(options: CsvOptions, { expectedBytes, regionBytes = REGION_BYTES }: CsvReaderOptions = {}): CsvReader {
  const delimiter = options.delimiter;
  const limits = options.limits;

  // Framing, reset for every pass over the file: data[regionStart, len) is not parsed yet.
  let data = Buffer.alloc(0);
  let len = 0;
  let regionStart = 0;
  let inHeader = true;
  let headerTriedAt = 0;
  /** Quote parity scanned up to scanPos (bytes from the body start). */
  let scanPos = 0;
  let quotedAtScan = false;
  let rd0 = 10;
  let rdLength = 1;
  /** Records read so far in this pass. */
  let rows = 0;

  // Columns, kept across passes.
  let sinks: ColumnSink[] = [];
  let width = 0;
  let wanted: Uint8Array = new Uint8Array(0);
  let firstPassRows = -1;
  let finished: Table | null = null;

  // The region being parsed: every helper below reads `buf`. Columns have room for `capacity` rows.
  let buf = Buffer.alloc(0);
  let capacity = 0;
  let bodyStart = 0;

  const unescaped = { bytes: Buffer.alloc(64) };
  /** Field bytes without the quote escapes ("" → "), in a scratch buffer. */
  const unescape = (s: number, e: number): Buffer => {
    if (unescaped.bytes.length < e - s) unescaped.bytes = Buffer.alloc(2 * (e - s));
    const out = unescaped.bytes;
    let k = 0;
    for (let i = s; i < e; i++) {
      out[k++] = buf[i]!;
      if (buf[i] === QUOTE) i++;
    }
    return out.subarray(0, k);
  };
  const text = (s: number, e: number, escaped: boolean) => (escaped ? unescape(s, e).toString('utf8') : buf.toString('utf8', s, e));

  /**
   * One pass over the records of `buf` from `from`: `field(col, row, s, e, escaped)` per cell of the wanted columns,
   * rows numbered on from `firstRow`; returns the next row number. Throws on malformed CSV. An unquoted cell is
   * first offered to `numberAt(col, row, s)`, which reads a number as it scans (the cell's bytes are then scanned
   * once, not twice) and returns where the field ends, or -1 to leave the cell to `field`.
   */
  const pass = (
    from: number,
    firstRow: number,
    expected: number,
    field: (col: number, row: number, s: number, e: number, escaped: boolean) => void,
    numberAt: (col: number, row: number, s: number) => number,
  ): number => {
    // Locals, not closure slots, in the hot loop.
    const bytes = buf;
    const end = bytes.length;
    const comma = delimiter;
    const recordByte = rd0;
    const crlf = rdLength === 2;
    const want = wanted;
    let at = from;
    let row = firstRow;
    while (at < end) {
      if (bytes[at] === recordByte && (!crlf || bytes[at + 1] === 10)) {
        at += rdLength; // empty line
        continue;
      }
      let col = 0;
      for (;;) {
        let s: number;
        let e: number;
        let escaped = false;
        if (bytes[at] === QUOTE) {
          s = at + 1;
          let q = bytes.indexOf(QUOTE, s);
          while (q >= 0 && bytes[q + 1] === QUOTE) {
            escaped = true;
            q = bytes.indexOf(QUOTE, q + 2);
          }
          if (q < 0) corrupt(options, `a quote opened in record ${row + 1} is never closed`);
          e = q;
          at = q + 1;
          if (at < end && bytes[at] !== comma && !(bytes[at] === recordByte && (!crlf || bytes[at + 1] === 10))) {
            corrupt(options, `text after a closing quote in record ${row + 1}, field ${col + 1}`);
          }
        } else {
          s = at;
          if (col < expected && want[col] === 1) {
            // A numeric column's cell, parsed as it is scanned: taken when the number ends the field.
            const stop = numberAt(col, row, at);
            if (stop >= 0) {
              at = stop;
              col++;
              if (at < end && bytes[at] === comma) {
                at++;
                continue;
              }
              at += rdLength;
              break;
            }
          }
          while (at < end) {
            const b = bytes[at]!;
            // Every byte that ends or breaks a field (delimiter, \t, \n, \r, quote) is at most 44 (a comma):
            // one comparison per byte for digits and letters.
            if (b > 44) {
              at++;
              continue;
            }
            if (b === comma || (b === recordByte && (!crlf || bytes[at + 1] === 10))) break;
            if (b === QUOTE) corrupt(options, `a quote inside the unquoted field ${col + 1} of record ${row + 1}`);
            at++;
          }
          e = at;
        }
        if (col < expected && want[col] === 1) field(col, row, s, e, escaped);
        col++;
        if (at < end && bytes[at] === comma) {
          at++; // a delimiter at the very end leaves one more, empty field: the next turn reads it
          continue;
        }
        at += rdLength; // record end (or past the end of the buffer)
        break;
      }
      if (col !== expected) corrupt(options, `record ${row + 1} has ${col} fields, the header has ${expected}`);
      row++;
    }
    return row;
  };

  const isNullBytes = (s: number, e: number, escaped: boolean): boolean => {
    const len = e - s;
    if (len === 0) return true;
    if (len > 4 || escaped) return false;
    const b = buf[s]!;
    if (b !== 78 && b !== 110) return false; // every token but the empty one starts with N or n
    return NULL_TOKENS.has(text(s, e, false));
  };
  const booleanBytes = (s: number, e: number): string | undefined => {
    const len = e - s;
    if (len !== 4 && len !== 5) return undefined;
    const b = buf[s]!;
    if (b !== 116 && b !== 84 && b !== 102 && b !== 70) return undefined;
    return BOOLEAN_TOKENS[text(s, e, false)];
  };
  /** The number a numeric-looking cell holds, or undefined when the cell does not look like a number. */
  const inferredNumber = (s: number, e: number, escaped: boolean): number | undefined => {
    if (!escaped) {
      const v = fastNumber(buf, s, e);
      if (v !== undefined) return v;
    }
    const t = text(s, e, escaped);
    return NUMBER.test(t.trim()) ? numberFromText(t) : undefined;
  };

  /** Numbers and times get their null mask at the first null (most columns have none). */
  const markNull = (sink: ColumnSink, row: number) => {
    (sink.nulls ??= new Uint8Array(capacity))[row] = 1;
    sink.anyNull = true;
  };
  const setNull = (sink: ColumnSink, row: number) => {
    if (sink.values) {
      sink.values[row] = NaN;
      markNull(sink, row);
    }
    if (sink.codes) sink.codes[row] = -1;
  };
  const setNumber = (sink: ColumnSink, row: number, v: number) => {
    if (Number.isNaN(v)) markNull(sink, row);
    else if (sink.integer && !Number.isInteger(v)) sink.integer = false;
    sink.values![row] = v;
  };
  const setCode = (sink: ColumnSink, row: number, s: number, e: number, escaped: boolean, canonical?: string) => {
    const dictionary = sink.dictionary!;
    let code: number;
    if (canonical !== undefined) code = dictionary.codeOfString(canonical);
    else if (escaped) {
      const bytes = unescape(s, e);
      code = dictionary.codeOf(bytes, 0, bytes.length);
    } else code = dictionary.codeOf(buf, s, e);
    if (dictionary.size > limits.maxCategories) checkCategories(sink.name, dictionary.size, limits, options.uri, options.subject);
    sink.codes![row] = code;
  };
  /** A column whose kind became known: its arrays, earlier rows null. */
  const startStoring = (sink: ColumnSink, kind: Kind, row: number) => {
    sink.kind = kind;
    if (storesNumbers(kind)) sink.values = new Float64Array(capacity);
    else {
      sink.codes = new Int32Array(capacity);
      sink.dictionary = new ByteDictionary();
    }
    for (let r = 0; r < row; r++) setNull(sink, r);
  };

  const cell = (col: number, row: number, s: number, e: number, escaped: boolean): void => {
    const sink = sinks[col]!;
    if (row >= capacity) checkRows(row + 1, limits, options.uri, options.subject);
    if (sink.kind === Kind.Numeric && !escaped && fastNumberInto(buf, s, e, sink.values!, row)) {
      if (sink.integer && !Number.isInteger(sink.values![row])) sink.integer = false;
      return;
    }
    switch (sink.kind) {
      case Kind.Numeric: {
        if (isNullBytes(s, e, escaped)) return setNull(sink, row);
        const v = inferredNumber(s, e, escaped);
        if (v === undefined) return demote(sink, Kind.Categorical);
        return setNumber(sink, row, v);
      }
      case Kind.Categorical:
      case Kind.ForcedCategorical:
        if (isNullBytes(s, e, escaped)) return setNull(sink, row);
        return setCode(sink, row, s, e, escaped);
      case Kind.Boolean:
      case Kind.ForcedBoolean: {
        if (isNullBytes(s, e, escaped)) return setNull(sink, row);
        const token = escaped ? undefined : booleanBytes(s, e);
        if (token === undefined && sink.kind === Kind.Boolean) return demote(sink, Kind.Categorical);
        // A configured boolean keeps other text as it is.
        return setCode(sink, row, s, e, escaped, token);
      }
      case Kind.Timestamp: {
        if (isNullBytes(s, e, escaped)) return setNull(sink, row);
        const v = escaped ? NaN : isoTime(buf, s, e);
        if (Number.isNaN(v)) return demote(sink, Kind.Categorical);
        sink.values![row] = v;
        return;
      }
      case Kind.ForcedNumeric: {
        if (isNullBytes(s, e, escaped)) return setNull(sink, row);
        const fast = escaped ? undefined : fastNumber(buf, s, e);
        return setNumber(sink, row, fast ?? numberFromText(text(s, e, escaped)));
      }
      case Kind.ForcedTimestamp: {
        if (isNullBytes(s, e, escaped)) return setNull(sink, row);
        const iso = escaped ? NaN : isoTime(buf, s, e);
        return setNumber(sink, row, Number.isNaN(iso) ? parseTime(text(s, e, escaped)) : iso);
      }
      case Kind.Unknown: {
        if (isNullBytes(s, e, escaped)) return;
        if (inferredNumber(s, e, escaped) !== undefined) startStoring(sink, Kind.Numeric, row);
        else if (!escaped && booleanBytes(s, e) !== undefined) startStoring(sink, Kind.Boolean, row);
        else if (!escaped && !Number.isNaN(isoTime(buf, s, e))) startStoring(sink, Kind.Timestamp, row);
        else startStoring(sink, Kind.Categorical, row);
        return cell(col, row, s, e, escaped);
      }
      case Kind.Rescan:
        return;
    }
  };
  /**
   * An unquoted cell of an inferred numeric column, read from its first byte: when a number on the fast path ends
   * the field, its value is stored and the field's end returned; otherwise -1 (the cell takes the usual path).
   */
  const numberAt = (col: number, row: number, s: number): number => {
    const sink = sinks[col]!;
    if (sink.kind !== Kind.Numeric) return -1;
    if (row >= capacity) checkRows(row + 1, limits, options.uri, options.subject);
    const values = sink.values!;
    const stop = fastNumberPrefix(buf, s, buf.length, values, row);
    if (stop < 0) return -1;
    const b = buf[stop];
    if (stop !== buf.length && b !== delimiter && !(b === rd0 && (rdLength === 1 || buf[stop + 1] === 10))) return -1;
    if (sink.integer && !Number.isInteger(values[row])) sink.integer = false;
    return stop;
  };
  const demote = (sink: ColumnSink, to: Kind) => {
    sink.kind = Kind.Rescan;
    sink.fallback = to;
    sink.values = sink.nulls = sink.codes = null;
    sink.dictionary = null;
    sink.anyNull = false;
    sink.integer = true;
  };

  /** Room for `rows` rows in every column that stores (a copy: only when the first estimate was short). */
  const grow = (rows: number) => {
    const more = <T extends Float64Array | Int32Array | Uint8Array>(a: T | null): T | null => {
      if (!a) return a;
      const grown = new (a.constructor as new (n: number) => T)(rows);
      grown.set(a);
      return grown;
    };
    for (const sink of sinks) {
      sink.values = more(sink.values);
      sink.codes = more(sink.codes);
      sink.nulls = more(sink.nulls);
    }
    capacity = rows;
  };

  /** Parse data[from, to): whole records (the file's last one may lack its delimiter when `last`). */
  const parseRegion = (from: number, to: number, last: boolean) => {
    buf = data.subarray(from, to);
    const n = buf.length;
    // Rows, at most: one per record-delimiter byte, plus an unterminated last line. Exact for the usual file (no
    // empty lines, no line breaks inside quotes).
    const terminated = rdLength === 2 ? buf[n - 2] === 13 && buf[n - 1] === 10 : buf[n - 1] === rd0;
    let count = last && n > 0 && !terminated ? 1 : 0;
    for (let at = buf.indexOf(rd0); at >= 0; at = buf.indexOf(rd0, at + 1)) count++;
    const cap = limits.maxRows + 1;
    if (rows + count > capacity && capacity < cap) {
      // The first region sizes the columns for the whole file at its bytes per record, with 5 % to spare.
      const estimate = rows === 0 && expectedBytes !== undefined && count > 0 ? Math.ceil(((expectedBytes - bodyStart) / n) * count * 1.05) + 16 : 0;
      grow(Math.min(cap, Math.max(rows + count, estimate, Math.ceil(capacity * 1.5))));
    }
    for (let k = 0; k < width; k++) {
      if (wanted[k] !== 1) continue;
      const sink = sinks[k]!;
      if (storesNumbers(sink.kind)) sink.values ??= new Float64Array(capacity);
      else if (storesCodes(sink.kind)) sink.codes ??= new Int32Array(capacity);
    }
    rows = pass(0, rows, width, cell, numberAt);
    buf = EMPTY;
  };

  /**
   * The end of the last whole record in data[scanPos, to), by quote parity from the body start, or -1. A record
   * delimiter counts only outside quotes; `to` stops one byte short of the data so a \r\n is never split.
   */
  const lastCut = (to: number): number => {
    const view = data.subarray(0, len);
    let p = scanPos;
    let quoted = quotedAtScan;
    let cut = -1;
    while (p < to) {
      let q = view.indexOf(QUOTE, p);
      if (q < 0 || q >= to) q = to;
      if (!quoted && q > p) {
        for (let r = view.lastIndexOf(rd0, q - 1); r >= p; r = r > p ? view.lastIndexOf(rd0, r - 1) : -1) {
          if (rdLength === 1 || view[r + 1] === 10) {
            cut = r + rdLength;
            break;
          }
        }
      }
      if (q === to) break;
      quoted = !quoted;
      p = q + 1;
    }
    scanPos = to;
    quotedAtScan = quoted;
    return cut;
  };

  /** The header, once its record is whole (or the file ended); false while more bytes are needed. */
  const readHeader = (last: boolean): boolean => {
    // Tried again only when the bytes doubled, so a long header costs linear time.
    if (!last && len < Math.max(regionBytes, 2 * headerTriedAt)) return false;
    headerTriedAt = len;
    buf = data.subarray(0, len);
    const n = len;
    if (n < 3 && !last) return false;
    const start = n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    // The record delimiter: the first \r\n, \n or \r outside quotes.
    let found = false;
    for (let i = start, quoted = false; i < n; i++) {
      const b = buf[i]!;
      if (b === QUOTE) quoted = !quoted;
      else if (!quoted && (b === 10 || b === 13)) {
        if (b === 13 && i + 1 === n && !last) return false;
        rd0 = b;
        rdLength = b === 13 && buf[i + 1] === 10 ? 2 : 1;
        found = true;
        break;
      }
    }
    if (!found && !last) return false;
    if (!found) (rd0 = 10), (rdLength = 1);
    const isRecordEnd = rdLength === 2 ? (at: number) => buf[at] === 13 && buf[at + 1] === 10 : (at: number) => buf[at] === rd0;
    let at = start;
    while (at < n && isRecordEnd(at)) at += rdLength;
    if (at >= n) {
      if (!last) return false;
      throw dataError('data.empty', `${options.subject}: ${options.uri} has no header row.`, { subject: options.uri, fix: 'CSV input needs a header row naming the columns.' });
    }
    // Parse just the header record by running the scanner over it with an open field count.
    let end = at;
    for (let quoted = false; end < n; end++) {
      const b = buf[end]!;
      if (b === QUOTE) quoted = !quoted;
      else if (!quoted && isRecordEnd(end)) break;
    }
    if (end >= n && !last) return false;
    const sub = buf.subarray(0, end);
    const fields: [number, number, boolean][] = [];
    let p = at;
    for (;;) {
      let s: number;
      let e: number;
      let escaped = false;
      if (sub[p] === QUOTE) {
        s = p + 1;
        let q = sub.indexOf(QUOTE, s);
        while (q >= 0 && sub[q + 1] === QUOTE) (escaped = true), (q = sub.indexOf(QUOTE, q + 2));
        if (q < 0) corrupt(options, 'a quote opened in the header is never closed');
        e = q;
        p = q + 1;
        if (p < end && sub[p] !== delimiter) corrupt(options, 'text after a closing quote in the header');
      } else {
        s = p;
        while (p < end && sub[p] !== delimiter) {
          if (sub[p] === QUOTE) corrupt(options, 'a quote inside an unquoted header field');
          p++;
        }
        e = p;
      }
      fields.push([s, e, escaped]);
      if (p < end && sub[p] === delimiter) {
        p++;
        if (p === end) fields.push([p, p, false]);
        if (p < end) continue;
      }
      break;
    }
    if (firstPassRows < 0) {
      const header = fields.map(([s, e, escaped]) => text(s, e, escaped));
      checkColumns(header.length, limits, options.uri, options.subject);
      const duplicate = header.find((h, i) => header.indexOf(h) !== i);
      if (duplicate !== undefined) {
        throw dataError('data.duplicate_column', `${options.subject}: ${options.uri} names the column "${duplicate}" twice.`, {
          subject: options.uri,
          fix: 'Give every column a unique name.',
        });
      }
      width = header.length;
      sinks = header.map((name) => new ColumnSink(name, options.types[name]));
      wanted = new Uint8Array(width).fill(1);
      for (const sink of sinks) if (storesCodes(sink.kind)) sink.dictionary = new ByteDictionary();
    }
    buf = EMPTY;
    bodyStart = regionStart = scanPos = end + (end < n ? rdLength : 0);
    quotedAtScan = false;
    inHeader = false;
    return true;
  };

  const append = (chunk: Uint8Array) => {
    if (len + chunk.length > data.length) {
      // Drop what is parsed; grow only if the rest still does not fit.
      const keep = len - regionStart;
      const target = keep + chunk.length > data.length ? Buffer.allocUnsafe(Math.max(2 * (keep + chunk.length), 1 << 16)) : data;
      data.copy(target, 0, regionStart, len);
      data = target;
      len = keep;
      scanPos -= regionStart;
      regionStart = 0;
    }
    data.set(chunk, len);
    len += chunk.length;
  };

  const startPass = () => {
    data = Buffer.alloc(0);
    len = regionStart = scanPos = rows = headerTriedAt = 0;
    quotedAtScan = false;
    inHeader = true;
  };

  const assemble = (): Table => {
    const used = <T extends Float64Array | Int32Array | Uint8Array>(a: T): T => (a.length === rows ? a : (a.subarray(0, rows) as T));
    for (const sink of sinks) {
      // A configured type on a file without rows: no region made its array.
      if (storesNumbers(sink.kind)) sink.values ??= new Float64Array(0);
      else if (storesCodes(sink.kind)) sink.codes ??= new Int32Array(0);
    }
    const columns: Column[] = sinks.map((sink) => {
      const name = sink.name;
      switch (sink.kind) {
        case Kind.Unknown:
          return { name, type: 'null', length: rows };
        case Kind.Numeric:
        case Kind.ForcedNumeric:
          return { name, type: 'numeric', values: used(sink.values!), nulls: sink.anyNull ? used(sink.nulls!) : null, integer: sink.integer };
        case Kind.Timestamp:
        case Kind.ForcedTimestamp:
          return { name, type: 'timestamp', values: used(sink.values!), nulls: sink.anyNull ? used(sink.nulls!) : null };
        default: {
          const codes = used(sink.codes!);
          return { name, type: 'categorical', codes, categories: sink.dictionary!.finish(codes), boolean: sink.kind === Kind.Boolean || sink.kind === Kind.ForcedBoolean };
        }
      }
    });
    return { rows, columns };
  };

  return {
    push(chunk) {
      append(chunk);
      if (inHeader && !readHeader(false)) return;
      if (len - regionStart < regionBytes) return;
      const cut = lastCut(len - 1);
      if (cut > regionStart) {
        parseRegion(regionStart, cut, false);
        regionStart = cut;
      }
    },
    end() {
      if (inHeader) readHeader(true);
      if (len > regionStart) parseRegion(regionStart, len, true);
      data = EMPTY;
      checkRows(rows, limits, options.uri, options.subject);
      if (firstPassRows >= 0 && rows !== firstPassRows) {
        throw storageError('storage.changed', `${options.subject}: ${options.uri} changed while it was being read (${firstPassRows} rows, then ${rows}).`, {
          subject: options.uri,
          fix: 'Rerun once the upstream job has finished writing its outputs.',
        });
      }
      const again = sinks.map((s, k) => (s.kind === Kind.Rescan ? k : -1)).filter((k) => k >= 0);
      if (firstPassRows < 0 && again.length > 0) {
        // Read the columns whose guess failed again, with their final kind.
        firstPassRows = rows;
        wanted = new Uint8Array(width);
        for (const k of again) {
          const sink = sinks[k]!;
          sink.kind = sink.fallback === Kind.Categorical ? Kind.ForcedCategorical : sink.fallback;
          sink.dictionary = new ByteDictionary();
          wanted[k] = 1;
        }
        startPass();
        return true;
      }
      finished = assemble();
      return false;
    },
    table() {
      if (!finished) throw new Error('csvReader: table() before the last end()');
      return finished;
    },
  };
}

const EMPTY = Buffer.alloc(0);

/** A whole CSV file in memory, fed to the reader a region at a time (so its columns are built the same way). */
export function decodeCsvBytes(bytes: Uint8Array, options: CsvOptions): Table {
  const reader = csvReader(options, { expectedBytes: bytes.length });
  do for (let at = 0; at < bytes.length; at += REGION_BYTES) reader.push(bytes.subarray(at, at + REGION_BYTES));
  while (reader.end());
  return reader.table();
}

/** A CSV file as a stream of chunks; `open` starts it from the beginning (a second time when a column is read again). */
export async function decodeCsvChunks(open: () => AsyncIterable<Uint8Array>, options: CsvOptions, expectedBytes?: number): Promise<Table> {
  const reader = csvReader(options, { expectedBytes });
  do for await (const chunk of open()) reader.push(chunk);
  while (reader.end());
  return reader.table();
}
