import { take, type Dataset } from '../ingest/dataset.js';
import type { Column } from '../ingest/table.js';
import { double53, mulberry32, mulberry32Hash, MULBERRY32_STEP, type Mulberry32 } from '../stats/index.js';

/**
 * Indices of a uniform random subset of 0..n-1 of size min(n, cap), ascending (Knuth's selection sampling:
 * one pass, no O(n) buffer). Every cap in ANALYZE goes through here so subsamples are seeded and documented.
 *
 * Row i is taken when (n − i)·u < want − taken, u = rng.nextDouble53(). Drawn as written that is two hashes, one
 * division and two calls per row; here u's first 27 bits (its first uint32) bound it to [h, h + 1)/2²⁷ and,
 * the product being monotone in u, decide the comparison unless (want − taken)/(n − i) falls in that interval
 * (once in 2²⁷ rows): only then is the second uint32 hashed. Same rows, and the generator left in the same
 * state, as the plain loop.
 */
const TWO_TO_MINUS_27 = 2 ** -27;

export function sampleIndices(n: number, cap: number, rng: Mulberry32): Int32Array {
  const want = Math.min(n, Math.max(0, Math.floor(cap)));
  const out = new Int32Array(want);
  if (want === n) {
    for (let i = 0; i < n; i++) out[i] = i;
    return out;
  }
  let a = rng.getState();
  let taken = 0;
  for (let i = 0; i < n && taken < want; i++) {
    const first = (a + MULBERRY32_STEP) | 0;
    a = (first + MULBERRY32_STEP) | 0;
    const hash = mulberry32Hash(first);
    const high = hash >>> 5;
    const left = n - i;
    const need = want - taken;
    // Written every time and kept by counting it (a branch taken at random one time in five costs more than the hash).
    out[taken] = i;
    let take = +(left * ((high + 1) * TWO_TO_MINUS_27) < need);
    if (take === 0 && left * (high * TWO_TO_MINUS_27) < need) take = +(left * double53(hash, mulberry32Hash(a)) < need);
    taken += take;
  }
  rng.setState(a);
  return out;
}

/**
 * One side's seeded row sample for the per-column steps that cap rows at `cap` (the gates, feature drift): the
 * same rows for every column, so that each column's sample is gathered and sorted once (sorted-columns.ts) and
 * every column is tested on the same rows, as it is when nothing is capped.
 */
export function sideRowSample(rows: number, cap: number, seed: number, side: 'ref' | 'op'): Int32Array {
  return sampleIndices(rows, cap, mulberry32(subSeed(seed, `quality:${side}`)));
}

/** Indices 0..n-1 where `keep(i)` holds, subsampled to at most `cap`. */
export function sampleWhere(n: number, cap: number, rng: Mulberry32, keep: (i: number) => boolean): Int32Array {
  const all = new Int32Array(n);
  let kept = 0;
  for (let i = 0; i < n; i++) if (keep(i)) all[kept++] = i;
  const picks = sampleIndices(kept, cap, rng);
  // Every row kept (tabular features): the k-th kept row is row k, so the picks are the rows.
  return kept === n ? picks : picks.map((k) => all[k]!);
}

/** Fisher–Yates shuffle in place. */
export function shuffle(a: Int32Array, rng: Mulberry32): Int32Array {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.nextDouble53() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}

/** A seed for a sub-task derived from the run seed and a label, so adding a check never shifts another's draws. */
export function subSeed(seed: number, label: string): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return h | 0;
}

/** The given rows of the named columns, as a smaller dataset (row i of the result = row rows[i]). */
export function subsetDataset(d: Dataset, rows: Int32Array, columns: string[]): Dataset {
  const out = new Map<string, Column>();
  for (const name of columns) {
    const c = d.columns.get(name);
    if (c) out.set(name, take(c, rows));
  }
  return { ...d, rows: rows.length, columns: out };
}
