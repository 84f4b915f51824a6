/**
 * Category counts that are exact while at most `capacity` distinct values are seen, and otherwise a weighted
 * Misra–Gries summary in its mergeable form (Agarwal et al., "Mergeable summaries", 2013): when more than
 * `capacity` values are held, the (capacity+1)-th largest count c is subtracted from every counter and counters
 * at 0 or below are dropped. `errorBound` is the sum of all such c, and for every value v
 *
 *     estimate(v) ≤ true count(v) ≤ estimate(v) + errorBound,   errorBound ≤ (total − Σ estimates) / (capacity + 1).
 *
 * A value held by no counter has a true count ≤ errorBound. `errorBound === 0` means every count is exact.
 * Counters grow to 2 × capacity between reductions so that a stream costs O(1) amortised per distinct value.
 * Merges add counters and errors and then reduce: commutative exactly; a different grouping of merges gives
 * other counters within the same bound.
 */
export const FREQUENT_DEFAULT_CAPACITY = 1000;

export interface FrequentItemsState {
  capacity: number;
  total: number;
  errorBound: number;
  /** Counters sorted by count descending, then value ascending. */
  items: [string, number][];
}

export class FrequentItems {
  readonly capacity: number;
  total = 0;
  errorBound = 0;
  private counts = new Map<string, number>();

  constructor(capacity = FREQUENT_DEFAULT_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`frequent items: capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
  }

  /** Adds `count` occurrences of `value` (count > 0). */
  add(value: string, count = 1): void {
    if (!(count > 0)) return;
    this.total += count;
    this.counts.set(value, (this.counts.get(value) ?? 0) + count);
    if (this.counts.size > 2 * this.capacity) this.reduce();
  }

  /** Lower estimate of a value's count (0 when not held; the true count is then ≤ errorBound). */
  estimate(value: string): number {
    return this.counts.get(value) ?? 0;
  }

  /** Counters (reduced to `capacity`), largest first. */
  state(): FrequentItemsState {
    if (this.counts.size > this.capacity) this.reduce();
    return { capacity: this.capacity, total: this.total, errorBound: this.errorBound, items: sortedItems(this.counts) };
  }

  static fromState(s: FrequentItemsState): FrequentItems {
    const out = new FrequentItems(s.capacity);
    out.total = s.total;
    out.errorBound = s.errorBound;
    for (const [v, c] of s.items) out.counts.set(v, c);
    return out;
  }

  static merge(a: FrequentItems, b: FrequentItems): FrequentItems {
    if (a.capacity !== b.capacity) throw new RangeError(`frequent items: cannot merge capacity ${a.capacity} with ${b.capacity}`);
    const out = new FrequentItems(a.capacity);
    out.total = a.total + b.total;
    out.errorBound = a.errorBound + b.errorBound;
    for (const source of [a.counts, b.counts]) for (const [v, c] of source) out.counts.set(v, (out.counts.get(v) ?? 0) + c);
    if (out.counts.size > out.capacity) out.reduce();
    return out;
  }

  private reduce(): void {
    const items = sortedItems(this.counts);
    const cut = items[this.capacity]![1];
    this.errorBound += cut;
    this.counts = new Map();
    for (const [v, c] of items) if (c > cut) this.counts.set(v, c - cut);
  }
}

function sortedItems(counts: Map<string, number>): [string, number][] {
  return [...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
}
