import { dataError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Format, ColumnType as ConfiguredType } from '../schema/config.js';
import type { InputRecord } from '../schema/results.js';
import { parseLocation, type Storage } from '../storage/index.js';
import { decode, decodeCsvStream, decodeParquetBlob, detectFormat } from './formats.js';
import { checkObjectBytes, DEFAULT_LIMITS, type IngestLimits } from './limits.js';
import { addPartitionColumns, assertDatePartitions, filterWindow, listWindow, partitionValues, type TimeWindow } from './partitions.js';
import { concatColumns, type Table } from './table.js';

export interface LoadOptions {
  role: string;
  format: Format | undefined;
  types: Record<string, ConfiguredType>;
  log: Logger;
  /** Read only date partitions that overlap this window, and keep only rows whose `timestamp` lies in it. */
  window?: TimeWindow | undefined;
  /** Event-time column the window applies to, row by row (when the table has it). */
  timestamp?: string | undefined;
  /** Read only the last this many objects in key order (the newest date partitions); for checks that sample. */
  maxObjects?: number | undefined;
  /** Bounds on bytes, rows, columns and categories (config `limits`); the schema's defaults when absent. */
  limits?: IngestLimits | undefined;
}

/**
 * Where each row of a loaded table came from: the object it was read from and its row number there (0-based,
 * header not counted), so a row can be named in any later run or by a training stage, windowed or not.
 */
export interface RowOrigin {
  /** The objects read, in the order their rows appear. */
  uris: string[];
  /** Per table row: index into `uris`. */
  object: Int32Array;
  /** Per table row: row number within that object. */
  row: Int32Array;
}

/** Built on first use (only a selection names rows): two integers per row are not kept through the analysis. */
function rowOrigin(uris: string[], sizes: number[], kept?: Int32Array): RowOrigin {
  let built: { object: Int32Array; row: Int32Array } | undefined;
  const build = () => {
    const total = sizes.reduce((a, b) => a + b, 0);
    const object = new Int32Array(total);
    const row = new Int32Array(total);
    let at = 0;
    sizes.forEach((size, k) => {
      for (let r = 0; r < size; r++, at++) (object[at] = k), (row[at] = r);
    });
    if (!kept) return { object, row };
    return { object: Int32Array.from(kept, (i) => object[i]!), row: Int32Array.from(kept, (i) => row[i]!) };
  };
  return {
    uris,
    get object() {
      return (built ??= build()).object;
    },
    get row() {
      return (built ??= build()).row;
    },
  };
}

/** What partitioning and the time window did to an input. */
export interface LoadNotes {
  /** Columns made from `k=v` path segments. */
  partitionColumns: string[];
  /** Date partitions left unread because they lie outside the window. */
  prunedPartitions: string[];
  /** Rows read but outside the window (by the timestamp column), and rows dropped for having no time. */
  rowsOutsideWindow: number;
  rowsWithoutTime: number;
  /** Objects listed but left unread by `maxObjects`. */
  skippedObjects: number;
}

/**
 * Inputs are loaded at once (src/run.ts), but parquet-wasm is one instance whose reader a failed or corrupt file can
 * leave unusable (see decodeParquetBlob): Parquet objects are read one at a time, in the order they were asked for,
 * so one input's broken file never fails another's read.
 */
let parquetQueue: Promise<unknown> = Promise.resolve();
function inParquetTurn<T>(read: () => Promise<T>): Promise<T> {
  const turn = parquetQueue.then(read);
  parquetQueue = turn.catch(() => undefined);
  return turn;
}

