/**
 * psi() reads reference counts off a partially selected array; psiSorted() bins two fully sorted arrays. Both
 * must agree exactly, notably when ties sit on the decile edges (the conformance vectors pin them to SciPy).
 */
import { describe, it, expect } from '@jest/globals';
import { generateSample, psi, psiSorted, sortPair } from '../../src/stats/index.js';

describe('psi selection path equals the sorted path', () => {
  it.each([
    ['discrete k=4', generateSample({ dist: 'discrete', n: 9999, seed: 31, k: 4 }), generateSample({ dist: 'discrete', n: 7000, seed: 32, k: 5 })],
    ['discrete k=40', generateSample({ dist: 'discrete', n: 10001, seed: 33, k: 40 }), generateSample({ dist: 'discrete', n: 5000, seed: 34, k: 40 })],
    ['normal', generateSample({ dist: 'normal12', n: 12345, seed: 35, mu: 0, sigma: 1 }), generateSample({ dist: 'normal12', n: 999, seed: 36, mu: 0.3, sigma: 1 })],
    ['mostly one value', Float64Array.from({ length: 5000 }, (_, i) => (i % 97 === 0 ? i : 1)), Float64Array.from({ length: 300 }, (_, i) => i % 3)],
  ])('%s', (_name, ref, cur) => {
    expect(psi(ref, cur)).toEqual(psiSorted(sortPair(ref, cur)));
  });
});
