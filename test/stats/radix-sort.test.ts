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

  it('orders the low 32 bits when many values share their high 32 bits (long runs)', () => {
    // 1 + k·2^-52: every value has the same high word, so the order lives entirely in the low word.
    const a = generateSample({ dist: 'uniform', n: 30000, seed: 14, low: 0, high: 2 ** 20 }).map((u) => 1 + Math.floor(u) * 2 ** -52);
    // Short runs too: pairs of neighbours sharing a high word, mixed with negative values.
    const b = generateSample({ dist: 'normal12', n: 30000, seed: 15, mu: 0, sigma: 1 }).map((v, i) => (i % 2 ? -v : v) + (i % 3) * 2 ** -40);
    for (const values of [a, b]) {
      expect(Buffer.from(radixSortFloat64(values).buffer).equals(Buffer.from(builtin(values).buffer))).toBe(true);
    }
  });

  it('sorts a view into a larger buffer without reading outside it', () => {
    const whole = generateSample({ dist: 'normal12', n: 10000, seed: 16, mu: 0, sigma: 1 });
    const view = whole.subarray(1000, 9000);
    expect(Buffer.from(radixSortFloat64(view).buffer).equals(Buffer.from(builtin(view).buffer))).toBe(true);
    expect(radixSortFloat64(new Float64Array(0)).length).toBe(0);
    expect(Array.from(radixSortFloat64(Float64Array.of(2, -1)))).toEqual([-1, 2]);
  });
});
