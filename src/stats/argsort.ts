import { orderedHighWord, orderedLowWord } from './radix-sort.js';

/**
 * Stable argsort of a Float64Array: the indices of the non-NaN values in ascending order, equal values (−0 and +0
 * included) in index order — what `indices.sort((a, b) => x[a] − x[b])` gives, without a comparator call per
 * comparison. Each value's IEEE-754 bits are mapped to a 64-bit key whose unsigned order is numeric order
 * (negative: all bits flipped; positive: sign bit set; −0 read as +0), and an LSD radix sort carries the indices
 * through four stable passes of 16-bit digits, skipping a pass whose digit is the same for every key (probabilities
 * share their top digits).
 */
const BITS = 16;
const RADIX = 1 << BITS;
const MASK = RADIX - 1;

export function stableArgsortFloat64(x: Float64Array): Int32Array {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (x[i] === x[i]) n++;
  const words = new Uint32Array(x.buffer, x.byteOffset, 2 * x.length); // little-endian: [lo, hi] per value
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(n);
  let idx = new Int32Array(n);
  const counts = new Uint32Array(4 * RADIX);
  for (let i = 0, k = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v !== v) continue;
    const raw = v === 0 ? 0 : words[2 * i + 1]!;
    const l = orderedLowWord(v === 0 ? 0 : words[2 * i]!, raw);
    const h = orderedHighWord(raw);
    lo[k] = l;
    hi[k] = h;
    idx[k++] = i;
    counts[l & MASK]!++;
    counts[RADIX + (l >>> BITS)]!++;
    counts[2 * RADIX + (h & MASK)]!++;
    counts[3 * RADIX + (h >>> BITS)]!++;
  }
  let lo2 = new Uint32Array(n);
  let hi2 = new Uint32Array(n);
  let idx2 = new Int32Array(n);
  for (let pass = 0; pass < 4 && n > 0; pass++) {
    const base = pass * RADIX;
    const word = pass < 2 ? lo : hi;
    const shift = pass % 2 === 0 ? 0 : BITS;
    if (counts[base + ((word[0]! >>> shift) & MASK)] === n) continue;
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = counts[base + d]!;
      counts[base + d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const dst = counts[base + (((pass < 2 ? lo[i]! : hi[i]!) >>> shift) & MASK)]!++;
      lo2[dst] = lo[i]!;
      hi2[dst] = hi[i]!;
      idx2[dst] = idx[i]!;
    }
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
    [idx, idx2] = [idx2, idx];
  }
  return idx;
}

/**
 * Indices of the finite values in ascending order, ties in index order: what
 * `indices.filter((i) => Number.isFinite(x[i])).sort((a, b) => x[a] − x[b] || a − b)` gives (rows by time, by
 * margin), at the cost of a radix sort instead of a comparator call per comparison (0.5 s for 1M rows).
 */
export function finiteArgsort(x: Float64Array): Int32Array {
  // Values already in order (rows by time often are) need no sort: their finite indices as they come.
  let count = 0;
  let last = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < last) return stableArgsortFloat64(x).filter((j) => Number.isFinite(x[j]!));
    last = v;
    count++;
  }
  const out = new Int32Array(count);
  for (let i = 0, at = 0; i < x.length; i++) if (Number.isFinite(x[i]!)) out[at++] = i;
  return out;
}
