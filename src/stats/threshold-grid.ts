/**
 * Which region, of those cut by a few sorted thresholds, each of millions of values falls in. A binary search over
 * 9 edges costs ~25 ns per value here (its branches are unpredictable); a uniform grid of cells over the thresholds'
 * range answers almost every value with one subtraction, one multiplication and one table read, and compares one by
 * one only values in a cell that holds a threshold.
 *
 * Exact by monotonicity: the cell index floor((v − lo)·scale) is a non-decreasing function of v in floating point
 * (correctly rounded subtraction and multiplication by a positive constant are monotone), so a value whose cell holds
 * no threshold is strictly above every threshold in a lower cell and strictly below every one in a higher cell.
 */
const CELLS = 4096;

export class ThresholdGrid {
  private readonly lo: number;
  private readonly scale: number;
  /** Region of every value in the cell, or −1 when a threshold lies in it. */
  private readonly table: Int32Array;

  /**
   * A value's region = number of thresholds t with t < v, or t <= v where `inclusive[k]` is set. `thresholds`
   * ascending.
   */
  constructor(
    private readonly thresholds: Float64Array,
    private readonly inclusive: Uint8Array = new Uint8Array(thresholds.length),
  ) {
    const m = thresholds.length;
    this.table = new Int32Array(CELLS + 2).fill(-1);
    const lo = m > 0 ? thresholds[0]! : 0;
    const span = m > 0 ? thresholds[m - 1]! - lo : 0;
    this.lo = lo;
    // Any positive scale is exact; this one puts the top threshold in the last inner cell, so values above it land
    // in the clamped top cell, which holds no threshold.
    const scale = span > 0 && Number.isFinite(span) ? (CELLS - 1) / span : 1;
    this.scale = Number.isFinite(scale) ? scale : 1;
    // Infinite thresholds, or a subnormal span (the scale would overflow and make (v − lo)·scale NaN at v = lo):
    // always compare (the table stays −1).
    if (m > 0 && !(Number.isFinite(span) && Number.isFinite(scale))) return;
    const cellOfThreshold = new Int32Array(m);
    for (let k = 0; k < m; k++) cellOfThreshold[k] = this.cell(thresholds[k]!);
    let below = 0; // thresholds in lower cells
    for (let c = 0, k = 0; c < CELLS + 2; c++) {
      let here = 0;
      while (k < m && cellOfThreshold[k] === c) {
        k++;
        here++;
      }
      this.table[c] = here > 0 ? -1 : below;
      below += here;
    }
  }

  private cell(v: number): number {
    const c = Math.floor((v - this.lo) * this.scale) + 1;
    return c < 0 ? 0 : c > CELLS + 1 ? CELLS + 1 : c;
  }

  /**
   * The region of every value (at most 255 thresholds). The cell lookup is written out with locals in the loop
   * rather than called per value: a one-shot call then runs at full speed before the JIT has inlined anything.
   */
  regions(values: ArrayLike<number>): Uint8Array {
    if (this.thresholds.length > 255) throw new RangeError('ThresholdGrid.regions: more than 255 thresholds');
    const n = values.length;
    const out = new Uint8Array(n);
    const { lo, scale, table } = this;
    const top = CELLS + 1;
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      let c = Math.floor((v - lo) * scale) + 1;
      c = c < 0 ? 0 : c > top ? top : c;
      const r = table[c]!;
      out[i] = r >= 0 ? r : this.compare(v);
    }
    return out;
  }

  /** How many values fall in each region (thresholds + 1 of them). */
  counts(values: ArrayLike<number>): Float64Array {
    const counts = new Float64Array(this.thresholds.length + 1);
    const regions = this.regions(values);
    for (let i = 0; i < regions.length; i++) counts[regions[i]!]!++;
    return counts;
  }

  private compare(v: number): number {
    let r = 0;
    for (let k = 0; k < this.thresholds.length; k++) {
      const t = this.thresholds[k]!;
      if (t < v || (t === v && this.inclusive[k] === 1)) r++;
    }
    return r;
  }
}
