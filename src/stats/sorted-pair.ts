/**
 * One sort per column pair: KS, Wasserstein, Cramér–von Mises, Anderson–Darling and PSI all walk the same two
 * ascending arrays, so a battery sorts each side once and hands the pair to every `*Sorted` variant.
 */
import { assertUsableSample, type Sample } from './sample.js';
import { sortedCopy } from './sort.js';

export interface SortedPair {
  /** Ascending copy of x. */
  readonly xs: Float64Array;
  /** Ascending copy of y. */
  readonly ys: Float64Array;
}

export function sortPair(x: Sample, y: Sample): SortedPair {
  assertUsableSample(x, 'x');
  assertUsableSample(y, 'y');
  return { xs: sortedCopy(x), ys: sortedCopy(y) };
}

/**
 * Walks the distinct values of two ascending arrays in order, calling visit(value, countInX, countInY, xBefore,
 * yBefore) where xBefore/yBefore count the values strictly below `value` in each array.
 */
export function forEachTieGroup(
  xs: Float64Array,
  ys: Float64Array,
  visit: (value: number, cx: number, cy: number, xBefore: number, yBefore: number) => void,
): void {
  const n1 = xs.length;
  const n2 = ys.length;
  let i = 0;
  let j = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && xs[i]! <= ys[j]!) ? xs[i]! : ys[j]!;
    const i0 = i;
    const j0 = j;
    while (i < n1 && xs[i] === v) i++;
    while (j < n2 && ys[j] === v) j++;
    visit(v, i - i0, j - j0, i0, j0);
  }
}
