/**
 * Counts in bins cut by fixed inner edges, right-closed as in PSI: a value's bin is the number of edges strictly
 * below it, so there are edges.length + 1 bins, the first open to −∞ and the last to +∞. Exact: histograms on
 * the same edges merge by adding counts.
 */
import { ThresholdGrid } from './threshold-grid.js';

export function histogramCounts(values: ArrayLike<number>, edges: Float64Array): Float64Array {
  for (let i = 1; i < edges.length; i++) {
    if (!(edges[i - 1]! < edges[i]!)) throw new RangeError(`histogram edges must be strictly increasing (edge ${i})`);
  }
  return new ThresholdGrid(edges).counts(values);
}

export function mergeHistogramCounts(a: Float64Array, b: Float64Array): Float64Array {
  if (a.length !== b.length) throw new RangeError(`histograms with ${a.length} and ${b.length} bins cannot be merged`);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! + b[i]!;
  return out;
}
