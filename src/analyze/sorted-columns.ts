import type { Column } from '../ingest/table.js';
import { lowerBound, mulberry32, selectRanks, sortedCopy } from '../stats/index.js';

type Numeric = Extract<Column, { type: 'numeric' }>;

/**
 * One sort per numeric column per run: the ascending finite, non-null values of a whole column, kept as long as
 * the column lives (a WeakMap on the column) and shared by the gates, feature drift (KS, Wasserstein, PSI, its
 * histogram) and the encoders' medians whenever they read every row. Callers must not write into the array.
 * Subsamples (inputs above a step's `maxRows`) differ per step and are sorted by the step itself.
 */
const sortedColumns = new WeakMap<Numeric, Float64Array>();

/** The finite values of `values` at `rows` (all rows when null), in row order, skipping rows flagged in `nulls`. */
export function finiteAt(values: Float64Array, nulls: Uint8Array | null, rows: Int32Array | null): Float64Array {
  const n = rows ? rows.length : values.length;
  const out = new Float64Array(n);
  let k = 0;
  for (let r = 0; r < n; r++) {
    const i = rows ? rows[r]! : r;
    const v = values[i]!;
    if (Number.isFinite(v) && !nulls?.[i]) out[k++] = v;
  }
  return k === n ? out : out.slice(0, k);
}

/** The ascending finite, non-null values of the whole column, sorted on first use and shared afterwards. */
export function sortedFinite(c: Numeric): Float64Array {
  let sorted = sortedColumns.get(c);
  if (!sorted) {
    sorted = sortedCopy(finiteAt(c.values, c.nulls, null));
    sortedColumns.set(c, sorted);
  }
  return sorted;
}

/**
 * Sorted samples at a side's shared row sample (sampling.ts sideRowSample): the gates sort each column's sample and
 * leave it here; feature drift, testing the same rows, takes it (and lets it go). One per column at most.
 */
const sortedSamples = new WeakMap<Numeric, { rows: Int32Array; sorted: Float64Array }>();

