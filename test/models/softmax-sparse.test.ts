import { describe, expect, it } from '@jest/globals';
import { fitSoftmax, predictProba } from '../../src/models/softmax.js';
import { denseRows, selectSparseRows, sparseRows, withColumnsFrom } from '../../src/stats/sparse-rows.js';
import { mulberry32 } from '../../src/stats/index.js';
import { oneHotRows, relativeGap } from '../support/one-hot.js';

// Both paths compute the same model; only the summation order differs (the sparse one adds the intercept shift
// b − Σ w·μ/σ once instead of −w·μ/σ per zero), so they agree to rounding, amplified a little over the Adam steps.
const TOLERANCE = 1e-9;

describe('softmax regression on sparse rows', () => {
  const data = oneHotRows(3000, 7);
  const sparse = sparseRows(data.x, data.n, data.d);
  const rng = mulberry32(11);
  // Importance-like weights, some rows weighing nothing.
  const weights = Float64Array.from({ length: data.n }, () => (rng.nextDouble53() < 0.1 ? 0 : 0.2 + 3 * rng.nextDouble53()));

  it('the data is one-hot heavy', () => {
    expect(sparse.value.length).toBeLessThan(0.15 * data.x.length);
    expect(denseRows(sparse)).toEqual(data.x);
  });

  for (const [name, options] of [
    ['unweighted', { epochs: 8, seed: 3 }],
    ['with sample weights', { epochs: 8, seed: 4, sampleWeight: weights, l2: 1e-3 }],
  ] as const) {
    it(`fits the dense model to rounding (${name})`, () => {
      const dense = fitSoftmax(data.x, data.y, 3, options);
      const fromSparse = fitSoftmax(sparse, data.y, 3, options);
      // The standardisation is the dense one bit for bit.
      expect(fromSparse.mean).toEqual(dense.mean);
      expect(fromSparse.scale).toEqual(dense.scale);
      // A model that learnt something (so agreement is not two zero vectors).
      expect(Math.max(...dense.weights.map(Math.abs))).toBeGreaterThan(0.1);
      expect(relativeGap(fromSparse.weights, dense.weights)).toBeLessThan(TOLERANCE);
      expect(relativeGap(fromSparse.bias, dense.bias)).toBeLessThan(TOLERANCE);
      const p = predictProba(dense, data.x);
      expect(relativeGap(predictProba(fromSparse, sparse), p)).toBeLessThan(TOLERANCE);
      // Scoring alone (same model): only the order of one sum differs.
      expect(relativeGap(predictProba(dense, sparse), p)).toBeLessThan(1e-12);
    });
  }

  it('rows with the same entries get the same probabilities (ties stay ties)', () => {
    const model = fitSoftmax(sparse, data.y, 3, { epochs: 2, seed: 1 });
    const twice = selectSparseRows(sparse, Int32Array.of(5, 9, 5));
    const p = predictProba(model, twice);
    expect(Array.from(p.subarray(6, 9))).toEqual(Array.from(p.subarray(0, 3)));
  });
});

describe('sparse row operations', () => {
  const data = oneHotRows(200, 3, { groups: 3, width: 5 });
  const sparse = sparseRows(data.x, data.n, data.d);
  const rng = mulberry32(2);
  const source = Int32Array.from({ length: data.n }, () => Math.floor(rng.nextDouble53() * data.n));

  it('selects rows as the dense copy would', () => {
    const rows = Int32Array.of(3, 0, 199, 3);
    const expected = new Float64Array(rows.length * data.d);
    rows.forEach((r, i) => expected.set(data.x.subarray(r * data.d, (r + 1) * data.d), i * data.d));
    expect(denseRows(selectSparseRows(sparse, rows))).toEqual(expected);
  });

  it('takes a block of columns from other rows as the dense copy would', () => {
    for (const [from, to] of [
      [0, 5],
      [5, 10],
      [10, 17],
      [15, 17],
    ] as const) {
      const expected = Float64Array.from(data.x);
      for (let i = 0; i < data.n; i++) for (let j = from; j < to; j++) expected[i * data.d + j] = data.x[source[i]! * data.d + j]!;
      const permuted = withColumnsFrom(sparse, from, to, source);
      expect(denseRows(permuted)).toEqual(expected);
      for (let i = 0; i < data.n; i++) for (let t = permuted.start[i]! + 1; t < permuted.start[i + 1]!; t++) expect(permuted.index[t]!).toBeGreaterThan(permuted.index[t - 1]!);
    }
  });
});
