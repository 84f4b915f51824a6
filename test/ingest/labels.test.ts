import { describe, expect, it } from '@jest/globals';
import { toDataset, type Dataset } from '../../src/ingest/dataset.js';
import { joinLabels, labelJoinCheck, requireLabelId } from '../../src/ingest/labels.js';
import { CategoricalBuilder, type Column, type Table } from '../../src/ingest/table.js';
import { CheckResultSchema } from '../../src/schema/results.js';

const D = (s: string) => Date.parse(s);

function cat(name: string, values: (string | null)[]): Column {
  const b = new CategoricalBuilder(values.length);
  values.forEach((v, i) => b.set(i, v));
  return { name, type: 'categorical', codes: b.codes, categories: b.categories, boolean: false };
}
function num(name: string, values: number[]): Column {
  return { name, type: 'numeric', values: Float64Array.from(values), nulls: values.some(Number.isNaN) ? Uint8Array.from(values.map((v) => (Number.isNaN(v) ? 1 : 0))) : null, integer: values.every((v) => Number.isNaN(v) || Number.isInteger(v)) };
}
function ts(name: string, values: (string | null)[]): Column {
  return { name, type: 'timestamp', values: Float64Array.from(values.map((v) => (v === null ? NaN : D(v)))), nulls: values.some((v) => v === null) ? Uint8Array.from(values.map((v) => (v === null ? 1 : 0))) : null };
}
const table = (...columns: Column[]): Table => ({ rows: columns[0] ? (columns[0].type === 'categorical' ? columns[0].codes.length : (columns[0] as { values: Float64Array }).values.length) : 0, columns });
const labelsOf = (d: Dataset, name = 'label') => {
  const c = d.columns.get(name)!;
  if (c.type === 'categorical') return [...c.codes].map((k) => (k < 0 ? null : c.categories[k]));
  if (c.type === 'numeric') return [...c.values].map((v) => (Number.isNaN(v) ? null : v));
  throw new Error(c.type);
};

// Five requests over two days; labels arrive later, one id twice, one never, one for an unknown id.
const operational = toDataset('operational', 'ops', table(
  cat('request_id', ['a', 'b', 'c', 'd', 'e']),
  ts('request_ts', ['2026-01-01T10:00:00Z', '2026-01-01T11:00:00Z', '2026-01-01T23:59:59Z', '2026-01-02T00:00:00Z', '2026-01-02T08:00:00Z']),
  num('x', [1, 2, 3, 4, 5]),
));
const opts = { id: 'request_id', label: 'label', labelTs: 'label_ts', timestamp: 'request_ts', uri: 'feed' };

