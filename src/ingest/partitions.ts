import path from 'node:path';
import { dataError, usageError } from '../errors.js';
import type { Logger } from '../log.js';
import { DATE_PARTITION_KEYS } from '../schema/contract.js';
import type { Location, Storage, StoredObject } from '../storage/index.js';
import { take } from './dataset.js';
import type { Column, Table } from './table.js';

/**
 * Hive-style partitioned data: `…/model=churn/date=2026-01-05/part-0.parquet`. Path segments `k=v` below the
 * URI become columns, and a time window prunes `date=` / `dt=` / `day=` partitions before they are listed or read.
 */

/** A half-open time window [since, until) in ms since the epoch (UTC); either end may be open. */
export interface TimeWindow {
  since?: number;
  until?: number;
}

const DAY_MS = 86_400_000;
const HIVE_NULL = '__HIVE_DEFAULT_PARTITION__';
const DATE_ONLY = /^(\d{4})-?(\d{2})-?(\d{2})$/;

/** Parse `--since` / `--until` (ISO 8601 date or date-time; a bare date is midnight UTC). Undefined when both are absent. */
export function parseWindow(spec: { since?: string | undefined; until?: string | undefined } | undefined): TimeWindow | undefined {
  if (!spec || (spec.since === undefined && spec.until === undefined)) return undefined;
  const window: TimeWindow = {};
  for (const end of ['since', 'until'] as const) {
    const text = spec[end];
    if (text === undefined) continue;
    const ms = parseInstant(text);
    if (ms === null) {
      throw usageError('usage.window', `--${end} "${text}" is not a date or date-time.`, {
        subject: `window.${end}`,
        fix: 'Use ISO 8601 in UTC, e.g. 2026-01-05 or 2026-01-05T12:00:00Z.',
      });
    }
    window[end] = ms;
  }
  if (window.since !== undefined && window.until !== undefined && window.since >= window.until) {
    throw usageError('usage.window', `The time window is empty: --since ${spec.since} is not before --until ${spec.until}.`, {
      subject: 'window',
      fix: '--since is inclusive and --until exclusive; --until must be later.',
    });
  }
  return window;
}

function parseInstant(text: string): number | null {
  const date = DATE_ONLY.exec(text.trim());
  if (date) return dayStart(date);
  // Date.parse reads a date-time without an offset as local time; the window is always UTC.
  const trimmed = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}T/.test(trimmed)) return null;
  const ms = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed) ? trimmed : trimmed + 'Z');
  return Number.isNaN(ms) ? null : ms;
}

function dayStart(m: RegExpExecArray): number | null {
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  // Reject 2026-02-30 and the like instead of rolling over into March.
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? ms : null;
}

export function formatWindow(window: TimeWindow): string {
  const iso = (ms: number | undefined) => (ms === undefined ? '…' : new Date(ms).toISOString());
  return `[${iso(window.since)}, ${iso(window.until)})`;
}

/** A `k=v` path segment, with Hive's %XX escapes undone; null for other segments. */
export function parseSegment(segment: string): [string, string] | null {
  const eq = segment.indexOf('=');
  if (eq <= 0) return null;
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  return [decode(segment.slice(0, eq)), decode(segment.slice(eq + 1))];
}

/** The day [start, start + 1 day) a date partition covers, or null when the key is not a date key or the value no date. */
export function partitionDay(key: string, value: string): number | null {
  if (!(DATE_PARTITION_KEYS as readonly string[]).includes(key.toLowerCase())) return null;
  const m = DATE_ONLY.exec(value);
  return m ? dayStart(m) : null;
}

/**
 * A `date=` / `dt=` / `day=` segment must hold a date: otherwise its rows would get no day (and the part a column
 * type its siblings do not have). The message names the object, so the odd partition can be found.
 */
export function assertDatePartitions(values: [string, string][], uri: string, subject: string): void {
  for (const [key, value] of values) {
    if (!(DATE_PARTITION_KEYS as readonly string[]).includes(key.toLowerCase()) || value === HIVE_NULL || partitionDay(key, value) !== null) continue;
    throw dataError('data.partition_value', `${subject}: the partition "${key}=${value}" of ${uri} is not a date.`, {
      subject: uri,
      fix: `Name date partitions ${key}=YYYY-MM-DD (or ${key}=YYYYMMDD), or move files that are not part of the data set out of the prefix.`,
    });
  }
}