/** Read every object a URI names (one file, or all part files under a prefix, in key order) into one table. */
export async function loadTable(storage: Storage, uri: string, options: LoadOptions): Promise<{ table: Table; record: InputRecord; notes: LoadNotes; origin: RowOrigin }> {
  const subject = `--${options.role}`;
  const location = parseLocation(uri, subject);
  const listed = await listWindow(storage, location, subject, options.window, options.log);
  const { pruned } = listed;
  const cap = options.maxObjects;
  const objects = cap !== undefined && listed.objects.length > cap ? listed.objects.slice(-cap) : listed.objects;
  if (objects.length < listed.objects.length) {
    options.log.info(`reading the last ${objects.length} of ${listed.objects.length} objects`, { role: options.role, uri, first: objects[0]!.uri });
  }
  const partitionColumns = new Set<string>();
  const parts: Table[] = [];
  const formats = new Set<Format>();
  for (const object of objects) {
    const format = detectFormat(object.name, options.format, subject);
    formats.add(format);
    // Refuse an oversized object before reading it (the listing knows its size).
    checkObjectBytes(object.size, options.limits ?? DEFAULT_LIMITS, object.uri, subject);
    const values = partitionValues(object, location);
    assertDatePartitions(values, object.uri, subject);
    const decodeOptions = { format, uri: object.uri, subject, types: options.types, ...(options.limits ? { limits: options.limits } : {}) };
    // CSV is parsed as it streams in, Parquet row group by row group; Arrow and JSON Lines are read whole.
    const gzipped = object.name.toLowerCase().endsWith('.gz');
    const read = async () =>
      format === 'csv' && storage.stream
        ? await decodeCsvStream(() => storage.stream!(object, location, subject), object.size, decodeOptions)
        : format === 'parquet' && storage.blob && !gzipped
          ? await decodeParquetBlob(await storage.blob(object, location, subject), decodeOptions)
          : decode(await storage.read(object, location, subject), decodeOptions);
    const table = format === 'parquet' ? await inParquetTurn(read) : await read();
    for (const [key] of values) partitionColumns.add(key);
    parts.push(addPartitionColumns(table, values));
    options.log.debug('read object', { role: options.role, uri: object.uri, bytes: object.size, format });
  }
  let table = parts.length === 1 ? parts[0]! : concatParts(parts, objects.map((o) => o.uri), subject);
  const notes: LoadNotes = { partitionColumns: [...partitionColumns], prunedPartitions: pruned, rowsOutsideWindow: 0, rowsWithoutTime: 0, skippedObjects: listed.objects.length - objects.length };
  let kept: Int32Array | undefined;
  if (options.window && options.timestamp) {
    const filtered = filterWindow(table, options.timestamp, options.window);
    table = filtered.table;
    kept = filtered.kept;
    notes.rowsOutsideWindow = filtered.outside;
    notes.rowsWithoutTime = filtered.missingTime;
  }
  if (table.rows === 0 && notes.rowsOutsideWindow + notes.rowsWithoutTime > 0) {
    throw dataError('data.empty', `${subject}: ${uri} has no rows in the time window: ${notes.rowsOutsideWindow} row(s) lie outside it and ${notes.rowsWithoutTime} have no readable time in "${options.timestamp}".`, {
      subject: uri,
      fix: `Widen --since / --until, or write "${options.timestamp}" as a timestamp (ISO 8601 such as 2026-01-05T12:00:00Z, or epoch seconds / milliseconds).`,
    });
  }
  const origin = rowOrigin(objects.map((o) => o.uri), parts.map((p) => p.rows), kept);
  if (table.rows === 0) {
    throw dataError('data.empty', `${subject}: ${uri} has no rows.`, {
      subject: uri,
      fix: 'Check the upstream job that writes this data, or the prefix / time window.',
    });
  }
  return {
    table,
    record: {
      role: options.role,
      uri,
      objects: objects.map((o) => ({ uri: o.uri, bytes: o.size, ...(o.etag ? { etag: o.etag } : {}) })),
      rows: table.rows,
      columns: table.columns.length,
      format: [...formats].join(','),
    },
    notes,
    origin,
  };
}

function concatParts(parts: Table[], uris: string[], subject: string): Table {
  const names = parts[0]!.columns.map((c) => c.name);
  parts.forEach((part, k) => {
    const these = part.columns.map((c) => c.name);
    const missing = names.filter((n) => !these.includes(n));
    const extra = these.filter((n) => !names.includes(n));
    if (missing.length || extra.length) {
      throw dataError('data.parts_disagree', `${subject}: part ${uris[k]} has different columns than ${uris[0]}` +
        `${missing.length ? ` (missing: ${missing.join(', ')})` : ''}${extra.length ? ` (extra: ${extra.join(', ')})` : ''}.`, {
        subject: uris[k]!,
        fix: 'All part files under a prefix must share one schema; move other files elsewhere.',
      });
    }
  });
  const columns = names.map((name) => {
    const merged = concatColumns(parts.map((p) => p.columns.find((c) => c.name === name)!));
    if (typeof merged === 'string') {
      throw dataError('data.parts_disagree', `${subject}: the part files disagree: ${merged}.`, {
        subject: uris.join(', '),
        fix: 'All part files under a prefix must share one schema.',
      });
    }
    return merged;
  });
  return { rows: parts.reduce((a, p) => a + p.rows, 0), columns };
}
