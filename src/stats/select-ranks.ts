/**
 * Multi-quickselect: rearranges `a` in place so that each requested rank holds the value it would hold after a
 * full ascending sort — what np.partition(a, kth) guarantees, in expected O(n log k) instead of a sort.
 * Used where only a few order statistics are needed (PSI's reference deciles). NaN must be excluded.
 */
const SMALL = 32;

export function selectRanks(a: Float64Array, ranks: readonly number[]): void {
  const sorted = [...new Set(ranks)].sort((p, q) => p - q);
  select(a, 0, a.length - 1, sorted, 0, sorted.length);
}

function select(a: Float64Array, lo: number, hi: number, ranks: readonly number[], rFrom: number, rTo: number): void {
  while (rFrom < rTo && hi > lo) {
    if (hi - lo < SMALL) {
      a.subarray(lo, hi + 1).sort();
      return;
    }
    // Median of three as pivot; Hoare partition copes with runs of equal values.
    const mid = lo + ((hi - lo) >>> 1);
    const x = a[lo]!;
    const y = a[mid]!;
    const z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    // Now a[lo..j] <= pivot, a[i..hi] >= pivot, and a[j+1..i-1] == pivot (already in final place).
    let split = rFrom;
    while (split < rTo && ranks[split]! <= j) split++;
    let right = split;
    while (right < rTo && ranks[right]! < i) right++;
    // Recurse into the smaller-ranked side, loop on the other.
    select(a, lo, j, ranks, rFrom, split);
    lo = i;
    rFrom = right;
  }
}
