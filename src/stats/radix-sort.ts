/**
 * LSD radix sort for Float64Array: 4 passes of 16-bit digits over the IEEE-754 bit pattern, mapped so unsigned
 * order equals numeric order (negative: flip all bits; positive: flip the sign bit). Faster than the built-in
 * Float64Array sort from a few thousand values up (figures in docs/benchmarks.md); passes whose digit is the
 * same for every key are skipped. NaN must be excluded by the caller; −0 sorts before +0, as with the built-in.
 */
const RADIX = 1 << 16;
const MASK = RADIX - 1;
const PASSES = 4; // 4 × 16 = 64 bits

// Digit `pass` of the 64-bit key (lo, hi), written out per pass: a generic shift/branch helper in the hot
// loops cost ~25 % (bench/stats A/B).
const digit = (lo: number, hi: number, pass: number): number =>
  pass === 0 ? lo & MASK : pass === 1 ? lo >>> 16 : pass === 2 ? hi & MASK : hi >>> 16;

export function radixSortFloat64(input: Float64Array): Float64Array {
  const n = input.length;
  const src = new Float64Array(input);
  const words = new Uint32Array(src.buffer); // little-endian: [lo, hi] per value
  // One pass: map to order-preserving unsigned keys in place and histogram every digit.
  const counts = new Uint32Array(PASSES * RADIX);
  for (let i = 0; i < n; i++) {
    let lo = words[2 * i]!;
    let hi = words[2 * i + 1]!;
    if (hi & 0x80000000) {
      lo = ~lo >>> 0;
      hi = ~hi >>> 0;
    } else {
      hi = (hi | 0x80000000) >>> 0;
    }
    words[2 * i] = lo;
    words[2 * i + 1] = hi;
    counts[lo & MASK]!++;
    counts[RADIX + (lo >>> 16)]!++;
    counts[2 * RADIX + (hi & MASK)]!++;
    counts[3 * RADIX + (hi >>> 16)]!++;
  }
  // A digit shared by every key leaves the order unchanged: skip that pass.
  const active: number[] = [];
  for (let pass = 0; pass < PASSES; pass++) {
    if (n > 0 && counts[pass * RADIX + digit(words[0]!, words[1]!, pass)] !== n) active.push(pass);
  }
  let from = words;
  let to = new Uint32Array(2 * n);
  for (let a = 0; a < active.length; a++) {
    const pass = active[a]!;
    const base = pass * RADIX;
    const word = pass < 2 ? 0 : 1; // which 32-bit half holds this digit
    const shift = pass % 2 === 0 ? 0 : 16;
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = counts[base + d]!;
      counts[base + d] = sum;
      sum += c;
    }
    if (a < active.length - 1) {
      for (let i = 0; i < n; i++) {
        const lo = from[2 * i]!;
        const hi = from[2 * i + 1]!;
        const dst = counts[base + (((word === 0 ? lo : hi) >>> shift) & MASK)]!++;
        to[2 * dst] = lo;
        to[2 * dst + 1] = hi;
      }
    } else {
      // Last pass writes the original bit patterns back, saving a separate undo pass.
      for (let i = 0; i < n; i++) {
        const lo = from[2 * i]!;
        const hi = from[2 * i + 1]!;
        const dst = counts[base + (((word === 0 ? lo : hi) >>> shift) & MASK)]!++;
        if (hi & 0x80000000) {
          to[2 * dst] = lo;
          to[2 * dst + 1] = (hi & 0x7fffffff) >>> 0;
        } else {
          to[2 * dst] = ~lo >>> 0;
          to[2 * dst + 1] = ~hi >>> 0;
        }
      }
    }
    [from, to] = [to, from];
  }
  if (active.length === 0) unmapInPlace(from, n);
  return new Float64Array(from.buffer, from.byteOffset, n);
}

/** Inverse of the key mapping, for the case where every pass was skipped (all keys equal). */
function unmapInPlace(words: Uint32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const hi = words[2 * i + 1]!;
    if (hi & 0x80000000) {
      words[2 * i + 1] = (hi & 0x7fffffff) >>> 0;
    } else {
      words[2 * i] = ~words[2 * i]! >>> 0;
      words[2 * i + 1] = ~hi >>> 0;
    }
  }
}
