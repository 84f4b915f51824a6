/**
 * Population Stability Index with this project's definition (../shared/conformance/README.md): bin edges are the
 * reference deciles (NumPy's default "linear" quantile), de-duplicated; bins are right-closed
 * (−∞, e1], (e1, e2], …, (ek, +∞); proportions are clipped below at 1e−4 without renormalising;
 * PSI = Σ (p_cur − p_ref) · ln(p_cur / p_ref).
 */
import { assertUsableSample, type Sample } from './sample.js';
import { sortedCopy } from './sort.js';
import type { SortedPair } from './sorted-pair.js';

export interface PsiResult {
  psi: number;
  /** Inner bin edges (the de-duplicated reference deciles). */
  edges: number[];
  countsRef: number[];
  countsCur: number[];
}

const EPS = 1e-4;

export function psi(reference: Sample, current: Sample): PsiResult {
  assertUsableSample(reference, 'reference');
  assertUsableSample(current, 'current');
  // Only the reference needs sorting (for its deciles); the current sample is binned by binary search.
  const edges = decileEdges(sortedCopy(reference));
  const countsRef = binCounts(reference, edges);
  const countsCur = binCounts(current, edges);
  return { psi: psiFromCounts(countsRef, countsCur), edges, countsRef, countsCur };
}

function decileEdges(sortedRef: Float64Array): number[] {
  const edges: number[] = [];
  for (let k = 1; k <= 9; k++) {
    const e = quantileLinearSorted(sortedRef, k / 10);
    if (edges.length === 0 || e !== edges[edges.length - 1]) edges.push(e);
  }
  return edges;
}

/** Counts in the right-closed bins: a value goes to the first bin whose upper edge is >= it. */
function binCounts(sample: Sample, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  const m = edges.length;
  for (let i = 0; i < sample.length; i++) {
    const v = sample[i]!;
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (edges[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    counts[lo]!++;
  }
  return counts;
}

/** NumPy's default (method='linear') quantile of an ascending array, with its exact rounding steps. */
export function quantileLinearSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const g = h - lo;
  const a = sorted[lo]!;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)]!;
  return g < 0.5 ? a + (b - a) * g : b - (b - a) * (1 - g);
}

/** Counts of an ascending array in the right-closed bins defined by ascending inner edges. */
function binCountsSorted(sorted: Float64Array, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  let bin = 0;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i]!;
    while (bin < edges.length && v > edges[bin]!) bin++;
    counts[bin]!++;
  }
  return counts;
}

/** PSI with `xs` as the reference and `ys` as the current sample. */
export function psiSorted({ xs, ys }: SortedPair): PsiResult {
  const edges = decileEdges(xs);
  const countsRef = binCountsSorted(xs, edges);
  const countsCur = binCountsSorted(ys, edges);
  return { psi: psiFromCounts(countsRef, countsCur), edges, countsRef, countsCur };
}

/** PSI from per-bin (or per-category) counts of the reference and current samples. */
export function psiFromCounts(countsRef: ArrayLike<number>, countsCur: ArrayLike<number>): number {
  let nRef = 0;
  let nCur = 0;
  for (let i = 0; i < countsRef.length; i++) {
    nRef += countsRef[i]!;
    nCur += countsCur[i]!;
  }
  let sum = 0;
  for (let i = 0; i < countsRef.length; i++) {
    const pr = Math.max(countsRef[i]! / nRef, EPS);
    const pc = Math.max(countsCur[i]! / nCur, EPS);
    sum += (pc - pr) * Math.log(pc / pr);
  }
  return sum;
}