describe('joinLabels', () => {
  it('takes the latest label per id by label time, not by feed order, and reports coverage by UTC day', () => {
    const feed = table(
      cat('request_id', ['b', 'a', 'b', 'zz', 'd', 'c']),
      cat('label', ['yes', 'no', 'no', 'yes', null, 'yes']),
      ts('label_ts', ['2026-01-05T00:00:00Z', '2026-01-03T00:00:00Z', '2026-01-04T00:00:00Z', '2026-01-03T00:00:00Z', '2026-01-06T00:00:00Z', '2026-01-04T00:00:00Z']),
    );
    const { dataset, coverage } = joinLabels(operational, feed, opts);
    // b: "yes" at 01-05 beats "no" at 01-04 written after it; d's only label is null, so d stays unlabelled
    expect(labelsOf(dataset)).toEqual(['no', 'yes', 'yes', null, null]);
    expect(coverage).toEqual({
      rows: 5,
      labelled: 3,
      coverage: 0.6,
      fromFeed: 3,
      feedRows: 5,
      feedIds: 4,
      unmatchedIds: 1,
      superseded: 1,
      byDay: [
        { day: '2026-01-01', rows: 3, labelled: 3, coverage: 1 },
        { day: '2026-01-02', rows: 2, labelled: 0, coverage: 0 },
      ],
      dayFrom: 'request_ts',
    });
    // the input is not changed
    expect(operational.columns.has('label')).toBe(false);
    // classes only the unmatched id had do not become classes of the operational data
    const withStray = table(cat('request_id', ['a', 'zz']), cat('label', ['no', 'maybe']));
    const stray = joinLabels(operational, withStray, { ...opts, labelTs: undefined }).dataset.columns.get('label')!;
    expect(stray.type === 'categorical' && stray.categories).toEqual(['no']);
  });

  it('without label times the later row in feed order wins, and a missing label time loses to a present one', () => {
    const noTs = table(cat('request_id', ['a', 'a']), cat('label', ['first', 'second']));
    expect(labelsOf(joinLabels(operational, noTs, { ...opts, labelTs: undefined }).dataset).slice(0, 1)).toEqual(['second']);
    const partial = table(cat('request_id', ['a', 'a']), cat('label', ['timed', 'untimed']), ts('label_ts', ['2026-01-02T00:00:00Z', null]));
    expect(labelsOf(joinLabels(operational, partial, opts).dataset).slice(0, 1)).toEqual(['timed']);
  });

  it('matches integer ids logged as numbers against ids written as text, and keeps numeric labels numeric', () => {
    const op = toDataset('operational', 'ops', table(num('id', [17, 18, 19]), ts('request_ts', ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', null])));
    const feed = table(cat('id', ['17', '19']), num('label', [0.5, 2]));
    const { dataset, coverage } = joinLabels(op, feed, { ...opts, id: 'id' });
    expect(labelsOf(dataset)).toEqual([0.5, null, 2]);
    expect(coverage.byDay).toEqual([
      { day: '2026-01-01', rows: 2, labelled: 1, coverage: 0.5 },
      { day: 'no time', rows: 1, labelled: 1, coverage: 1 },
    ]);
  });

  it('lets feed labels replace inline labels and keeps inline labels the feed does not cover', () => {
    const op = toDataset('operational', 'ops', table(cat('request_id', ['a', 'b', 'c']), cat('label', ['cat', null, 'dog'])));
    const feed = table(cat('request_id', ['c', 'b']), cat('label', ['bird', 'fish']));
    const { dataset, coverage } = joinLabels(op, feed, { ...opts, labelTs: undefined, timestamp: undefined });
    expect(labelsOf(dataset)).toEqual(['cat', 'fish', 'bird']);
    expect(coverage).toMatchObject({ labelled: 3, fromFeed: 2, byDay: [], dayFrom: null });
  });

  it('falls back to a date partition column for the day', () => {
    const op = toDataset('operational', 'ops', table(cat('request_id', ['a', 'b']), ts('date', ['2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z'])));
    const { coverage } = joinLabels(op, table(cat('request_id', ['b']), cat('label', ['x'])), { ...opts, timestamp: 'request_ts', dayColumn: 'date' });
    expect(coverage.byDay.map((d) => [d.day, d.labelled])).toEqual([['2026-03-01', 0], ['2026-03-02', 1]]);
    expect(coverage.dayFrom).toBe('date');
  });

  it('names the missing column and the fix', () => {
    expect(() => joinLabels(toDataset('operational', 'ops', table(num('x', [1]))), table(cat('request_id', ['a']), cat('label', ['y'])), opts)).toThrow(/no id column "request_id".*labels at feed/);
    expect(() => joinLabels(operational, table(cat('request_id', ['a']), cat('target', ['y'])), opts)).toThrow(/lacks the label column "label" \(it has: request_id, target\)/);
    expect(() => requireLabelId(undefined)).toThrow(/--labels needs --id/);
    expect(requireLabelId('rid')).toBe('rid');
  });
});

describe('labelJoinCheck', () => {
  const base = { rows: 10, labelled: 3, coverage: 0.3, fromFeed: 3, feedRows: 4, feedIds: 4, unmatchedIds: 1, superseded: 0, byDay: [{ day: '2026-01-01', rows: 10, labelled: 3, coverage: 0.3 }], dayFrom: 'request_ts' };
  it.each([
    [{}, 0.5, 'warn'],
    [{}, 0.2, 'pass'],
    [{ labelled: 0, coverage: 0, fromFeed: 0, unmatchedIds: 4 }, 0.2, 'fail'],
  ])('status for %j with minCoverage %d is %s, in the one result shape', (over, minCoverage, status) => {
    const check = labelJoinCheck({ ...base, ...over }, { uri: 's3://b/labels/', id: 'request_id', minCoverage });
    expect(CheckResultSchema.parse(check)).toEqual(check);
    expect(check).toMatchObject({ id: 'ingest.labels_join', stage: 'ingest', kind: 'label_join', status, threshold: { minCoverage } });
    expect(check.details!.byDay).toEqual(base.byDay);
    if (status === 'fail') expect(check.summary).toMatch(/None of the 4 labelled ids in s3:\/\/b\/labels\/ matches/);
    else expect(check.summary).toBe('3 of 10 operational rows have a label (30.0%), 3 from the label feed; by day from 2026-01-01 (30.0%) to 2026-01-01 (30.0%).');
  });
});
