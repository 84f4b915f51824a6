import { describe, expect, it } from '@jest/globals';
import { inTimeOrder, labelledRows } from '../../src/select/split.js';
import { mulberry32 } from '../../src/stats/index.js';
import type { Roles } from '../../src/ingest/dataset.js';
import { categorical, dataset } from '../audit/support/datasets.js';

/** The comparator definitions the radix argsort replaced. */
const inTimeOrderByComparator = (t: Float64Array, rows: Int32Array) => {
  const time = (r: number) => (Number.isFinite(t[r]!) ? t[r]! : -Infinity);
  return rows.slice().sort((a, b) => time(a) - time(b) || a - b);
};

describe('select: rows in time order', () => {
  const rng = mulberry32(21);
  const n = 20_000;
  // Epoch milliseconds with many ties (whole seconds), −0 and +0.
  const times = (special: number[]) => Float64Array.from({ length: n }, () => (rng.nextDouble53() < 0.02 ? special[Math.floor(rng.nextDouble53() * special.length)]! : 1.7e12 + Math.floor(rng.nextDouble53() * 3000) * 1000));
  const withTime = (t: Float64Array, labels: Int32Array) => dataset('operational', [{ name: 'ts', type: 'timestamp', values: t, nulls: null }, categorical('label', labels, ['a', 'b'])]);
  const roles: Roles = { task: 'classification', label: 'label', timestamp: 'ts', proba: [], features: [], excluded: [] };

  it('inTimeOrder: by time (non-finite first), ties by row, whatever the order rows come in', () => {
    const t = times([NaN, Infinity, -Infinity, 0, -0]);
    const rows = Int32Array.from({ length: 8000 }, () => Math.floor(rng.nextDouble53() * n));
    const d = withTime(t, new Int32Array(n));
    expect(Array.from(inTimeOrder(d, roles, rows))).toEqual(Array.from(inTimeOrderByComparator(t, rows)));
  });

  it('rows already in time order (ties, ±0 and non-finite times first) stay as they are, and one step back sorts', () => {
    const t = Float64Array.from({ length: n }, (_, i) => (i < 20 ? [NaN, -Infinity][i % 2]! : i < 50 ? [0, -0][i % 2]! : 1.7e12 + Math.floor(i / 4) * 1000));
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    const d = withTime(t, new Int32Array(n));
    expect(Array.from(inTimeOrder(d, roles, rows))).toEqual(Array.from(inTimeOrderByComparator(t, rows)));
    t[n - 1] = 1.7e12;
    expect(Array.from(inTimeOrder(d, roles, rows))).toEqual(Array.from(inTimeOrderByComparator(t, rows)));
  });

  it('labelledRows: the labelled rows by time, ties by row', () => {
    const t = times([0, -0]);
    const labels = Int32Array.from({ length: n }, () => (rng.nextDouble53() < 0.3 ? Math.floor(rng.nextDouble53() * 2) : -1));
    const expected = Int32Array.from({ length: n }, (_, i) => i)
      .filter((i) => labels[i]! >= 0)
      .sort((a, b) => t[a]! - t[b]! || a - b);
    expect(Array.from(labelledRows(withTime(t, labels), roles))).toEqual(Array.from(expected));
  });
});
