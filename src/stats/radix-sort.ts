/**
 * LSD radix sort for Float64Array: 4 passes of 16-bit digits over the IEEE-754 bit pattern, mapped so unsigned
 * order equals numeric order (negative: flip all bits; positive: flip the sign bit). Faster than the built-in
 * Float64Array sort from a few thousand values up (figures in docs/benchmarks.md); passes whose digit is the
 * same for every key are skipped. NaN must be excluded by the caller; −0 sorts before +0, as with the built-in.
 */
const BITS = 16;
const RADIX = 1 << BITS;
const MASK = RADIX - 1;
const PASSES = 4; // 4 × 16 = 64 bits

/** Digit `pass` of the 64-bit key (lo, hi). */
function digit(lo: number, hi: number, pass: number): number {
  const shift = pass * BITS;
  if (shift + BITS <= 32) return (lo >>> shift) & MASK;
  if (shift >= 32) return (hi >>> (shift - 32)) & MASK;
  return ((lo >>> shift) | (hi << (32 - shift))) & MASK;
}

export function radixSortFloat64(input: Float64Array): Float64Array {
  const n = input.length;
  const src = new Float64Array(input);
  const words = new Uint32Array(src.buffer); // little-endian: [lo, hi] per value
  // Map to order-preserving unsigned keys in place.
  for (let i = 0; i < n; i++) {
    const hi = words[2 * i + 1]!;
    if (hi & 0x80000000) {
      words[2 * i] = ~words[2 * i]! >>> 0;
      words[2 * i + 1] = ~hi >>> 0;
    } else {
      words[2 * i + 1] = (hi | 0x80000000) >>> 0;
    }
  }
  const counts = new Uint32Array(PASSES * RADIX);
  for (let i = 0; i < n; i++) {
    const lo = words[2 * i]!;
    const hi = words[2 * i + 1]!;
    for (let pass = 0; pass < PASSES; pass++) counts[pass * RADIX + digit(lo, hi, pass)]!++;
  }
  let from = words;
  let to = new Uint32Array(2 * n);
  for (let pass = 0; pass < PASSES; pass++) {
    const base = pass * RADIX;
    // A digit shared by every key leaves the order unchanged: skip the pass.
    if (counts[base + digit(from[0]!, from[1]!, pass)] === n) continue;
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = counts[base + d]!;
      counts[base + d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const lo = from[2 * i]!;
      const hi = from[2 * i + 1]!;
      const dst = counts[base + digit(lo, hi, pass)]!++;
      to[2 * dst] = lo;
      to[2 * dst + 1] = hi;
    }
    [from, to] = [to, from];
  }
  // Undo the key mapping.
  for (let i = 0; i < n; i++) {
    const hi = from[2 * i + 1]!;
    if (hi & 0x80000000) {
      from[2 * i + 1] = (hi & 0x7fffffff) >>> 0;
    } else {
      from[2 * i] = ~from[2 * i]! >>> 0;
      from[2 * i + 1] = ~hi >>> 0;
    }
  }
  return new Float64Array(from.buffer, from.byteOffset, n);
}
