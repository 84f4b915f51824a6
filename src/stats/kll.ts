import { upperBound } from './sorted-search.js';

/**
 * KLL quantile sketch (Karnin, Lang & Liberty 2016), in the layout of Apache DataSketches' KllDoublesSketch:
 * level h holds items of weight 2^h; level capacities shrink by 2/3 per level below the top (never under 8);
 * when the sketch holds more than its capacity, the lowest full level is sorted and every other item (from a
 * random offset 0 or 1) moves up one level with twice the weight. Total weight always equals the item count.
 *
 * Error bound: the normalized rank error of any query is at most `kllRankError(k)` with 99 % confidence
 * over all queries of one sketch at once (the fit DataSketches publishes for the same algorithm; checked
 * for this implementation by test/stats/kll.test.ts on merged and unmerged sketches).
 *
 * Merges concatenate levels and compact again. The coin flips come from a state both inputs contribute to
 * symmetrically and levels are kept sorted, so `merge(a, b)` equals `merge(b, a)` exactly; grouping merges
 * differently gives a different but equally accurate sketch (the bound holds for any merge tree).
 */

/** Smallest level capacity (DataSketches' M). */
const MIN_WIDTH = 8;
const DECAY = 2 / 3;

export const KLL_DEFAULT_K = 200;

/** The normalized rank error bound (fraction of n) for parameter k, at 99 % confidence over all queries. */
export function kllRankError(k: number): number {
  return 2.296 / Math.pow(k, 0.9723);
}

function levelCapacity(k: number, levels: number, h: number): number {
  return Math.max(MIN_WIDTH, Math.round(k * Math.pow(DECAY, levels - h - 1)));
}

/** xorshift32 step; never returns 0 for a non-zero state. */
function nextState(s: number): number {
  s ^= s << 13;
  s ^= s >>> 17;
  s ^= s << 5;
  return s >>> 0;
}

export interface KllState {
  k: number;
  n: number;
  min: number;
  max: number;
  /** levels[h] holds the items of weight 2^h, sorted ascending. */
  levels: Float64Array[];
  /** Coin state (non-zero uint32). */
  seed: number;
}

export class KllSketch {
  readonly k: number;
  n = 0;
  min = Infinity;
  max = -Infinity;
  private levels: number[][];
  private seed: number;
  private capacityTotal: number;
  private retained = 0;
  /** The sorted view queries read, built on the first query after a change. */
  private view: { values: Float64Array; cumulative: Float64Array } | undefined;
  /** levelCapacity for the current height, cached (recomputed when a level is added). */
  private capacities = new Int32Array(0);

  constructor(k = KLL_DEFAULT_K, seed = 0x9e3779b9) {
    if (!Number.isInteger(k) || k < MIN_WIDTH || k > 65535) throw new RangeError(`KLL k must be an integer in [${MIN_WIDTH}, 65535], got ${k}`);
    this.k = k;
    this.levels = [[]];
    this.seed = seed >>> 0 || 1;
    this.capacityTotal = this.totalCapacity();
  }

  /** Adds one value (NaN is the caller's null and is rejected). */
  update(value: number): void {
    if (Number.isNaN(value)) throw new RangeError('KLL: NaN is not a value (filter nulls first)');
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.n++;
    this.view = undefined;
    // -0 is kept as +0 so that sorted levels, and so merges in either order, are identical bit for bit.
    this.levels[0]!.push(value === 0 ? 0 : value);
    if (++this.retained >= this.capacityTotal) this.compress();
  }

