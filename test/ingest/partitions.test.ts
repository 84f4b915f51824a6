import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { toParquet } from '../../src/emit/parquet.js';
import { loadTable } from '../../src/ingest/load.js';
import { addPartitionColumns, alertWindow, dayOverlaps, earliestTime, filterWindow, listWindow, parseSegment, parseWindow, partitionDay } from '../../src/ingest/partitions.js';
import type { Table } from '../../src/ingest/table.js';
import { silentLogger } from '../../src/log.js';
import { MoaError } from '../../src/errors.js';
import { LocalStorage } from '../../src/storage/local.js';
import { parseLocation, type Storage } from '../../src/storage/index.js';

const D = (s: string) => Date.parse(`${s}T00:00:00Z`);

describe('parseWindow', () => {
  it('reads dates as UTC midnight and date-times with or without an offset (UTC when absent)', () => {
    expect(parseWindow({ since: '2026-01-05', until: '2026-01-07' })).toEqual({ since: D('2026-01-05'), until: D('2026-01-07') });
    expect(parseWindow({ since: '2026-01-05T12:30:00Z' })).toEqual({ since: Date.UTC(2026, 0, 5, 12, 30) });
    expect(parseWindow({ since: '2026-01-05T12:30:00' })).toEqual({ since: Date.UTC(2026, 0, 5, 12, 30) });
    expect(parseWindow({ until: '2026-01-05T12:30:00+02:00' })).toEqual({ until: Date.UTC(2026, 0, 5, 10, 30) });
    expect(parseWindow({})).toBeUndefined();
    expect(parseWindow(undefined)).toBeUndefined();
  });

  it.each([
    [{ since: 'last tuesday' }, /--since "last tuesday" is not a date/],
    [{ since: '2026-02-30' }, /--since "2026-02-30"/],
    [{ since: '2026-01-07', until: '2026-01-07' }, /window is empty/],
    [{ since: '2026-01-08', until: '2026-01-07' }, /window is empty/],
  ])('rejects %j as a usage error', (spec, message) => {
    let error: unknown;
    try {
      parseWindow(spec);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MoaError);
    expect((error as MoaError).exitCode).toBe(2);
    expect((error as MoaError).message).toMatch(message);
  });
});

describe('alertWindow', () => {
  const now = new Date('2026-01-10T12:00:00Z');
  it('runs from the start less the margin to the end, or to now while firing', () => {
    expect(alertWindow({ startsAt: '2026-01-08T06:00:00Z', endsAt: '2026-01-09T00:00:00Z' }, now)).toEqual({ since: '2026-01-07T06:00:00.000Z', until: '2026-01-09T00:00:00.001Z' });
    expect(alertWindow({ startsAt: '2026-01-08T06:00:00Z' }, now, 6)).toEqual({ since: '2026-01-08T00:00:00.000Z', until: '2026-01-10T12:00:00.001Z' });
    // the until is exclusive: the end instant itself stays in; an end before the start still leaves a window
    expect(alertWindow({ startsAt: '2026-01-08T06:00:00Z', endsAt: '2026-01-08T05:00:00Z' }, now, 0)).toEqual({ since: '2026-01-08T06:00:00.000Z', until: '2026-01-08T06:00:00.001Z' });
    const w = alertWindow({ startsAt: '2026-01-08T06:00:00Z' }, now);
    expect(parseWindow(w)).toEqual({ since: Date.parse(w.since), until: Date.parse(w.until) });
  });
  it('rejects an unreadable range', () => {
    expect(() => alertWindow({ startsAt: 'soon' }, now)).toThrow(/not readable as ISO 8601/);
  });
});

describe('partition segments and days', () => {
  it('splits k=v segments and undoes Hive escapes', () => {
    expect(parseSegment('date=2026-01-05')).toEqual(['date', '2026-01-05']);
    expect(parseSegment('hour=2026-01-05 10%3A00%3A00')).toEqual(['hour', '2026-01-05 10:00:00']);
    expect(parseSegment('part-0.parquet')).toBeNull();
    expect(parseSegment('=x')).toBeNull();
  });

  it('reads date, dt and day keys as days; other keys and non-dates are not days', () => {
    expect(partitionDay('date', '2026-01-05')).toBe(D('2026-01-05'));
    expect(partitionDay('dt', '20260105')).toBe(D('2026-01-05'));
    expect(partitionDay('DAY', '2026-01-05')).toBe(D('2026-01-05'));
    expect(partitionDay('day', '05')).toBeNull(); // year=/month=/day= layouts are not pruned
    expect(partitionDay('date', '2026-13-01')).toBeNull();
    expect(partitionDay('model', '2026-01-05')).toBeNull();
  });

  it('keeps a day when it overlaps [since, until): until is exclusive, since may fall inside the day', () => {
    const w = { since: D('2026-01-04'), until: D('2026-01-07') };
    expect(['03', '04', '05', '06', '07'].map((d) => dayOverlaps(D(`2026-01-${d}`), w))).toEqual([false, true, true, true, false]);
    const midday = { since: Date.UTC(2026, 0, 3, 12) };
    expect(dayOverlaps(D('2026-01-03'), midday)).toBe(true);
    expect(dayOverlaps(D('2026-01-02'), midday)).toBe(false);
    expect(dayOverlaps(D('1999-01-01'), {})).toBe(true);
  });
});

