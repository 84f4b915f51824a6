import type { Sample } from './sample.js';

/** An ascending copy of a sample; the input is never touched. */
export function sortedCopy(sample: Sample): Float64Array {
  const out = Float64Array.from(sample);
  out.sort();
  return out;
}
