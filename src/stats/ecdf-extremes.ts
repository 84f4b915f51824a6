/**
 * max(F1 − F2) and max(F2 − F1) over the observed values of two samples, with the value where each is attained —
 * the KS statistic's ingredients. Ties in the location are broken as SciPy's argmax over concat(sorted x, sorted y)
 * does: the smallest x value attaining the extreme, else the smallest y value.
 *
 * Two ways to the same figures: `ecdfExtremesSorted` walks two sorted arrays; `ecdfExtremesBucketed` needs no sort.
 * It counts both samples into 65 536 value cells, which gives F1 − F2 exactly at every cell boundary; a cell can only
 * hold the maximum if its start plus its x mass reaches the best boundary value (likewise for the minimum), so only
 * those few cells are gathered, sorted and walked. Under no drift that is ~1 % of the data, and KS on 1M vs 1M needs
 * two counting passes and two gathering passes instead of two sorts.
 */
import { mulberry32 } from './mulberry32.js';

export interface KsExtremes {
  dPlus: number;
  dMinus: number;
  locPlus: number;
  locMinus: number;
}

/** Running extremes of F1 − F2 over the tie groups walked so far. */
class Extremes {
  maxD = -Infinity;
  minD = Infinity;
  maxLocX = NaN;
  maxLocY = NaN;
  minLocX = NaN;
  minLocY = NaN;

  result(): KsExtremes {
    return {
      dPlus: this.maxD,
      dMinus: Math.min(1, Math.max(0, -this.minD)),
      locPlus: Number.isNaN(this.maxLocX) ? this.maxLocY : this.maxLocX,
      locMinus: Number.isNaN(this.minLocX) ? this.minLocY : this.minLocX,
    };
  }
}

/**
 * Walks xs[xFrom, xTo) and ys[yFrom, yTo) — sorted, holding every copy of each value they hold — after i0 x and j0
 * y values below them, updating `e`. The merge advances by runs: while only x values are consumed F1 − F2 rises,
 * so only the end of an x run can hold a new maximum, and it is never a minimum (the group before it is lower, and
 * a first group has F1 − F2 > 0 ≥ the final minimum); symmetrically for y runs. Values present in both samples are
 * one group, checked both ways.
 */
function walk(e: Extremes, xs: Float64Array, xFrom: number, xTo: number, ys: Float64Array, yFrom: number, yTo: number, i0: number, j0: number, n1: number, n2: number): void {
  let i = xFrom;
  let j = yFrom;
  const di = i0 - xFrom; // global count of x values consumed = i + di
  const dj = j0 - yFrom;
  while (i < xTo || j < yTo) {
    const xOpen = i < xTo;
    const yOpen = j < yTo;
    if (xOpen && (!yOpen || xs[i]! < ys[j]!)) {
      const b = yOpen ? ys[j]! : 0;
      i++;
      while (i < xTo && (!yOpen || xs[i]! < b)) i++;
      const diff = (i + di) / n1 - (j + dj) / n2;
      if (diff > e.maxD) {
        e.maxD = diff;
        e.maxLocX = xs[i - 1]!;
        e.maxLocY = NaN;
      } else if (diff === e.maxD && Number.isNaN(e.maxLocX)) e.maxLocX = xs[i - 1]!;
    } else if (yOpen && (!xOpen || ys[j]! < xs[i]!)) {
      const a = xOpen ? xs[i]! : 0;
      j++;
      while (j < yTo && (!xOpen || ys[j]! < a)) j++;
      const diff = (i + di) / n1 - (j + dj) / n2;
      if (diff < e.minD) {
        e.minD = diff;
        e.minLocX = NaN;
        e.minLocY = ys[j - 1]!;
      } else if (diff === e.minD && Number.isNaN(e.minLocY)) e.minLocY = ys[j - 1]!;
    } else {
      const v = xs[i]!;
      i++;
      while (i < xTo && xs[i] === v) i++;
      j++;
      while (j < yTo && ys[j] === v) j++;
      const diff = (i + di) / n1 - (j + dj) / n2;
      if (diff > e.maxD) {
        e.maxD = diff;
        e.maxLocX = v;
        e.maxLocY = v;
      } else if (diff === e.maxD) {
        if (Number.isNaN(e.maxLocX)) e.maxLocX = v;
        if (Number.isNaN(e.maxLocY)) e.maxLocY = v;
      }
      if (diff < e.minD) {
        e.minD = diff;
        e.minLocX = v;
        e.minLocY = v;
      } else if (diff === e.minD) {
        if (Number.isNaN(e.minLocX)) e.minLocX = v;
        if (Number.isNaN(e.minLocY)) e.minLocY = v;
      }
    }
  }
}

export function ecdfExtremesSorted(xs: Float64Array, ys: Float64Array): KsExtremes {
  const e = new Extremes();
  walk(e, xs, 0, xs.length, ys, 0, ys.length, 0, 0, xs.length, ys.length);
  return e.result();
}

