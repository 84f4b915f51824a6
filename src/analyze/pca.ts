import { EigenvalueDecomposition, Matrix, SingularValueDecomposition } from 'ml-matrix';
import type { Mulberry32 } from '../stats/index.js';
import { matrixProduct } from '../stats/matrix-product.js';
import { denseRows, isSparseRows, type SparseRows } from '../stats/sparse-rows.js';

/** Principal components of a sample: `components` is row-major k × d, orthonormal rows, by falling variance. */
export interface Pca {
  dims: number;
  k: number;
  mean: Float64Array;
  components: Float64Array;
  /** Variance along each component. */
  variances: Float64Array;
  /** Total variance of the sample (trace of the covariance). */
  totalVariance: number;
}

const EXACT_MAX_DIMS = 100;
const OVERSAMPLE = 10;
// One power iteration suffices for the fast-decaying spectra of images and embeddings, at half the cost of three.
const POWER_ITERATIONS = 1;

/**
 * PCA of `n` rows (`x` row-major, n × d, or its non-zero entries), at most `k` components. Up to 100 dimensions the
 * covariance is decomposed exactly; above, a randomized range finder with power iterations (Halko, Martinsson &
 * Tropp 2011) keeps the cost at O(n·d·k) — 784-pixel images or wide embeddings cost a fraction of a second on 2 000
 * rows. Rows given sparse (one-hot encodings) are centred implicitly, so that products cost their non-zeros.
 */
export function fitPca(x: Float64Array | SparseRows, n: number, k: number, rng: Mulberry32): Pca {
  if (isSparseRows(x)) {
    if (x.rows !== n) throw new RangeError(`fitPca: ${x.rows} sparse rows, not ${n}`);
    if (x.cols <= EXACT_MAX_DIMS) return fitPca(denseRows(x), n, k, rng);
  }
  const d = isSparseRows(x) ? x.cols : n === 0 ? 0 : x.length / n;
  const mean = new Float64Array(d);
  let totalVariance = 0;
  let xc: Float64Array | null = null;
  if (isSparseRows(x)) {
    // The dense sums bit for bit: zeros add nothing to the mean, and μ² each to the variance in their row-major place.
    for (let t = 0; t < x.value.length; t++) mean[x.index[t]!]! += x.value[t]! / n;
    for (let i = 0; i < n; i++) totalVariance = addCentredSquares(x, i, mean, totalVariance);
  } else {
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]! / n;
    xc = new Float64Array(x.length);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xc[i * d + j] = x[i * d + j]! - mean[j]!;
    for (let t = 0; t < xc.length; t++) totalVariance += xc[t]! ** 2;
  }
  totalVariance /= Math.max(1, n - 1);
  const kk = Math.max(0, Math.min(k, d, Math.max(0, n - 1)));
  if (kk === 0) return { dims: d, k: 0, mean, components: new Float64Array(0), variances: new Float64Array(0), totalVariance };
  if (xc && d <= EXACT_MAX_DIMS) return exact(xc, n, d, kk, mean, totalVariance);
  const centred = xc ? denseCentred(xc, n, d) : sparseCentred(x as SparseRows, mean);
  return randomized(centred, n, d, kk, mean, totalVariance, rng);
}

/** `sum` + ‖x_i − μ‖², added column by column in order (a zero entry adds μ_j²), as the dense path sums it. */
function addCentredSquares(x: SparseRows, i: number, mean: Float64Array, sum: number): number {
  let t = x.start[i]!;
  const end = x.start[i + 1]!;
  for (let j = 0; j < x.cols; j++) {
    const v = t < end && x.index[t] === j ? x.value[t++]! : 0;
    sum += (v - mean[j]!) ** 2;
  }
  return sum;
}

/** The two products of the range finder with the centred rows Xc = X − 1μᵀ. */
interface Centred {
  /** Xc (n × d) · b (d × l). */
  times(b: Float64Array, l: number): Float64Array;
  /** Xcᵀ (d × n) · q (n × l). */
  timesT(q: Float64Array, l: number): Float64Array;
}

function denseCentred(xc: Float64Array, n: number, d: number): Centred {
  return { times: (b, l) => matrixProduct(xc, n, d, b, l), timesT: (q, l) => timesT(xc, n, d, q, l) };
}