describe('partition columns and the row filter', () => {
  const table: Table = {
    rows: 4,
    columns: [
      { name: 'x', type: 'numeric', values: Float64Array.from([1, 2, 3, 4]), nulls: null, integer: true },
      { name: 'ts', type: 'timestamp', values: Float64Array.from([D('2026-01-03'), D('2026-01-04'), NaN, D('2026-01-06') + 1]), nulls: Uint8Array.from([0, 0, 1, 0]) },
    ],
  };

  it('adds date keys as timestamps and other keys as categories, leaving columns the file has', () => {
    const out = addPartitionColumns(table, [['model', 'churn'], ['date', '2026-01-05'], ['x', 'ignored']]);
    expect(out.columns.map((c) => [c.name, c.type])).toEqual([['x', 'numeric'], ['ts', 'timestamp'], ['model', 'categorical'], ['date', 'timestamp']]);
    const model = out.columns[2]!;
    expect(model.type === 'categorical' && [...model.codes]).toEqual([0, 0, 0, 0]);
    expect(model.type === 'categorical' && model.categories).toEqual(['churn']);
    const date = out.columns[3]!;
    expect(date.type === 'timestamp' && [...date.values]).toEqual(new Array(4).fill(D('2026-01-05')));
    expect(addPartitionColumns(table, [])).toBe(table);
    const nulls = addPartitionColumns(table, [['date', '__HIVE_DEFAULT_PARTITION__'], ['region', '__HIVE_DEFAULT_PARTITION__']]);
    const [nullDate, region] = nulls.columns.slice(2);
    expect(nullDate?.type === 'timestamp' && [...nullDate.nulls!]).toEqual([1, 1, 1, 1]);
    expect(region?.type === 'categorical' && [...region.codes]).toEqual([-1, -1, -1, -1]);
  });

  it('keeps rows in [since, until) and counts those outside and without a time', () => {
    const { table: kept, outside, missingTime } = filterWindow(table, 'ts', { since: D('2026-01-04'), until: D('2026-01-07') });
    expect(kept.rows).toBe(2);
    const x = kept.columns[0]!;
    expect(x.type === 'numeric' && [...x.values]).toEqual([2, 4]);
    expect(outside).toBe(1);
    expect(missingTime).toBe(1);
    expect(filterWindow(table, 'absent', { since: 0 }).table).toBe(table);
  });

  it('finds the earliest time in the first timestamp column present, skipping nulls', () => {
    expect(earliestTime(table, ['absent', 'x', 'ts'])).toBe(D('2026-01-03'));
    expect(earliestTime(table, ['x'])).toBeUndefined();
    const allNull: Table = { rows: 1, columns: [{ name: 't', type: 'timestamp', values: Float64Array.from([NaN]), nulls: Uint8Array.from([1]) }] };
    expect(earliestTime(allNull, ['t'])).toBeUndefined();
  });

  it('refuses to filter on a column that is not a timestamp', () => {
    expect(() => filterWindow(table, 'x', { since: 0 })).toThrow(/"x" is numeric/);
  });
});