const sameRows = (a: Int32Array, b: Int32Array): boolean => {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/**
 * The ascending finite, non-null values at `rows` (sorted once per column and row sample): kept for a later
 * `take`, or taken and forgotten when `take` is set. Callers must not write into the array.
 */
export function sortedFiniteAt(c: Numeric, rows: Int32Array, take = false): Float64Array {
  const kept = sortedSamples.get(c);
  const sorted = kept && sameRows(kept.rows, rows) ? kept.sorted : sortedCopy(finiteAt(c.values, c.nulls, rows));
  if (take) sortedSamples.delete(c);
  else sortedSamples.set(c, { rows, sorted });
  return sorted;
}

/** The shared sorted column when some step already sorted it; never sorts. */
export function sortedFiniteIfKnown(c: Numeric): Float64Array | undefined {
  return sortedColumns.get(c);
}

/**
 * Whether no null row holds a finite value, so that "the finite values" (what drift and the encoders read) and
 * "the finite, non-null values" (what the gates read) are the same multiset and can share one sort.
 */
export function nullsHoldNoFiniteValue(c: Numeric): boolean {
  const nulls = c.nulls;
  if (!nulls) return true;
  for (let i = 0; i < nulls.length; i++) if (nulls[i] && Number.isFinite(c.values[i]!)) return false;
  return true;
}

/**
 * The element a full ascending sort of `values` (no NaN) puts at `rank`, found by selection in O(n); `values` is
 * rearranged (pass a scratch array). Sorts put every −0 before every +0 and selection cannot tell them apart, so
 * a zero gets the sign the sort gives.
 */
export function valueAtRank(values: Float64Array, rank: number): number {
  selectRanks(values, [rank]);
  const v = values[rank]!;
  if (v !== 0) return v;
  let below = 0;
  for (const x of values) if (x < 0 || Object.is(x, -0)) below++;
  return rank < below ? -0 : 0;
}

/** Below this many values the finite values are copied and selected whole (a probe would cost as much). */
const BRACKET_MIN = 1 << 16;
const PROBE = 4096;

/**
 * What a full ascending sort of the `n` finite values of `arrays` (read in order) puts at `rank`, −0 before +0,
 * without copying them all: a seeded probe of PROBE values brackets the rank's value (±4 standard deviations of the
 * probe's order statistic), one pass counts the values below the bracket and gathers those within it (a few per
 * cent of n), and valueAtRank selects among those. Every value below the bracket sorts before every gathered one
 * and every value above it after, so the gathered values sorted are the full sort's slice from `below` on. When the
 * bracket misses the rank or holds too many values (heavy ties), the whole set is selected as before.
 */
export function finiteValueAtRank(arrays: readonly Float64Array[], n: number, rank: number): number {
  const copyAll = (): number => {
    const finite = new Float64Array(n);
    let k = 0;
    for (const values of arrays) for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) finite[k++] = values[i]!;
    return valueAtRank(finite, rank);
  };
  if (n < BRACKET_MIN) return copyAll();
  const total = arrays.reduce((sum, a) => sum + a.length, 0);
  const rng = mulberry32(0x6d656469);
  const probe = new Float64Array(PROBE);
  let m = 0;
  for (let attempt = 0; attempt < 4 * PROBE && m < PROBE; attempt++) {
    let at = Math.floor(rng.nextDouble53() * total);
    let q = 0;
    while (at >= arrays[q]!.length) at -= arrays[q++]!.length;
    const v = arrays[q]![at]!;
    if (Number.isFinite(v)) probe[m++] = v;
  }
  if (m < PROBE / 4) return copyAll();
  const sorted = probe.subarray(0, m).sort();
  const p = rank / Math.max(1, n - 1);
  const centre = p * (m - 1);
  const margin = 4 * Math.sqrt(m * p * (1 - p)) + 8;
  const loAt = Math.floor(centre - margin);
  const hiAt = Math.ceil(centre + margin);
  // Finite ends, so that ±Infinity always falls outside: −Infinity below (not counted), +Infinity above.
  const lo = loAt < 0 ? -Number.MAX_VALUE : sorted[loAt]!;
  const hi = hiAt >= m ? Number.MAX_VALUE : sorted[hiAt]!;
  // Room for twice the share of values the bracket should hold; more means ties or a bad probe.
  const capacity = Math.min(n, Math.ceil((2 * n * (hiAt - loAt + 1)) / m) + 1024);
  const inside = new Float64Array(capacity + 1);
  let below = 0;
  let k = 0;
  // Counted, not branched on: which side of the bracket a value falls is a coin toss near the median.
  for (const values of arrays) {
    for (let i = 0; i < values.length && k < capacity; i++) {
      const v = values[i]!;
      below += +(v < lo) - +(v === -Infinity);
      inside[k] = v;
      k += +(v >= lo) & +(v <= hi); // NaN fails both comparisons
    }
  }
  if (k >= capacity || rank < below || rank >= below + k) return copyAll();
  return valueAtRank(inside.subarray(0, k), rank - below);
}

/** Median |x| of ascending values, by merging the negative side (read backwards) with the positive side: no copy, no sort. */
export function medianAbsSorted(s: Float64Array): number {
  const n = s.length;
  if (n === 0) return NaN;
  // |x| ascending: walk outwards from the first non-negative value.
  let lo = firstAtLeastZero(s) - 1;
  let hi = lo + 1;
  const next = (): number => (hi >= n || (lo >= 0 && -s[lo]! < s[hi]!) ? Math.abs(s[lo--]!) : Math.abs(s[hi++]!));
  const want = n % 2 ? (n - 1) / 2 : n / 2 - 1;
  for (let k = 0; k < want; k++) next();
  const a = next();
  return n % 2 ? a : (a + next()) / 2;
}

/** Index of the first value that is not below 0 (−0 counts as 0) in ascending values. */
const firstAtLeastZero = (s: Float64Array): number => lowerBound(s, 0);

/** Ascending values without their zeros (±0 sit together in sorted order): the input itself when it has none. */
export function nonZeroSorted(s: Float64Array): Float64Array {
  const start = firstAtLeastZero(s);
  let end = start;
  while (end < s.length && s[end] === 0) end++;
  if (end === start) return s;
  const out = new Float64Array(s.length - (end - start));
  out.set(s.subarray(0, start));
  out.set(s.subarray(end), start);
  return out;
}