const CELLS = 1 << 16;
const RANGE_SAMPLE = 4096;
/** Give up (the caller sorts) when the candidate cells hold more than this share of the data. */
const MAX_GATHERED = 0.25;

/**
 * The same figures without sorting either sample; undefined when the data do not suit cells (all values within a
 * few ulps, or the extremes spread over too much of the data), and the caller sorts instead. NaN excluded.
 */
export function ecdfExtremesBucketed(x: ArrayLike<number>, y: ArrayLike<number>): KsExtremes | undefined {
  const n1 = x.length;
  const n2 = y.length;
  // Cells span the pooled sample's 0.1–99.9 % range (heavy tails then cost two overflow cells, not the resolution).
  const rng = mulberry32(0x6b73);
  const probe = new Float64Array(RANGE_SAMPLE);
  for (let k = 0; k < RANGE_SAMPLE; k++) probe[k] = k % 2 ? x[Math.floor(rng.nextDouble53() * n1)]! : y[Math.floor(rng.nextDouble53() * n2)]!;
  probe.sort();
  const lo = probe[4]!;
  const span = probe[RANGE_SAMPLE - 5]! - lo;
  if (!(span > 0 && Number.isFinite(span))) return undefined;
  // cell(v) = floor((v − lo)·scale) + 1, clamped to [0, CELLS − 1]: monotone in v (see ThresholdGrid), so all copies
  // of a value share a cell and the cells are ordered like the values.
  const scale = (CELLS - 2) / span;
  if (!Number.isFinite(scale)) return undefined; // a subnormal span: (v − lo)·∞ would be NaN at v = lo
  const top = CELLS - 1;
  const countX = new Int32Array(CELLS);
  const countY = new Int32Array(CELLS);
  for (let k = 0; k < n1; k++) {
    const c = Math.floor((x[k]! - lo) * scale) + 1;
    countX[c < 0 ? 0 : c > top ? top : c]!++;
  }
  for (let k = 0; k < n2; k++) {
    const c = Math.floor((y[k]! - lo) * scale) + 1;
    countY[c < 0 ? 0 : c > top ? top : c]!++;
  }
  // F1 − F2 at every cell end is attained (at the cell's last value), so it bounds the extremes from inside.
  let i = 0;
  let j = 0;
  let maxEnd = -Infinity;
  let minEnd = Infinity;
  for (let c = 0; c < CELLS; c++) {
    if (countX[c]! + countY[c]! === 0) continue;
    i += countX[c]!;
    j += countY[c]!;
    const d = i / n1 - j / n2;
    if (d > maxEnd) maxEnd = d;
    if (d < minEnd) minEnd = d;
  }
  // Candidate cells: within a cell F1 − F2 stays between (start − its y mass) and (start + its x mass).
  const startX = new Int32Array(CELLS);
  const startY = new Int32Array(CELLS);
  const offX = new Int32Array(CELLS + 1).fill(-1);
  const offY = new Int32Array(CELLS + 1).fill(-1);
  const candidates: number[] = [];
  let gatheredX = 0;
  let gatheredY = 0;
  i = 0;
  j = 0;
  for (let c = 0; c < CELLS; c++) {
    const cx = countX[c]!;
    const cy = countY[c]!;
    startX[c] = i;
    startY[c] = j;
    if (cx + cy > 0 && ((i + cx) / n1 - j / n2 >= maxEnd || i / n1 - (j + cy) / n2 <= minEnd)) {
      candidates.push(c);
      offX[c] = gatheredX;
      offY[c] = gatheredY;
      gatheredX += cx;
      gatheredY += cy;
    }
    i += cx;
    j += cy;
  }
  if (gatheredX + gatheredY > MAX_GATHERED * (n1 + n2)) return undefined;
  const valuesX = new Float64Array(gatheredX);
  const valuesY = new Float64Array(gatheredY);
  const fillX = offX.slice();
  const fillY = offY.slice();
  for (let k = 0; k < n1; k++) {
    const v = x[k]!;
    let c = Math.floor((v - lo) * scale) + 1;
    c = c < 0 ? 0 : c > top ? top : c;
    if (fillX[c]! >= 0) valuesX[fillX[c]!++] = v;
  }
  for (let k = 0; k < n2; k++) {
    const v = y[k]!;
    let c = Math.floor((v - lo) * scale) + 1;
    c = c < 0 ? 0 : c > top ? top : c;
    if (fillY[c]! >= 0) valuesY[fillY[c]!++] = v;
  }
  const e = new Extremes();
  for (const c of candidates) {
    const xa = offX[c]!;
    const xb = xa + countX[c]!;
    const ya = offY[c]!;
    const yb = ya + countY[c]!;
    valuesX.subarray(xa, xb).sort();
    valuesY.subarray(ya, yb).sort();
    walk(e, valuesX, xa, xb, valuesY, ya, yb, startX[c]!, startY[c]!, n1, n2);
  }
  return e.result();
}
