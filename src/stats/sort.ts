import { radixSortFloat64 } from './radix-sort.js';
import type { Sample } from './sample.js';

// Below this size the built-in comparison sort wins (radix pays for 4 × 65536-entry histograms).
const RADIX_MIN = 4096;

/** An ascending copy of a sample; the input is never touched. NaN must already be excluded. */
export function sortedCopy(sample: Sample): Float64Array {
  if (sample.length >= RADIX_MIN) return radixSortFloat64(sample instanceof Float64Array ? sample : Float64Array.from(sample));
  const out = Float64Array.from(sample);
  out.sort();
  return out;
}
