/**
 * Radix sort for Float64Array. Each value's IEEE-754 bit pattern is mapped to a 64-bit unsigned key whose order is
 * numeric order (negative: flip all bits; positive: set the sign bit), held as two 32-bit words. An LSD radix sort
 * on the high word only — 3 passes of 11/11/10-bit digits, 2048-entry histograms that stay in L1 — leaves the keys
 * grouped by high word; the low words are then sorted within each run of equal high words. For continuous data those
 * runs hold one or two keys (the high word keeps 20 mantissa bits), so the 64-bit order costs 3 scatter passes
 * instead of 4–8. Runs can be long (values agreeing to 6 digits, integers stored as doubles): they are sorted with
 * the built-in Uint32Array sort, so the worst case stays O(n log n). Passes whose digit is the same for every key
 * are skipped. Figures in docs/benchmarks.md. NaN must be excluded by the caller; −0 sorts before +0, as with the
 * built-in sort.
 */
const BITS = 11;
const RADIX = 1 << BITS;
const MASK = RADIX - 1;
// Digit p of the high word is (hi >>> SHIFTS[p]) & MASK; the top digit has 10 bits.
const SHIFTS = [0, BITS, 2 * BITS] as const;
// Runs up to this length are insertion-sorted; longer ones use the built-in typed-array sort.
const INSERTION_MAX = 16;

/** A double's high word (little-endian word 1) mapped so that unsigned order of (high, low) is numeric order. */
export const orderedHighWord = (h: number): number => (h & 0x80000000 ? ~h >>> 0 : (h | 0x80000000) >>> 0);
/** The low word under the same mapping: flipped for negative values (sign bit of the original high word `h`). */
export const orderedLowWord = (l: number, h: number): number => (h & 0x80000000 ? ~l >>> 0 : l);

export function radixSortFloat64(input: Float64Array): Float64Array {
  const n = input.length;
  const words = new Uint32Array(input.buffer, input.byteOffset, 2 * n); // little-endian: [lo, hi] per value
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(n);
  const counts = new Uint32Array(3 * RADIX);
  for (let i = 0; i < n; i++) {
    const raw = words[2 * i + 1]!;
    const h = orderedHighWord(raw);
    lo[i] = orderedLowWord(words[2 * i]!, raw);
    hi[i] = h;
    counts[h & MASK]!++;
    counts[RADIX + ((h >>> BITS) & MASK)]!++;
    counts[2 * RADIX + (h >>> (2 * BITS))]!++;
  }
  let lo2 = new Uint32Array(n);
  let hi2 = new Uint32Array(n);
  for (let pass = 0; pass < 3 && n > 0; pass++) {
    const base = pass * RADIX;
    // A digit shared by every key leaves the order unchanged: skip that pass.
    if (counts[base + ((hi[0]! >>> SHIFTS[pass]) & MASK)] === n) continue;
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = counts[base + d]!;
      counts[base + d] = sum;
      sum += c;
    }
    scatter(lo, hi, lo2, hi2, counts, base, SHIFTS[pass]);
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
  }
  return sortLowWithinRunsAndUnmap(lo, hi);
}

/** One stable counting-sort pass on a digit of the high word, carrying the low word along. */
function scatter(lo: Uint32Array, hi: Uint32Array, toLo: Uint32Array, toHi: Uint32Array, offsets: Uint32Array, base: number, shift: number): void {
  const n = lo.length;
  for (let i = 0; i < n; i++) {
    const h = hi[i]!;
    const dst = offsets[base + ((h >>> shift) & MASK)]!++;
    toLo[dst] = lo[i]!;
    toHi[dst] = h;
  }
}

/**
 * Sorts the low words inside each run of equal high words (the keys are already ordered by high word) and writes
 * the values back as doubles in the same pass.
 */
function sortLowWithinRunsAndUnmap(lo: Uint32Array, hi: Uint32Array): Float64Array {
  const n = hi.length;
  const out = new Float64Array(n);
  const outWords = new Uint32Array(out.buffer);
  let start = 0;
  while (start < n) {
    const h = hi[start]!;
    let end = start + 1;
    while (end < n && hi[end] === h) end++;
    if (end - start > INSERTION_MAX) {
      lo.subarray(start, end).sort();
    } else {
      for (let i = start + 1; i < end; i++) {
        const v = lo[i]!;
        let j = i - 1;
        while (j >= start && lo[j]! > v) {
          lo[j + 1] = lo[j]!;
          j--;
        }
        lo[j + 1] = v;
      }
    }
    // Undo the key mapping: positive values had the sign bit set, negative ones had every bit flipped.
    if (h & 0x80000000) {
      const high = (h & 0x7fffffff) >>> 0;
      for (let k = start; k < end; k++) {
        outWords[2 * k] = lo[k]!;
        outWords[2 * k + 1] = high;
      }
    } else {
      const high = ~h >>> 0;
      for (let k = start; k < end; k++) {
        outWords[2 * k] = ~lo[k]! >>> 0;
        outWords[2 * k + 1] = high;
      }
    }
    start = end;
  }
  return out;
}
