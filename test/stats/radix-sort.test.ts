/** Radix sort agrees with the built-in Float64Array sort bit for bit, including signed zeros and infinities. */
import { describe, it, expect } from '@jest/globals';
import { generateSample, radixSortFloat64 } from '../../src/stats/index.js';

function builtin(a: Float64Array): Float64Array {
  return Float64Array.from(a).sort();
}

describe('radixSortFloat64', () => {
  it('orders special values like the built-in sort', () => {
    const a = Float64Array.from([3, -0, 0, Infinity, -Infinity, 5e-324, -5e-324, 1.7976931348623157e308, -1.7976931348623157e308, -2, 3]);
    const sorted = radixSortFloat64(a);
    expect(Array.from(sorted).map((x) => Object.is(x, -0) ? '-0' : x)).toEqual(Array.from(builtin(a)).map((x) => Object.is(x, -0) ? '-0' : x));
  });

  it.each([
    ['normal12', { dist: 'normal12', n: 50000, seed: 11, mu: -3, sigma: 100 }],
    ['discrete (heavy ties, skipped passes)', { dist: 'discrete', n: 50000, seed: 12, k: 7 }],
    ['uniform tiny scale', { dist: 'uniform', n: 50000, seed: 13, low: -1e-12, high: 1e-12 }],
  ] as const)('matches the built-in sort on %s', (_name, spec) => {
    const a = generateSample(spec);
    const copy = Float64Array.from(a);
    const sorted = radixSortFloat64(a);
    expect(Buffer.from(sorted.buffer, sorted.byteOffset, sorted.byteLength).equals(Buffer.from(builtin(a).buffer))).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(copy.buffer))).toBe(true); // input untouched
  });
});
