/**
 * A uniform sample without replacement that merges exactly: every row gets an independent uniform key and the
 * sample is the k rows with the smallest keys (bottom-k / priority sampling with equal weights). The bottom k of
 * a union is the bottom k of the parts' bottom k, so merging shards of any sizes, in any order or grouping, gives
 * exactly the sample of the whole stream — each shard is represented in proportion to its size, with no
 * weights to carry. Keys must come from independent streams per shard (distinct seeds).
 */
export class BottomK {
  readonly k: number;
  /** Max-heap on key of the rows kept so far. */
  private readonly keys: Float64Array;
  private readonly ids: Int32Array;
  size = 0;

  constructor(k: number) {
    if (!Number.isInteger(k) || k < 0) throw new RangeError(`sample size must be a non-negative integer, got ${k}`);
    this.k = k;
    this.keys = new Float64Array(k);
    this.ids = new Int32Array(k);
  }

  /** Largest key held (the one a new row must beat once the sample is full). */
  get threshold(): number {
    return this.size < this.k ? Infinity : this.keys[0]!;
  }

  offer(key: number, id: number): void {
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (this.keys[parent]! >= key) break;
        this.keys[i] = this.keys[parent]!;
        this.ids[i] = this.ids[parent]!;
        i = parent;
      }
      this.keys[i] = key;
      this.ids[i] = id;
      return;
    }
    if (!(key < this.keys[0]!)) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.k) break;
      const r = l + 1;
      const c = r < this.k && this.keys[r]! > this.keys[l]! ? r : l;
      if (this.keys[c]! <= key) break;
      this.keys[i] = this.keys[c]!;
      this.ids[i] = this.ids[c]!;
      i = c;
    }
    this.keys[i] = key;
    this.ids[i] = id;
  }

  /** The kept rows by ascending key. */
  result(): { keys: Float64Array; ids: Int32Array } {
    const order = Array.from({ length: this.size }, (_, i) => i).sort((a, b) => this.keys[a]! - this.keys[b]! || this.ids[a]! - this.ids[b]!);
    return { keys: Float64Array.from(order, (i) => this.keys[i]!), ids: Int32Array.from(order, (i) => this.ids[i]!) };
  }
}

/** Positions of the k smallest keys (ascending by key, then position), e.g. to merge samples' keys. */
export function bottomKIndices(keys: ArrayLike<number>, k: number): Int32Array {
  const heap = new BottomK(Math.min(k, keys.length));
  for (let i = 0; i < keys.length; i++) heap.offer(keys[i]!, i);
  return heap.result().ids;
}