export function dayOverlaps(start: number, window: TimeWindow): boolean {
  return (window.until === undefined || start < window.until) && (window.since === undefined || start + DAY_MS > window.since);
}

/** Partition values of an object: the `k=v` segments of its name below the base location, outermost first. */
export function partitionValues(object: StoredObject, base: Location): [string, string][] {
  const rel = relativeName(object, base);
  if (rel === null) return [];
  const segments = rel.split('/').slice(0, -1); // the last segment is the file name
  return segments.map(parseSegment).filter((kv): kv is [string, string] => kv !== null);
}

function relativeName(object: StoredObject, base: Location): string | null {
  if (base.scheme === 's3') {
    if (!base.isPrefix || !object.name.startsWith(base.key)) return null;
    return object.name.slice(base.key.length);
  }
  const rel = path.relative(base.path, object.name);
  return rel === '' || rel.startsWith('..') ? null : rel.split(path.sep).join('/');
}

function childDir(base: Location, name: string): Location {
  if (base.scheme === 's3') {
    const key = `${base.key}${name}/`;
    return { scheme: 's3', bucket: base.bucket, key, isPrefix: true, uri: `s3://${base.bucket}/${key}` };
  }
  const p = path.join(base.path, name);
  return { scheme: 'file', path: p, uri: base.uri.startsWith('file://') ? `file://${p}` : p };
}

export interface PartitionListing {
  objects: StoredObject[];
  /** Date partitions (relative paths) left out because they lie outside the window. */
  pruned: string[];
  /** Directory listings made (S3: LIST requests, not counting continuation pages). */
  listings: number;
}

// Directory listings in flight at once while walking partitions; S3 latency, not CPU, is the limit.
const LIST_CONCURRENCY = 8;

/**
 * The data files under a location that can hold rows of the window. With a window and a storage that lists one
 * level at a time, date partitions outside the window are never listed; otherwise everything is listed and the
 * out-of-window date partitions dropped before reading. Without a window this is `storage.list`.
 */
export async function listWindow(storage: Storage, location: Location, subject: string, window: TimeWindow | undefined, log: Logger): Promise<PartitionListing> {
  if (!window) return { objects: await storage.list(location, subject), pruned: [], listings: 1 };
  const top = storage.listLevel ? await storage.listLevel(location, subject) : null;
  if (!top) {
    const all = await storage.list(location, subject);
    const pruned = new Set<string>();
    const objects = all.filter((o) => {
      for (const [k, v] of partitionValues(o, location)) {
        const day = partitionDay(k, v);
        if (day !== null && !dayOverlaps(day, window)) {
          pruned.add(`${k}=${v}`);
          return false;
        }
      }
      return true;
    });
    return { objects, pruned: [...pruned].sort(), listings: 1 };
  }
  const objects: StoredObject[] = [...top.objects];
  const pruned: string[] = [];
  let listings = 1;
  const queue: { location: Location; rel: string }[] = [];
  const visit = (dirs: string[], parent: Location, rel: string) => {
    for (const dir of dirs) {
      const kv = parseSegment(dir);
      const day = kv ? partitionDay(kv[0], kv[1]) : null;
      const here = rel ? `${rel}/${dir}` : dir;
      if (day !== null && !dayOverlaps(day, window)) pruned.push(here);
      else queue.push({ location: childDir(parent, dir), rel: here });
    }
  };
  visit(top.dirs, location, '');
  while (queue.length) {
    const batch = queue.splice(0, LIST_CONCURRENCY);
    const levels = await Promise.all(batch.map((d) => storage.listLevel!(d.location, subject)));
    listings += batch.length;
    levels.forEach((level, k) => {
      if (!level) return;
      objects.push(...level.objects);
      visit(level.dirs, batch[k]!.location, batch[k]!.rel);
    });
  }
  objects.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  log.debug('partitions pruned by the time window', { subject, window: formatWindow(window), pruned: pruned.length, kept: objects.length, listings });
  if (objects.length === 0) {
    throw dataError('data.empty_window', `${subject}: no data files under ${location.uri} fall in the time window ${formatWindow(window)}` +
      `${pruned.length ? ` (${pruned.length} partition(s) outside it, e.g. ${pruned[0]}${pruned.length > 1 ? ` … ${pruned[pruned.length - 1]}` : ''})` : ''}.`, {
      subject: location.uri,
      fix: 'Widen --since / --until, or check that the date= partitions are where the URI points.',
    });
  }
  return { objects, pruned, listings };
}

