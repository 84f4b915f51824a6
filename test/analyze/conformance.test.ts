import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { betaBinomialSf } from '../../src/stats/index.js';
import { mmdPermutationTest } from '../../src/analyze/mmd.js';
import { fitPca } from '../../src/analyze/pca.js';
import { generateSample, mulberry32 } from '../../src/stats/index.js';

/** Expected values from SciPy / NumPy: fixtures/reference.py (run it to regenerate fixtures/reference.json). */
const reference = JSON.parse(readFileSync(new URL('./fixtures/reference.json', import.meta.url), 'utf8')) as {
  betabinom: { x: number; n: number; a: number; b: number; sf: number }[];
  mmd: { n1: number; n2: number; dim: number; seed: number; shift: number; bandwidth: number; statistic: number }[];
  pca: { n: number; d: number; seed: number; k: number; variances: number[]; total: number }[];
};

const uniform = (n: number, seed: number) => generateSample({ dist: 'uniform', n, seed, low: 0, high: 1 });

describe('analyze statistics against SciPy / NumPy', () => {
  it.each(reference.betabinom)('beta-binomial tail P(X ≥ $x), n = $n, a = $a, b = $b', ({ x, n, a, b, sf }) => {
    // Summed in log space from log-gamma: agreement to ~1e-10 relative is all double precision allows here.
    expect(betaBinomialSf(x, n, a, b)).toBeCloseTo(sf, 10);
    expect(Math.abs(betaBinomialSf(x, n, a, b) - sf) / sf).toBeLessThan(1e-9);
  });

  it.each(reference.mmd)('MMD² (V-statistic, median bandwidth) for n = $n1, $n2, shift $shift', ({ n1, n2, dim, seed, shift, bandwidth, statistic }) => {
    const x = uniform(n1 * dim, seed);
    const y = uniform(n2 * dim, seed + 1).map((v) => v + shift);
    const result = mmdPermutationTest(x, y, dim, 19, mulberry32(1));
    expect(result.bandwidth).toBeCloseTo(bandwidth, 12);
    expect(Math.abs(result.statistic - statistic)).toBeLessThan(1e-12 + 1e-9 * Math.abs(statistic));
    expect(result.pValue).toBeGreaterThan(0);
    if (shift > 0) expect(result.pValue).toBeLessThanOrEqual(0.05);
  });

  it.each(reference.pca)('PCA variances, n = $n, d = $d (exact below 100 dims, randomized above)', ({ n, d, seed, k, variances, total }) => {
    const raw = uniform(n * d, seed);
    // Same correlated columns as the fixture: x · upper-triangular ones / d.
    const x = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < d; j++) {
        acc += raw[i * d + j]!;
        x[i * d + j] = acc / d;
      }
    }
    const pca = fitPca(x, n, k, mulberry32(3));
    expect(pca.totalVariance).toBeCloseTo(total, 10);
    // Exact path: to rounding. Randomized path (d > 100): leading variances within 1e-3 relative — the
    // range finder's error bound for a decaying spectrum with 10 extra directions and one power iteration.
    const tol = d > 100 ? 1e-3 : 1e-9;
    variances.forEach((v, r) => expect(Math.abs(pca.variances[r]! - v) / v).toBeLessThan(tol));
  });
});
