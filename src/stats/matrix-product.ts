/**
 * c (rows × cols) = a (rows × inner) · b (inner × cols), all row-major Float64Array. Row-by-row accumulation with
 * zero entries of a skipped: Durbin's matrix (kstwo) and centred pixel data (PCA) are both full of zeros.
 */
export function matrixProduct(a: Float64Array, rows: number, inner: number, b: Float64Array, cols: number): Float64Array {
  const c = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const co = i * cols;
    for (let k = 0; k < inner; k++) {
      const aik = a[i * inner + k]!;
      if (aik === 0) continue;
      const bo = k * cols;
      for (let j = 0; j < cols; j++) c[co + j]! += aik * b[bo + j]!;
    }
  }
  return c;
}