/**
 * Add a part's partition values as columns (constant over the part). Date keys become timestamp columns, so they
 * are never taken for features; other keys are categorical. A column the file already has is left alone.
 */
export function addPartitionColumns(table: Table, values: [string, string][]): Table {
  const have = new Set(table.columns.map((c) => c.name));
  const added: Column[] = [];
  for (const [key, value] of values) {
    if (have.has(key)) continue;
    have.add(key);
    const day = partitionDay(key, value);
    if (value === HIVE_NULL) {
      // Hive writes rows whose partition value is null under this name.
      const isDate = (DATE_PARTITION_KEYS as readonly string[]).includes(key.toLowerCase());
      added.push(isDate
        ? { name: key, type: 'timestamp', values: new Float64Array(table.rows).fill(NaN), nulls: new Uint8Array(table.rows).fill(1) }
        : { name: key, type: 'categorical', codes: new Int32Array(table.rows).fill(-1), categories: [], boolean: false });
    } else if (day !== null) {
      added.push({ name: key, type: 'timestamp', values: new Float64Array(table.rows).fill(day), nulls: null });
    } else {
      added.push({ name: key, type: 'categorical', codes: new Int32Array(table.rows), categories: [value], boolean: false });
    }
  }
  return added.length ? { rows: table.rows, columns: [...table.columns, ...added] } : table;
}

/** Keep the rows whose time lies in the window; rows without a time are dropped too, and counted. */
export function filterWindow(table: Table, column: string, window: TimeWindow): { table: Table; outside: number; missingTime: number; kept?: Int32Array } {
  const c = table.columns.find((x) => x.name === column);
  if (!c) return { table, outside: 0, missingTime: 0 };
  if (c.type !== 'timestamp') {
    throw dataError('data.timestamp_type', `The timestamp column "${column}" is ${c.type}, so the time window cannot be applied to its rows.`, {
      subject: column,
      fix: 'Write it as a timestamp (Parquet/Arrow timestamp, or ISO 8601 / epoch text in CSV with --timestamp), or drop --since / --until.',
    });
  }
  const keep: number[] = [];
  let outside = 0;
  let missingTime = 0;
  for (let i = 0; i < table.rows; i++) {
    const t = c.values[i]!;
    if (Number.isNaN(t) || (c.nulls && c.nulls[i])) missingTime++;
    else if ((window.since !== undefined && t < window.since) || (window.until !== undefined && t >= window.until)) outside++;
    else keep.push(i);
  }
  if (keep.length === table.rows) return { table, outside: 0, missingTime: 0 };
  const picks = Int32Array.from(keep);
  return { table: { rows: keep.length, columns: table.columns.map((col) => take(col, picks)) }, outside, missingTime, kept: picks };
}

/** The earliest time in the first of these columns the table has as a timestamp (e.g. the event time, then `date`). */
export function earliestTime(table: Table, columns: string[]): number | undefined {
  for (const name of columns) {
    const c = table.columns.find((x) => x.name === name);
    if (c?.type !== 'timestamp') continue;
    let min = Infinity;
    for (let i = 0; i < c.values.length; i++) {
      const t = c.values[i]!;
      if (t < min && !(c.nulls && c.nulls[i])) min = t; // NaN never compares below
    }
    if (min < Infinity) return min;
  }
  return undefined;
}

/**
 * The operational window an alert points at, for runs started by an alert without --since / --until: from the
 * alert's start less a margin (the alert rule's evaluation range lies before `startsAt`) to its end, or to `now`
 * while it still fires. Returned as config strings (`window.since`, `window.until`).
 */
export function alertWindow(alert: { startsAt: string; endsAt?: string | undefined }, now: Date, marginHours = 24): { since: string; until: string } {
  const start = Date.parse(alert.startsAt);
  const end = alert.endsAt === undefined ? now.getTime() : Date.parse(alert.endsAt);
  if (Number.isNaN(start) || Number.isNaN(end)) {
    throw usageError('usage.alert_window', `The alert's time range (${alert.startsAt} – ${alert.endsAt ?? 'firing'}) is not readable as ISO 8601 times.`, {
      subject: 'alert',
      fix: 'Pass --since / --until explicitly.',
    });
  }
  // An end at or before the start (clock skew, a resolved flap) still gets the margin's worth of data.
  const since = start - marginHours * 3_600_000;
  return { since: new Date(since).toISOString(), until: new Date(Math.max(end, start) + 1).toISOString() };
}
