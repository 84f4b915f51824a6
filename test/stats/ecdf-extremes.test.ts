/**
 * The KS statistic's extremes without sorting (value cells, only candidate cells sorted) equal the sorted walk's,
 * location and tie-breaking included, on samples built to stress it: ties within and across samples, discrete
 * data, heavy tails, infinities, identical and disjoint samples, unequal sizes. SciPy's own values for large samples
 * are checked in two-sample.conformance.test.ts (the n = 200000 vectors take the cell path).
 */
import { describe, it, expect } from '@jest/globals';
import { ecdfExtremesBucketed, ecdfExtremesSorted } from '../../src/stats/ecdf-extremes.js';
import { generateSample, radixSortFloat64 } from '../../src/stats/index.js';

const normal = (n: number, seed: number, mu = 0, sigma = 1) => generateSample({ dist: 'normal12', n, seed, mu, sigma });
const cauchy = (n: number, seed: number) => generateSample({ dist: 'uniform', n, seed, low: 0, high: 1 }).map((u) => Math.tan(Math.PI * (u - 0.5)));

const cases: [string, Float64Array, Float64Array][] = [
  ['no drift', normal(60_000, 1), normal(50_000, 2)],
  ['shifted', normal(60_000, 3), normal(40_000, 4, 0.05)],
  ['scaled', normal(30_000, 5), normal(70_000, 6, 0, 1.5)],
  ['discrete, heavy ties across samples', generateSample({ dist: 'discrete', n: 50_000, seed: 7, k: 6 }), generateSample({ dist: 'discrete', n: 45_000, seed: 8, k: 7 })],
  ['rounded normals', normal(50_000, 9).map((v) => Math.round(v * 100) / 100), normal(50_000, 10, 0.01).map((v) => Math.round(v * 100) / 100)],
  ['normals rounded to 1e-3 (ties in the candidate cells)', normal(80_000, 20).map((v) => Math.round(v * 1000) / 1000), normal(60_000, 21, 0.02).map((v) => Math.round(v * 1000) / 1000)],
  ['ties at the extreme', Float64Array.from(normal(50_000, 22), (v, i) => (i < 5000 ? 0.3 : v)), Float64Array.from(normal(50_000, 23), (v, i) => (i < 2000 ? 0.3 : v))],
  ['heavy tails', cauchy(50_000, 11), cauchy(50_000, 12).map((v) => v * 1.1)],
  ['infinities', normal(50_000, 13).map((v, i) => (i % 1000 === 0 ? -Infinity : i % 777 === 0 ? Infinity : v)), normal(40_000, 14).map((v, i) => (i % 500 === 0 ? Infinity : v))],
  ['identical samples', normal(40_000, 15), normal(40_000, 15)],
  ['disjoint supports', normal(40_000, 16), normal(40_000, 17, 100)],
  ['one sample small', normal(100_000, 18), normal(300, 19, 0.2)],
  ['subnormal values', Float64Array.from({ length: 80_000 }, (_, i) => [0, 5e-324, 1e-323, 1.5e-323][i % 4]!), Float64Array.from({ length: 70_000 }, (_, i) => [0, 5e-324, 1e-323][i % 3]!)],
  ['mostly one value', Float64Array.from({ length: 60_000 }, (_, i) => (i % 50 === 0 ? i : 1)), Float64Array.from({ length: 60_000 }, (_, i) => (i % 40 === 0 ? -i : 1))],
];

describe('ecdfExtremesBucketed equals the sorted walk', () => {
  it.each(cases)('%s', (_name, x, y) => {
    const bucketed = ecdfExtremesBucketed(x, y);
    const sorted = ecdfExtremesSorted(radixSortFloat64(x), radixSortFloat64(y));
    if (bucketed !== undefined) expect(bucketed).toEqual(sorted);
    // Swapping the samples swaps the roles: still equal to the sorted walk of the swapped pair.
    const swapped = ecdfExtremesBucketed(y, x);
    if (swapped !== undefined) expect(swapped).toEqual(ecdfExtremesSorted(radixSortFloat64(y), radixSortFloat64(x)));
  });

  it('takes the cell path on continuous data; declines (the caller sorts) when the extremes could sit in much of it', () => {
    const used = new Set(cases.filter(([, x, y]) => ecdfExtremesBucketed(x, y) !== undefined).map(([name]) => name));
    for (const name of ['no drift', 'shifted', 'scaled', 'normals rounded to 1e-3 (ties in the candidate cells)', 'ties at the extreme', 'disjoint supports', 'one sample small']) {
      expect([name, used.has(name)]).toEqual([name, true]);
    }
    // Identical samples: F1 − F2 = 0 at every cell end, so every cell is a candidate.
    expect(used.has('identical samples')).toBe(false);
    // All values equal: no range for the cells.
    expect(ecdfExtremesBucketed(Float64Array.from({ length: 1000 }, () => 7), Float64Array.from({ length: 1000 }, () => 7))).toBeUndefined();
  });
});
