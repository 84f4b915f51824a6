/** Category counts from Arrow dictionary indices, against counts computed from the decoded strings. */
import { describe, it, expect } from '@jest/globals';
import { vectorFromArray, Dictionary, Utf8, Int32 } from 'apache-arrow';
import { StatsInputError, categoryCounts } from '../../src/stats/index.js';

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
