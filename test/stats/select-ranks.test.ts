/** selectRanks puts every requested rank's sorted value in place, on ties-heavy and adversarial inputs too. */
import { describe, it, expect } from '@jest/globals';
import { generateSample } from '../../src/stats/index.js';
import { selectRanks } from '../../src/stats/select-ranks.js';

const cases: [string, Float64Array][] = [
  ['normal', generateSample({ dist: 'normal12', n: 20001, seed: 21, mu: 0, sigma: 1 })],
  ['discrete, 3 values', generateSample({ dist: 'discrete', n: 20000, seed: 22, k: 3 })],
  ['already sorted', Float64Array.from({ length: 5000 }, (_, i) => i)],
  ['reversed', Float64Array.from({ length: 5000 }, (_, i) => -i)],
  ['constant', new Float64Array(3000).fill(7)],
  ['tiny', Float64Array.from([3, 1, 2])],
];

describe('selectRanks', () => {
  it.each(cases)('matches a full sort at the decile ranks: %s', (_name, data) => {
    const n = data.length;
    const ranks = [0, n - 1];
    for (let k = 1; k <= 9; k++) {
      const lo = Math.floor((n - 1) * (k / 10));
      ranks.push(lo, Math.min(lo + 1, n - 1));
    }
    const sorted = Float64Array.from(data).sort();
    const a = Float64Array.from(data);
    selectRanks(a, ranks);
    for (const r of ranks) expect(a[r]).toBe(sorted[r]);
    expect(Float64Array.from(a).sort()).toEqual(sorted); // a permutation of the input
  });
});
