/**
 * Sorting a large Float64Array by value cells: the cells span a probe sample's 0.1–99.9 % range (two overflow
 * cells take the tails), one pass counts, one pass scatters, and each cell — a handful of values for continuous data
 * — is insertion-sorted. Two passes over the data instead of the radix sort's five; the cell index
 * floor((v − lo)·scale) is monotone in v (see ThresholdGrid), so sorted cells in order are the sorted array.
 * Crowded cells (ties, discrete data, heavy tails) are sorted by the built-in or the radix sort; when the probe
 * finds no range (nearly constant data) it returns undefined and the caller uses the radix sort for everything.
 * The result is bit-for-bit the built-in sort's, −0 before +0 included. NaN must be excluded by the caller.
 */
import { mulberry32 } from './mulberry32.js';
import { radixSortFloat64 } from './radix-sort.js';

const PROBE = 4096;
// Cells holding more values than this go to the built-in or the radix sort (insertion sort is quadratic).
const INSERTION_MAX = 48;
const RADIX_MIN = 4096;

export function bucketSortFloat64(input: Float64Array): Float64Array | undefined {
  const n = input.length;
  const rng = mulberry32(0x5047);
  const probe = new Float64Array(PROBE);
  for (let k = 0; k < PROBE; k++) probe[k] = input[Math.floor(rng.nextDouble53() * n)]!;
  probe.sort();
  const lo = probe[4]!;
  const span = probe[PROBE - 5]! - lo;
  if (!(span > 0 && Number.isFinite(span))) return undefined;
  // About 8 values per cell on average, a power of two between 2^10 and 2^20 (fewer cells crowd them, more cost
  // cache misses on the offsets: 4 and 16 per cell were both slower at 1M).
  const cells = Math.min(1 << 20, Math.max(1 << 10, 1 << Math.ceil(Math.log2(n / 8))));
  const scale = (cells - 2) / span;
  if (!Number.isFinite(scale)) return undefined; // a subnormal span: (v − lo)·∞ would be NaN at v = lo
  const top = cells - 1;
  const offsets = new Int32Array(cells + 1);
  for (let k = 0; k < n; k++) {
    const c = Math.floor((input[k]! - lo) * scale) + 1;
    offsets[(c < 0 ? 0 : c > top ? top : c) + 1]!++;
  }
  for (let c = 0; c < cells; c++) offsets[c + 1]! += offsets[c]!;
  const fill = offsets.slice(0, cells);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const v = input[k]!;
    let c = Math.floor((v - lo) * scale) + 1;
    c = c < 0 ? 0 : c > top ? top : c;
    out[fill[c]!++] = v;
  }
  for (let c = 0; c < cells; c++) {
    const start = offsets[c]!;
    const end = offsets[c + 1]!;
    if (end - start < 2) continue;
    if (end - start > INSERTION_MAX) {
      const crowded = out.subarray(start, end);
      if (crowded.length >= RADIX_MIN) out.set(radixSortFloat64(crowded), start);
      else crowded.sort();
      continue;
    }
    for (let i = start + 1; i < end; i++) {
      const v = out[i]!;
      let j = i - 1;
      while (j >= start && (out[j]! > v || (out[j] === v && v === 0 && Object.is(v, -0) && !Object.is(out[j], -0)))) {
        out[j + 1] = out[j]!;
        j--;
      }
      out[j + 1] = v;
    }
  }
  return out;
}
