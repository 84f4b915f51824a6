/** Sorting by value cells agrees with the built-in Float64Array sort bit for bit, or declines (undefined). */
import { describe, it, expect } from '@jest/globals';
import { bucketSortFloat64 } from '../../src/stats/bucket-sort.js';
import { generateSample } from '../../src/stats/index.js';

const bits = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const builtin = (a: Float64Array) => Float64Array.from(a).sort();
const normal = (n: number, seed: number) => generateSample({ dist: 'normal12', n, seed, mu: 0, sigma: 1 });

describe('bucketSortFloat64', () => {
  it.each([
    ['normal', normal(200_000, 1)],
    ['a few signed zeros (an insertion-sorted cell)', normal(100_000, 7).map((v, i) => (i === 10 || i === 30 ? 0 : i === 20 || i === 40 ? -0 : v))],
    ['signed zeros among values', normal(100_000, 2).map((v, i) => (i % 3 === 0 ? 0 : i % 3 === 1 ? -0 : v))],
    ['heavy tails (crowded centre, wide overflow cells)', generateSample({ dist: 'uniform', n: 150_000, seed: 3, low: 0, high: 1 }).map((u) => Math.tan(Math.PI * (u - 0.5)))],
    ['discrete (every cell crowded)', generateSample({ dist: 'discrete', n: 150_000, seed: 4, k: 9 })],
    ['rounded values (many small ties)', normal(150_000, 5).map((v) => Math.round(v * 500) / 500)],
    ['a few infinities in the tails', normal(120_000, 6).map((v, i) => (i % 10_007 === 0 ? Infinity : i % 9_973 === 0 ? -Infinity : v))],
    ['values a few ulps apart', Float64Array.from({ length: 100_000 }, (_, i) => 1 + ((i * 7919) % 5000) * 2 ** -52)],
  ])('%s', (_name, values) => {
    const copy = Float64Array.from(values);
    const sorted = bucketSortFloat64(values);
    expect(sorted).toBeDefined();
    expect(bits(sorted!).equals(bits(builtin(values)))).toBe(true);
    expect(bits(values).equals(bits(copy))).toBe(true); // input untouched
  });

  it('sorts subnormal values right, or declines them (their span would overflow the cell scale)', () => {
    const tiny = Float64Array.from({ length: 100_000 }, (_, i) => [0, 5e-324, 1e-323, 1.5e-323, -5e-324][i % 5]!);
    const sorted = bucketSortFloat64(tiny);
    if (sorted !== undefined) expect(bits(sorted).equals(bits(builtin(tiny)))).toBe(true);
    const wider = Float64Array.from(normal(100_000, 8), (v) => v * 1e-310);
    expect(bits(bucketSortFloat64(wider) ?? builtin(wider)).equals(bits(builtin(wider)))).toBe(true);
  });

  it('declines nearly constant data (the caller falls back to the radix sort)', () => {
    expect(bucketSortFloat64(Float64Array.from({ length: 70_000 }, (_, i) => (i % 5000 === 0 ? i : 3)))).toBeUndefined();
  });
});
