import { describe, it, expect } from '@jest/globals';
import { stableArgsortFloat64 } from '../../src/stats/argsort.js';
import { mulberry32 } from '../../src/stats/mulberry32.js';

/** The definition it replaces: a stable comparator sort of the non-NaN indices. */
const byComparator = (x: Float64Array) =>
  Int32Array.from(
    Array.from({ length: x.length }, (_, i) => i)
      .filter((i) => !Number.isNaN(x[i]!))
      .sort((a, b) => x[a]! - x[b]!),
  );

describe('stableArgsortFloat64', () => {
  const rng = mulberry32(7);
  const cases: [string, Float64Array][] = [
    ['empty', new Float64Array(0)],
    ['one NaN', Float64Array.of(NaN)],
    ['signed zeros, infinities, NaN, subnormals, ties', Float64Array.of(0, -0, 1, -1, Infinity, -Infinity, NaN, 5e-324, -5e-324, 1, -0, 0, Infinity, -Infinity, 1e308, -1e308, NaN, 2 ** -1074 * 3)],
    ['probabilities (shared top digits)', Float64Array.from({ length: 5000 }, () => rng.nextDouble53())],
    ['few distinct values (long ties)', Float64Array.from({ length: 5000 }, () => Math.floor(rng.nextDouble53() * 7) / 7)],
    ['mixed signs and magnitudes', Float64Array.from({ length: 5000 }, () => (rng.nextDouble53() - 0.5) * 10 ** Math.floor(rng.nextDouble53() * 40 - 20))],
    ['values equal in their high word', Float64Array.from({ length: 3000 }, () => 1 + Math.floor(rng.nextDouble53() * 50) * 2 ** -52)],
  ];
  it.each(cases)('%s: the stable comparator order', (_, x) => {
    expect(Array.from(stableArgsortFloat64(x))).toEqual(Array.from(byComparator(x)));
  });

  it('does not change its input', () => {
    const x = Float64Array.of(3, -0, 1, NaN, 2);
    stableArgsortFloat64(x);
    expect(Array.from(x)).toEqual([3, -0, 1, NaN, 2]);
  });
});
