/**
 * Rows of a mostly-zero matrix in compressed sparse row form: row i's non-zero entries are `index[start[i]..start[i+1])`
 * (column numbers, ascending) with `value` at the same positions. One-hot encodings of categories are ~95 % zeros;
 * products over this form cost the non-zeros, not rows × columns.
 */
export interface SparseRows {
  rows: number;
  cols: number;
  start: Int32Array;
  index: Int32Array;
  value: Float64Array;
}

export function isSparseRows(x: Float64Array | SparseRows): x is SparseRows {
  return !(x instanceof Float64Array);
}

/** The non-zero entries of a row-major `rows × cols` Float64Array. */
export function sparseRows(x: Float64Array, rows: number, cols: number): SparseRows {
  let nnz = 0;
  for (let t = 0; t < rows * cols; t++) if (x[t] !== 0) nnz++;
  const start = new Int32Array(rows + 1);
  const index = new Int32Array(nnz);
  const value = new Float64Array(nnz);
  let at = 0;
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = x[row + j]!;
      if (v === 0) continue;
      index[at] = j;
      value[at++] = v;
    }
    start[i + 1] = at;
  }
  return { rows, cols, start, index, value };
}

/** The given rows of `x`, in that order, as a new SparseRows. */
export function selectSparseRows(x: SparseRows, rows: ArrayLike<number>): SparseRows {
  let nnz = 0;
  for (let i = 0; i < rows.length; i++) nnz += x.start[rows[i]! + 1]! - x.start[rows[i]!]!;
  const start = new Int32Array(rows.length + 1);
  const index = new Int32Array(nnz);
  const value = new Float64Array(nnz);
  let at = 0;
  for (let i = 0; i < rows.length; i++) {
    const from = x.start[rows[i]!]!;
    const to = x.start[rows[i]! + 1]!;
    index.set(x.index.subarray(from, to), at);
    value.set(x.value.subarray(from, to), at);
    at += to - from;
    start[i + 1] = at;
  }
  return { rows: rows.length, cols: x.cols, start, index, value };
}

/** The dense row-major `rows × cols` form. */
export function denseRows(x: SparseRows): Float64Array {
  const out = new Float64Array(x.rows * x.cols);
  for (let i = 0; i < x.rows; i++) for (let t = x.start[i]!; t < x.start[i + 1]!; t++) out[i * x.cols + x.index[t]!] = x.value[t]!;
  return out;
}

/**
 * A copy of `x` whose columns `from..to` of row i are those of row `source[i]` (the other columns unchanged): the
 * permuted design of permutation importance, columns still ascending within each row.
 */
export function withColumnsFrom(x: SparseRows, from: number, to: number, source: ArrayLike<number>): SparseRows {
  const { start, index, value } = x;
  // Position of the first entry at or after column c in row r (entries are ascending by column).
  const firstAtOrAfter = (r: number, c: number) => {
    let t = start[r]!;
    while (t < start[r + 1]! && index[t]! < c) t++;
    return t;
  };
  const outStart = new Int32Array(x.rows + 1);
  const runs = new Int32Array(x.rows * 4);
  let nnz = 0;
  for (let i = 0; i < x.rows; i++) {
    const s = source[i]!;
    const a = firstAtOrAfter(i, from);
    const b = firstAtOrAfter(i, to);
    const sa = firstAtOrAfter(s, from);
    const sb = firstAtOrAfter(s, to);
    runs[i * 4] = a;
    runs[i * 4 + 1] = b;
    runs[i * 4 + 2] = sa;
    runs[i * 4 + 3] = sb;
    nnz += start[i + 1]! - start[i]! - (b - a) + (sb - sa);
    outStart[i + 1] = nnz;
  }
  const outIndex = new Int32Array(nnz);
  const outValue = new Float64Array(nnz);
  let at = 0;
  const copy = (t0: number, t1: number) => {
    // Runs are a few entries long: a plain loop, not subarray views.
    for (let t = t0; t < t1; t++, at++) {
      outIndex[at] = index[t]!;
      outValue[at] = value[t]!;
    }
  };
  for (let i = 0; i < x.rows; i++) {
    copy(start[i]!, runs[i * 4]!);
    copy(runs[i * 4 + 2]!, runs[i * 4 + 3]!);
    copy(runs[i * 4 + 1]!, start[i + 1]!);
  }
  return { rows: x.rows, cols: x.cols, start: outStart, index: outIndex, value: outValue };
}

/** The rows of `a` then those of `b` (same columns). */
export function concatRows(a: SparseRows, b: SparseRows): SparseRows {
  if (a.cols !== b.cols) throw new RangeError(`concatRows: ${a.cols} and ${b.cols} columns`);
  const nnz = a.value.length;
  const start = new Int32Array(a.rows + b.rows + 1);
  start.set(a.start);
  for (let i = 1; i <= b.rows; i++) start[a.rows + i] = nnz + b.start[i]!;
  const index = new Int32Array(nnz + b.value.length);
  index.set(a.index);
  index.set(b.index, nnz);
  const value = new Float64Array(nnz + b.value.length);
  value.set(a.value);
  value.set(b.value, nnz);
  return { rows: a.rows + b.rows, cols: a.cols, start, index, value };
}
