import { describe, expect, it } from '@jest/globals';
import { Matrix, QrDecomposition } from 'ml-matrix';
import { componentsFor, fitPca, orthonormal, project, reconstructionErrors } from '../../src/analyze/pca.js';
import { mulberry32 } from '../../src/stats/index.js';
import { sparseRows } from '../../src/stats/sparse-rows.js';
import { oneHotRows, relativeGap } from '../support/one-hot.js';

// The sparse path centres implicitly (X·Ω − 1(μᵀΩ), Xᵀq − μ(1ᵀq), x·c − μ·c): the same products summed in another
// order, so results agree to rounding, carried through the QR and SVD of the range finder.
const TOLERANCE = 1e-9;

describe('PCA of rows given as their non-zero entries', () => {
  // 14 one-hot blocks of 12 + a numeric column and its null flag: 170 dimensions, the randomized range finder.
  const fit = oneHotRows(1500, 5, { groups: 14 });
  const held = oneHotRows(700, 6, { groups: 14 });

  it('fits the dense PCA to rounding, and reconstructs held-out rows alike', () => {
    const dense = fitPca(fit.x, fit.n, 50, mulberry32(9));
    const sparse = fitPca(sparseRows(fit.x, fit.n, fit.d), fit.n, 50, mulberry32(9));
    expect(dense.dims).toBeGreaterThan(100);
    expect(sparse.mean).toEqual(dense.mean);
    expect(sparse.totalVariance).toBe(dense.totalVariance);
    expect(relativeGap(sparse.variances, dense.variances)).toBeLessThan(TOLERANCE);
    expect(relativeGap(sparse.components, dense.components)).toBeLessThan(TOLERANCE);
    const k = componentsFor(dense, 0.6);
    expect(componentsFor(sparse, 0.6)).toBe(k);
    expect(k).toBeGreaterThan(5);
    expect(k).toBeLessThan(50);
    const heldSparse = sparseRows(held.x, held.n, held.d);
    // Scoring alone (same PCA): one shift per component instead of one per zero.
    expect(relativeGap(project(dense, heldSparse, k), project(dense, held.x, k))).toBeLessThan(1e-12);
    const errors = reconstructionErrors(dense, held.x, k);
    expect(Math.min(...errors)).toBeGreaterThan(0);
    expect(relativeGap(reconstructionErrors(dense, heldSparse, k), errors)).toBeLessThan(1e-12);
    expect(relativeGap(reconstructionErrors(sparse, heldSparse, k), errors)).toBeLessThan(TOLERANCE);
  });

  it('up to 100 dimensions decomposes the covariance exactly, as on the dense rows', () => {
    const small = oneHotRows(800, 8, { groups: 6 });
    const dense = fitPca(small.x, small.n, 20, mulberry32(1));
    const sparse = fitPca(sparseRows(small.x, small.n, small.d), small.n, 20, mulberry32(1));
    expect(sparse).toEqual(dense);
  });
});

describe('orthonormal (Householder Q on typed arrays)', () => {
  it("is ml-matrix's QR orthogonal matrix bit for bit, also with zero and repeated columns", () => {
    const rng = mulberry32(4);
    for (const [rows, cols] of [
      [300, 20],
      [61, 60],
      [7, 7],
      [500, 1],
    ] as const) {
      const a = Float64Array.from({ length: rows * cols }, () => rng.nextDouble53() * 2 - 1);
      if (cols > 3) {
        for (let i = 0; i < rows; i++) a[i * cols + 1] = 0;
        for (let i = 0; i < rows; i++) a[i * cols + 3] = a[i * cols + 2]!;
      }
      const expected = Float64Array.from(new QrDecomposition(Matrix.from1DArray(rows, cols, a)).orthogonalMatrix.to1DArray());
      expect(orthonormal(a, rows, cols)).toEqual(expected);
    }
  });
});
