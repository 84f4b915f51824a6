/** Category counts from Arrow dictionary indices, against counts computed from the decoded strings. */
import { describe, it, expect } from '@jest/globals';
import { vectorFromArray, Dictionary, Utf8, Int32 } from 'apache-arrow';
import { StatsInputError, alignCategoryCounts, categoryCounts } from '../../src/stats/index.js';

describe('categoryCounts', () => {
  it('counts an Arrow dictionary column, nulls apart, equal to counting its decoded values', () => {
    const values = ['b', 'a', null, 'c', 'a', 'a', null, 'b', 'c', 'c', 'c'];
    const vec = vectorFromArray(values, new Dictionary(new Utf8(), new Int32()));
    const data = vec.data[0]!;
    const dict = data.dictionary!.toArray() as string[];
    // Arrow pads the indices buffer; pass exactly the rows.
    const got = categoryCounts((data.values as Int32Array).subarray(0, data.length), dict.length, data.nullBitmap, data.offset);
    const want = dict.map((d) => values.filter((v) => v === d).length);
    expect(Array.from(got.counts)).toEqual(want);
    expect(got.nulls).toBe(2);
  });

  it('rejects an index outside the dictionary with a typed error', () => {
    expect(() => categoryCounts(Uint8Array.from([0, 3]), 3)).toThrow(StatsInputError);
  });
});

describe('alignCategoryCounts', () => {
  it('adds counts by name across two dictionaries: first side first-seen, new names after, zero totals dropped', () => {
    // Side b numbers its categories differently, lists "x" twice (two codes) and lists "z" without a row.
    const got = alignCategoryCounts(
      [
        ['a', 3],
        ['b', 0],
        ['c', 2],
      ],
      [
        ['c', 1],
        ['x', 4],
        ['a', 5],
        ['x', 2],
        ['z', 0],
      ],
    );
    expect(got).toEqual({ categories: ['a', 'c', 'x'], a: [3, 2, 0], b: [5, 1, 6] });
  });

  it('keeps a category that only one side has, with zero on the other', () => {
    expect(alignCategoryCounts([['b', 1]], [])).toEqual({ categories: ['b'], a: [1], b: [0] });
  });
});