/** Centring is affine: Xc·B = X·B − 1(μᵀB) and Xcᵀ·Q = Xᵀ·Q − μ(1ᵀQ), so the products skip the zeros of X. */
function sparseCentred(x: SparseRows, mean: Float64Array): Centred {
  const { rows: n, cols: d, start, index, value } = x;
  return {
    times(b, l) {
      const shift = new Float64Array(l);
      for (let j = 0; j < d; j++) for (let c = 0; c < l; c++) shift[c]! += mean[j]! * b[j * l + c]!;
      const out = new Float64Array(n * l);
      for (let i = 0; i < n; i++) {
        const o = i * l;
        for (let c = 0; c < l; c++) out[o + c] = -shift[c]!;
        for (let t = start[i]!; t < start[i + 1]!; t++) {
          const v = value[t]!;
          const bo = index[t]! * l;
          for (let c = 0; c < l; c++) out[o + c]! += v * b[bo + c]!;
        }
      }
      return out;
    },
    timesT(q, l) {
      const colSums = new Float64Array(l);
      for (let i = 0; i < n; i++) for (let c = 0; c < l; c++) colSums[c]! += q[i * l + c]!;
      const out = new Float64Array(d * l);
      for (let j = 0; j < d; j++) for (let c = 0; c < l; c++) out[j * l + c] = -mean[j]! * colSums[c]!;
      for (let i = 0; i < n; i++) {
        const qo = i * l;
        for (let t = start[i]!; t < start[i + 1]!; t++) {
          const v = value[t]!;
          const o = index[t]! * l;
          for (let c = 0; c < l; c++) out[o + c]! += v * q[qo + c]!;
        }
      }
      return out;
    },
  };
}

function exact(xc: Float64Array, n: number, d: number, k: number, mean: Float64Array, totalVariance: number): Pca {
  const cov = Matrix.zeros(d, d);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += xc[i * d + a]! * xc[i * d + b]!;
      s /= Math.max(1, n - 1);
      cov.set(a, b, s);
      cov.set(b, a, s);
    }
  }
  const evd = new EigenvalueDecomposition(cov, { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const vectors = evd.eigenvectorMatrix;
  const order = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]!).slice(0, k);
  const components = new Float64Array(k * d);
  const variances = new Float64Array(k);
  order.forEach((col, r) => {
    variances[r] = Math.max(0, values[col]!);
    for (let j = 0; j < d; j++) components[r * d + j] = vectors.get(j, col);
  });
  return { dims: d, k, mean, components, variances, totalVariance };
}

/** z (d × l) = xcᵀ (d × n) · q (n × l). */
function timesT(xc: Float64Array, n: number, d: number, q: Float64Array, l: number): Float64Array {
  const z = new Float64Array(d * l);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = xc[i * d + j]!;
      if (v === 0) continue;
      const zo = j * l;
      const qo = i * l;
      for (let c = 0; c < l; c++) z[zo + c]! += v * q[qo + c]!;
    }
  }
  return z;
}

/**
 * An orthonormal basis of the columns of `a` (row-major rows × cols, rows ≥ cols): the Q of a Householder QR. The
 * operations of ml-matrix's QrDecomposition (JAMA's) in the same order, so the same bits, on column-major typed
 * arrays instead of its get/set per element (which made it ~10× slower on the range finder's 5000 × 60 blocks).
 */
