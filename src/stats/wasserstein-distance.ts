/**
 * First Wasserstein (earth mover's) distance between two 1-D empirical distributions, as
 * `scipy.stats.wasserstein_distance` without weights: ∫ |F_x − F_y| over the merged support.
 */
import type { Sample } from './sample.js';
import { sortPair, type SortedPair } from './sorted-pair.js';

export function wassersteinDistance(x: Sample, y: Sample): number {
  return wassersteinDistanceSorted(sortPair(x, y));
}

export function wassersteinDistanceSorted({ xs, ys }: SortedPair): number {
  const n1 = xs.length;
  const n2 = ys.length;
  let i = 0;
  let j = 0;
  let sum = 0;
  let comp = 0; // Neumaier compensation: millions of small terms
  let prev = NaN;
  let prevDiff = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && xs[i]! <= ys[j]!) ? xs[i]! : ys[j]!;
    if (i + j > 0) {
      const term = prevDiff * (v - prev);
      const t = sum + term;
      comp += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
      sum = t;
    }
    while (i < n1 && xs[i] === v) i++;
    while (j < n2 && ys[j] === v) j++;
    prev = v;
    prevDiff = Math.abs(i / n1 - j / n2);
  }
  return sum + comp;
}