  /** Adds every value of `values` (nulls already filtered out). */
  updateAll(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) this.update(values[i]!);
  }

  /** A new sketch holding both inputs; neither input is changed. Both must have the same k. */
  static merge(a: KllSketch, b: KllSketch): KllSketch {
    if (a.k !== b.k) throw new RangeError(`KLL: cannot merge sketches with k = ${a.k} and k = ${b.k}`);
    const out = new KllSketch(a.k, nextState((a.seed ^ b.seed) + (Math.min(a.seed, b.seed) >>> 1)));
    out.n = a.n + b.n;
    out.min = Math.min(a.min, b.min);
    out.max = Math.max(a.max, b.max);
    const height = Math.max(a.levels.length, b.levels.length);
    out.levels = Array.from({ length: height }, (_, h) => [...(a.levels[h] ?? []), ...(b.levels[h] ?? [])]);
    out.retained = a.retained + b.retained;
    out.capacityTotal = out.totalCapacity();
    while (out.retained >= out.capacityTotal) out.compress();
    out.sortLevels();
    return out;
  }

  /** Sorted levels, for serialisation and equality. */
  state(): KllState {
    this.sortLevels();
    return { k: this.k, n: this.n, min: this.min, max: this.max, levels: this.levels.map((l) => Float64Array.from(l)), seed: this.seed };
  }

  static fromState(s: KllState): KllSketch {
    const out = new KllSketch(s.k, s.seed);
    out.n = s.n;
    out.min = s.min;
    out.max = s.max;
    out.levels = s.levels.length ? s.levels.map((l) => Array.from(l)) : [[]];
    out.retained = out.levels.reduce((a, l) => a + l.length, 0);
    out.capacityTotal = out.totalCapacity();
    let weight = 0;
    out.levels.forEach((l, h) => (weight += l.length * 2 ** h));
    if (weight !== s.n) throw new RangeError(`KLL: levels weigh ${weight} but n = ${s.n}`);
    return out;
  }

  /** Items and their weights sorted by value, with cumulative weights: the sketch's distribution function. */
  sortedView(): { values: Float64Array; cumulative: Float64Array } {
    this.view ??= this.buildView();
    return this.view;
  }

  private buildView(): { values: Float64Array; cumulative: Float64Array } {
    const total = this.retained;
    const pairs = new Float64Array(total);
    const weights = new Float64Array(total);
    let at = 0;
    this.levels.forEach((level, h) => {
      for (const v of level) {
        pairs[at] = v;
        weights[at++] = 2 ** h;
      }
    });
    const order = Array.from({ length: total }, (_, i) => i).sort((i, j) => pairs[i]! - pairs[j]! || i - j);
    const values = new Float64Array(total);
    const cumulative = new Float64Array(total);
    let sum = 0;
    order.forEach((i, r) => {
      values[r] = pairs[i]!;
      sum += weights[i]!;
      cumulative[r] = sum;
    });
    return { values, cumulative };
  }

  /** Estimated fraction of values ≤ x (exactly 0 below the minimum and 1 at or above the maximum). */
  cdf(x: number): number {
    return cdfOfView(this.sortedView(), this.n, x);
  }

  /** Estimated q-quantile: the smallest retained value whose estimated rank fraction reaches q. */
  quantile(q: number): number {
    if (this.n === 0) return NaN;
    if (q <= 0) return this.min;
    if (q >= 1) return this.max;
    const { values, cumulative } = this.sortedView();
    const target = q * this.n;
    for (let i = 0; i < values.length; i++) if (cumulative[i]! >= target) return values[i]!;
    return this.max;
  }

  private totalCapacity(): number {
    const height = this.levels.length;
    if (this.capacities.length !== height) this.capacities = Int32Array.from({ length: height }, (_, h) => levelCapacity(this.k, height, h));
    let c = 0;
    for (let h = 0; h < height; h++) c += this.capacities[h]!;
    return c;
  }

  private sortLevels(): void {
    for (const level of this.levels) sortNumbers(level);
  }

  /** Compacts the lowest level that is at or over its capacity (one level per call). */
  private compress(): void {
    const height = this.levels.length;
    let h = 0;
    while (h < height && this.levels[h]!.length < this.capacities[h]!) h++;
    if (h === height) h = height - 1;
    if (h + 1 === this.levels.length) this.levels.push([]);
    const level = sortNumbers(this.levels[h]!);
    // An odd item out stays behind (the smallest), so the pairs compacted weigh exactly what they replace.
    const keep = level.length % 2 === 1 ? [level[0]!] : [];
    const start = keep.length;
    this.seed = nextState(this.seed);
    const offset = this.seed & 1;
    const up = this.levels[h + 1]!;
    for (let i = start + offset; i < level.length; i += 2) up.push(level[i]!);
    this.levels[h] = keep;
    this.retained -= (level.length - start) / 2;
    this.capacityTotal = this.totalCapacity();
  }
}

/** Ascending in place; insertion sort for the short lower levels, where it beats a comparator call per pair. */
function sortNumbers(a: number[]): number[] {
  if (a.length > 32) return a.sort((x, y) => x - y);
  for (let i = 1; i < a.length; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
  return a;
}

function cdfOfView(view: { values: Float64Array; cumulative: Float64Array }, n: number, x: number): number {
  const { values, cumulative } = view;
  const lo = upperBound(values, x);
  return lo === 0 ? 0 : cumulative[lo - 1]! / n;
}

/**
 * Two-sample Kolmogorov–Smirnov statistic between the distributions two KLL sketches estimate:
 * sup |F̂a − F̂b|, attained at a retained item. With both sketches within their rank bound, it lies within
 * `kllRankError(a.k) + kllRankError(b.k)` of the exact statistic on the full data.
 */
export function ksFromKll(a: KllSketch, b: KllSketch): { statistic: number; errorBound: number } {
  if (a.n === 0 || b.n === 0) return { statistic: NaN, errorBound: NaN };
  const va = a.sortedView();
  const vb = b.sortedView();
  let d = 0;
  for (const view of [va, vb]) {
    for (const x of view.values) {
      const gap = cdfOfView(va, a.n, x) - cdfOfView(vb, b.n, x);
      if (gap > d) d = gap;
      else if (-gap > d) d = -gap;
    }
  }
  return { statistic: d, errorBound: kllRankError(a.k) + kllRankError(b.k) };
}