export function orthonormal(a: Float64Array, rows: number, cols: number): Float64Array {
  const m = rows;
  const qr = new Float64Array(m * cols);
  for (let i = 0; i < m; i++) for (let j = 0; j < cols; j++) qr[j * m + i] = a[i * cols + j]!;
  for (let k = 0; k < cols; k++) {
    const ck = k * m;
    let nrm = 0;
    for (let i = k; i < m; i++) nrm = hypotenuse(nrm, qr[ck + i]!);
    if (nrm === 0) continue;
    if (qr[ck + k]! < 0) nrm = -nrm;
    for (let i = k; i < m; i++) qr[ck + i]! /= nrm;
    qr[ck + k]! += 1;
    for (let j = k + 1; j < cols; j++) {
      const cj = j * m;
      let s = 0;
      for (let i = k; i < m; i++) s += qr[ck + i]! * qr[cj + i]!;
      s = -s / qr[ck + k]!;
      for (let i = k; i < m; i++) qr[cj + i]! += s * qr[ck + i]!;
    }
  }
  const q = new Float64Array(m * cols);
  for (let k = cols - 1; k >= 0; k--) {
    const ck = k * m;
    q[ck + k] = 1;
    if (qr[ck + k] === 0) continue;
    for (let j = k; j < cols; j++) {
      const cj = j * m;
      let s = 0;
      for (let i = k; i < m; i++) s += qr[ck + i]! * q[cj + i]!;
      s = -s / qr[ck + k]!;
      for (let i = k; i < m; i++) q[cj + i]! += s * qr[ck + i]!;
    }
  }
  const out = new Float64Array(m * cols);
  for (let i = 0; i < m; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = q[j * m + i]!;
  return out;
}

/** √(a² + b²) without overflow, as ml-matrix computes it. */
function hypotenuse(a: number, b: number): number {
  if (Math.abs(a) > Math.abs(b)) {
    const r = b / a;
    return Math.abs(a) * Math.sqrt(1 + r * r);
  }
  if (b !== 0) {
    const r = a / b;
    return Math.abs(b) * Math.sqrt(1 + r * r);
  }
  return 0;
}

function randomized(xc: Centred, n: number, d: number, k: number, mean: Float64Array, totalVariance: number, rng: Mulberry32): Pca {
  const l = Math.min(d, n, k + OVERSAMPLE);
  const omega = new Float64Array(d * l);
  for (let t = 0; t < omega.length; t++) omega[t] = rng.nextDouble53() * 2 - 1;
  let q = orthonormal(xc.times(omega, l), n, l);
  for (let it = 0; it < POWER_ITERATIONS; it++) {
    const z = orthonormal(xc.timesT(q, l), d, l);
    q = orthonormal(xc.times(z, l), n, l);
  }
  // Bᵀ = xcᵀ q (d × l); its left singular vectors are the principal directions.
  const bt = xc.timesT(q, l);
  const svd = new SingularValueDecomposition(Matrix.from1DArray(d, l, bt), { computeLeftSingularVectors: true, computeRightSingularVectors: false, autoTranspose: true });
  const u = svd.leftSingularVectors;
  const s = svd.diagonal;
  const components = new Float64Array(k * d);
  const variances = new Float64Array(k);
  for (let r = 0; r < k; r++) {
    variances[r] = s[r]! ** 2 / Math.max(1, n - 1);
    for (let j = 0; j < d; j++) components[r * d + j] = u.get(j, r);
  }
  return { dims: d, k, mean, components, variances, totalVariance };
}

/** Scores of rows (dense row-major, or their non-zero entries) on the first `k` components (n × k, row-major). */
export function project(pca: Pca, x: Float64Array | SparseRows, k = pca.k): Float64Array {
  if (isSparseRows(x)) return projectSparse(pca, x, k);
  const d = pca.dims;
  const n = d === 0 ? 0 : x.length / d;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < k; r++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (x[i * d + j]! - pca.mean[j]!) * pca.components[r * d + j]!;
      out[i * k + r] = s;
    }
  }
  return out;
}

/** (x − μ)·c_r = x·c_r − μ·c_r: the row's non-zeros, less one shift per component. */
function projectSparse(pca: Pca, x: SparseRows, k: number): Float64Array {
  const d = pca.dims;
  if (x.cols !== d) throw new RangeError(`project: rows have ${x.cols} columns, the PCA ${d}`);
  const { start, index, value } = x;
  const shift = new Float64Array(k);
  for (let r = 0; r < k; r++) for (let j = 0; j < d; j++) shift[r]! += pca.mean[j]! * pca.components[r * d + j]!;
  const out = new Float64Array(x.rows * k);
  for (let i = 0; i < x.rows; i++) {
    for (let r = 0; r < k; r++) {
      let s = -shift[r]!;
      const off = r * d;
      for (let t = start[i]!; t < start[i + 1]!; t++) s += value[t]! * pca.components[off + index[t]!]!;
      out[i * k + r] = s;
    }
  }
  return out;
}

/** Squared reconstruction error of each row from its first `k` component scores: ‖x − μ‖² − ‖scores‖². */
export function reconstructionErrors(pca: Pca, x: Float64Array | SparseRows, k: number): Float64Array {
  const d = pca.dims;
  const n = isSparseRows(x) ? x.rows : d === 0 ? 0 : x.length / d;
  const scores = project(pca, x, k);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let total = 0;
    if (isSparseRows(x)) total = addCentredSquares(x, i, pca.mean, 0);
    else for (let j = 0; j < d; j++) total += (x[i * d + j]! - pca.mean[j]!) ** 2;
    let kept = 0;
    for (let r = 0; r < k; r++) kept += scores[i * k + r]! ** 2;
    out[i] = Math.max(0, total - kept);
  }
  return out;
}

/** Fewest leading components that explain `share` of the total variance. */
export function componentsFor(pca: Pca, share: number): number {
  let acc = 0;
  for (let r = 0; r < pca.k; r++) {
    acc += pca.variances[r]!;
    if (acc >= share * pca.totalVariance) return r + 1;
  }
  return pca.k;
}
