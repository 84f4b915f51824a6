import { bucketSortFloat64 } from './bucket-sort.js';
import { radixSortFloat64 } from './radix-sort.js';
import type { Sample } from './sample.js';

// Below this size the built-in comparison sort wins (radix pays for its 3 × 2048-entry histograms).
const RADIX_MIN = 4096;
// From this size sorting by value cells (two passes) beats the radix sort (five); figures in docs/benchmarks.md.
const BUCKET_MIN = 1 << 16;

/** An ascending copy of a sample; the input is never touched. NaN must already be excluded. */
export function sortedCopy(sample: Sample): Float64Array {
  if (sample.length >= RADIX_MIN) {
    const values = sample instanceof Float64Array ? sample : Float64Array.from(sample);
    return (values.length >= BUCKET_MIN ? bucketSortFloat64(values) : undefined) ?? radixSortFloat64(values);
  }
  const out = Float64Array.from(sample);
  out.sort();
  return out;
}
