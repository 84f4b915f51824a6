/**
 * Population Stability Index with this project's definition (test/data/conformance/README.md): bin edges are the
 * reference deciles (NumPy's default "linear" quantile), de-duplicated; bins are right-closed
 * (−∞, e1], (e1, e2], …, (ek, +∞); proportions are clipped below at 1e−4 without renormalising;
 * PSI = Σ (p_cur − p_ref) · ln(p_cur / p_ref).
 */
import { bracketRanks } from './rank-brackets.js';
import { assertUsableSample, type Sample } from './sample.js';
import { selectRanks } from './select-ranks.js';
import { sortedCopy } from './sort.js';
import type { SortedPair } from './sorted-pair.js';
import { ThresholdGrid } from './threshold-grid.js';

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
  const a = reference instanceof Float64Array ? reference : Float64Array.from(reference);
  // Only the reference deciles need order statistics: bracket those ranks in one pass (large samples) or select
  // them, never sort everything; the current sample is binned in one pass.
  const ref = refDecilesByBrackets(a) ?? refDecilesBySelection(a);
  if (!ref) return psiSorted({ xs: sortedCopy(reference), ys: sortedCopy(current) });
  const countsCur = binCounts(current, ref.edges);
  return { psi: psiFromCounts(ref.countsRef, countsCur), edges: ref.edges, countsRef: ref.countsRef, countsCur };
}

interface RefDeciles {
  edges: number[];
  countsRef: number[];
}

/** Ranks whose values define the k-th decile under NumPy's linear rule: floor((n − 1)·k/10) and the next. */
function decileRanks(n: number): number[] {
  return Array.from({ length: 9 }, (_, i) => Math.floor((n - 1) * ((i + 1) / 10)));
}

/** Every rank the decile edges read: each decile rank and the one after it. */
const decileNeighbourRanks = (n: number): number[] => decileRanks(n).flatMap((lo) => [lo, Math.min(lo + 1, n - 1)]);

/**
 * The de-duplicated decile edges of n reference values from their order statistics (`valueAt` is asked for the
 * decile ranks and the next ones), and — given `countAtMost(edge, rank)`, the number of values <= an edge lying
 * at or above the value at `rank` — the reference's bin counts. Undefined when a count cannot be had.
 */
function decilesFrom(
  n: number,
  valueAt: (rank: number) => number,
  countAtMost?: (edge: number, rank: number) => number | undefined,
): RefDeciles | undefined {
  const edges: number[] = [];
  const below: number[] = []; // reference values <= each edge
  const ranks = decileRanks(n);
  for (let k = 1; k <= 9; k++) {
    const lo = ranks[k - 1]!;
    const e = linearBetween(valueAt(lo), valueAt(Math.min(lo + 1, n - 1)), (n - 1) * (k / 10) - lo);
    if (edges.length > 0 && e === edges[edges.length - 1]) continue;
    edges.push(canonicalZero(e));
    if (countAtMost) {
      const c = countAtMost(e, lo);
      if (c === undefined) return undefined;
      below.push(c);
    }
  }
  if (!countAtMost) return { edges, countsRef: [] };
  const countsRef = below.map((c, i) => c - (i > 0 ? below[i - 1]! : 0));
  countsRef.push(n - (below.length > 0 ? below[below.length - 1]! : 0));
  return { edges, countsRef };
}

function refDecilesByBrackets(a: Float64Array): RefDeciles | undefined {
  const n = a.length;
  const brackets = bracketRanks(a, decileNeighbourRanks(n));
  return brackets && decilesFrom(n, (r) => brackets.valueAt(r), (e, lo) => brackets.countAtMost(e, lo));
}

function refDecilesBySelection(reference: Float64Array): RefDeciles | undefined {
  // Only the reference deciles need order statistics: select those ranks instead of sorting everything, then
  // read the reference's bin counts off the partitioned array.
  const a = Float64Array.from(reference);
  const n = a.length;
  const ranks = decileNeighbourRanks(n);
  selectRanks(a, ranks);
  const sortedRanks = [...new Set(ranks)].sort((p, q) => p - q);
  return decilesFrom(n, (r) => a[r]!, (e, lo) => countAtMost(a, lo, e, sortedRanks));
}

/**
 * Number of values <= e in an array partitioned at the selected ranks, where e lies in [a[lo], a[lo+1]]:
 * everything up to lo counts; past lo only values equal to e (ties at a[lo+1]) can, and those sit before the
 * first selected rank holding a larger value. Undefined when e is outside that interval (overflowing input).
 */
function countAtMost(a: Float64Array, lo: number, e: number, sortedRanks: readonly number[]): number | undefined {
  const n = a.length;
  if (lo + 1 >= n) return n;
  if (!(a[lo]! <= e && e <= a[lo + 1]!)) return undefined;
  let count = lo + 1;
  if (e < a[lo + 1]!) return count;
  let stop = n;
  for (const r of sortedRanks) {
    if (r > lo + 1 && a[r]! > e) {
      stop = r;
      break;
    }
  }
  for (let p = lo + 1; p < stop; p++) if (a[p] === e) count++;
  return count;
}

/** Counts in the right-closed bins: a value's bin is the number of edges strictly below it. */
function binCounts(sample: Sample, edges: readonly number[]): number[] {
  return Array.from(new ThresholdGrid(Float64Array.from(edges)).counts(sample));
}

/** NumPy's default (method='linear') quantile of an ascending array, with its exact rounding steps. */
export function quantileLinearSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  return linearBetween(sorted[lo]!, sorted[Math.min(lo + 1, sorted.length - 1)]!, h - lo);
}

/**
 * An edge of −0 is reported as +0: which zero a selection lands on depends on the partition order (−0 === 0), and
 * the bins do not depend on it.
 */
const canonicalZero = (e: number): number => (e === 0 ? 0 : e);

/** NumPy's interpolation between neighbouring order statistics a <= b at fraction g, with its rounding steps. */
function linearBetween(a: number, b: number, g: number): number {
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
  const edges = decilesFrom(xs.length, (r) => xs[r]!)!.edges;
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
