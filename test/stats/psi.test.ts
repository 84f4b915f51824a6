/**
 * psi() reads reference counts off a partially selected array (or, from 524 288 values, off sampled rank
 * brackets); psiSorted() bins two fully sorted arrays. Both must agree exactly, notably when ties sit on the decile
 * edges (the conformance vectors pin them to SciPy).
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

describe('psi on large samples (rank brackets, threshold grid) equals the sorted path', () => {
  const big = 600_000;
  const cur = generateSample({ dist: 'normal12', n: 200_000, seed: 41, mu: 0.2, sigma: 1.5 });
  it.each([
    ['normal', generateSample({ dist: 'normal12', n: big, seed: 42, mu: 0, sigma: 1 })],
    ['discrete k=4 (deciles on tied values)', generateSample({ dist: 'discrete', n: big, seed: 43, k: 4 })],
    ['discrete k=300', generateSample({ dist: 'discrete', n: big, seed: 44, k: 300 })],
    ['heavy tail with infinities', generateSample({ dist: 'uniform', n: big, seed: 45, low: 0, high: 1 }).map((u, i) => (i % 50_000 === 0 ? -Infinity : i % 70_001 === 0 ? Infinity : Math.tan(Math.PI * (u - 0.5))))],
    ['mostly one value', Float64Array.from({ length: big }, (_, i) => (i % 97 === 0 ? i : 1))],
    ['values a few ulps apart', Float64Array.from({ length: big }, (_, i) => 1 + ((i * 7919) % 1000) * 2 ** -52)],
    ['subnormal values', Float64Array.from({ length: big }, (_, i) => ((i * 7919) % 1000) * 5e-324)],
  ])('%s', (_name, ref) => {
    expect(psi(ref, cur)).toEqual(psiSorted(sortPair(ref, cur)));
    expect(psi(ref, ref)).toEqual(psiSorted(sortPair(ref, ref)));
  }, 60_000);
});