describe('partitioned directories on disk', () => {
  let dir: string;
  const days = ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04'];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'moa-partitions-'));
    for (const [k, day] of days.entries()) {
      for (const model of ['a', 'b']) {
        const p = path.join(dir, `model=${model}`, `date=${day}`);
        await mkdir(p, { recursive: true });
        await writeFile(path.join(p, 'part-0.parquet'), toParquet({ v: { type: 'float64', values: [k, k + 0.5] }, ts: { type: 'timestamp', values: [D(day) + 1000, D(day) + 80_000_000] } }));
      }
    }
    await writeFile(path.join(dir, '_SUCCESS'), '');
    await mkdir(path.join(dir, 'plain'));
    await writeFile(path.join(dir, 'plain', 'part-0.parquet'), toParquet({ v: { type: 'float64', values: [9] } }));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  function counted(inner: Storage, withLevels = true) {
    const reads: string[] = [];
    let listings = 0;
    const storage: Storage = {
      list: (l, s) => (listings++, inner.list(l, s)),
      ...(withLevels ? { listLevel: (l: Parameters<NonNullable<Storage['listLevel']>>[0], s: string) => (listings++, inner.listLevel!(l, s)) } : {}),
      read: (o, l, s) => (reads.push(path.relative(dir, o.name)), inner.read(o, l, s)),
      write: (l, b, c) => inner.write(l, b, c),
      remove: (l) => inner.remove(l),
    };
    return { storage, reads, listings: () => listings };
  }

  it('walks one level at a time and never lists the pruned days', async () => {
    const c = counted(new LocalStorage());
    const window = parseWindow({ since: '2026-01-02', until: '2026-01-04' })!;
    const listing = await listWindow(c.storage, parseLocation(path.join(dir, 'model=a') + '/'), '--operational', window, silentLogger);
    expect(listing.objects.map((o) => path.relative(dir, o.name))).toEqual(['model=a/date=2026-01-02/part-0.parquet', 'model=a/date=2026-01-03/part-0.parquet']);
    expect(listing.pruned).toEqual(['date=2026-01-01', 'date=2026-01-04']);
    expect(c.listings()).toBe(3);
  });

  it('prunes after a full listing when the storage cannot list one level', async () => {
    const c = counted(new LocalStorage(), false);
    const window = parseWindow({ since: '2026-01-04' })!;
    const listing = await listWindow(c.storage, parseLocation(dir), '--operational', window, silentLogger);
    expect(listing.objects.map((o) => path.relative(dir, o.name))).toEqual(['model=a/date=2026-01-04/part-0.parquet', 'model=b/date=2026-01-04/part-0.parquet', 'plain/part-0.parquet']);
    expect(listing.pruned).toEqual(['date=2026-01-01', 'date=2026-01-02', 'date=2026-01-03']);
  });

  it('loads a window: reads only the needed files, adds partition columns, filters rows by time', async () => {
    const c = counted(new LocalStorage());
    const window = parseWindow({ since: '2026-01-02T12:00:00Z', until: '2026-01-04' })!;
    const { table, notes, record } = await loadTable(c.storage, path.join(dir, 'model=b'), { role: 'operational', format: undefined, types: {}, log: silentLogger, window, timestamp: 'ts' });
    expect(c.reads).toEqual(['model=b/date=2026-01-02/part-0.parquet', 'model=b/date=2026-01-03/part-0.parquet']);
    // the early row of 01-02 (00:00:01) is before since; its late row (22:13:20) and both rows of 01-03 are in
    const v = table.columns.find((x) => x.name === 'v')!;
    expect(v.type === 'numeric' && [...v.values]).toEqual([1.5, 2, 2.5]);
    expect(notes).toEqual({ partitionColumns: ['date'], prunedPartitions: ['date=2026-01-01', 'date=2026-01-04'], rowsOutsideWindow: 1, rowsWithoutTime: 0, skippedObjects: 0 });
    expect(record.rows).toBe(3);
  });

  it('reads only the last objects in key order when capped, and counts the rest', async () => {
    const c = counted(new LocalStorage());
    const { table, notes } = await loadTable(c.storage, path.join(dir, 'model=a'), { role: 'operational', format: undefined, types: {}, log: silentLogger, maxObjects: 2 });
    expect(c.reads).toEqual(['model=a/date=2026-01-03/part-0.parquet', 'model=a/date=2026-01-04/part-0.parquet']);
    expect(table.rows).toBe(4);
    expect(notes.skippedObjects).toBe(2);
  });

  it('says which window is empty and where the partitions are', async () => {
    const window = parseWindow({ since: '2027-01-01' })!;
    await expect(loadTable(new LocalStorage(), path.join(dir, 'model=a'), { role: 'operational', format: undefined, types: {}, log: silentLogger, window })).rejects.toThrow(
      /no data files under .*model=a fall in the time window \[2027-01-01T00:00:00.000Z, …\) \(4 partition\(s\) outside it, e\.g\. date=2026-01-01 … date=2026-01-04\)/,
    );
  });

  it('without a window reads everything, and a plain directory gets no partition columns', async () => {
    const all = await loadTable(new LocalStorage(), path.join(dir, 'model=a'), { role: 'operational', format: undefined, types: {}, log: silentLogger });
    expect(all.table.rows).toBe(8);
    expect(all.notes.partitionColumns).toEqual(['date']);
    const plain = await loadTable(new LocalStorage(), path.join(dir, 'plain'), { role: 'operational', format: undefined, types: {}, log: silentLogger });
    expect(plain.table.columns.map((x) => x.name)).toEqual(['v']);
    expect(plain.notes.partitionColumns).toEqual([]);
  });
});
