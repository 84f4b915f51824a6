import type { Dataset } from '../ingest/dataset.js';
import type { Column } from '../ingest/table.js';
import type { SparseRows } from '../stats/sparse-rows.js';
import { finiteValueAtRank, nullsHoldNoFiniteValue, sortedFiniteIfKnown } from './sorted-columns.js';

/** Which encoded columns belong to which input feature (for permutation importance). */
export interface FeatureGroup {
  feature: string;
  start: number;
  end: number;
}

export interface Encoder {
  width: number;
  /**
   * Most non-zero values an encoded row can hold (every numeric column, one per categorical feature): when it is at
   * most half the width, the rows are worth handing on as their non-zero entries (SparseRows).
   */
  nonZerosPerRow: number;
  groups: FeatureGroup[];
  /** Features left out, with why. */
  skipped: { feature: string; reason: string }[];
  /** Encode rows `rows` of a dataset into a row-major Float64Array (rows × width). */
  encode(dataset: Dataset, rows: Int32Array): Float64Array;
  /**
   * Logits (rows × k, row-major) of a linear model on standardised encoded values, b_c + Σ_j w_cj (x_j − μ_j)/σ_j,
   * read column by column from the dataset: no encoded matrix is built. Numeric features add their terms in the
   * order `encode` lays them out, so a model on numeric features scores bit for bit as on `encode`'s rows; a
   * categorical feature adds one precomputed sum per category (the same up to rounding, and one value per category).
   */
  linearLogits(dataset: Dataset, rows: Int32Array, model: LinearModel): Float64Array;
  /**
   * The rows as `encode` lays them out, as their non-zero entries (what `sparseRows` of `encode`'s output gives,
   * bit for bit), written straight from the columns: a categorical feature adds one entry per row, never its zeros.
   */
  encodeSparse(dataset: Dataset, rows: Int32Array): SparseRows;
}

/** A linear model on standardised encoded values (the shape of a softmax model). */
export interface LinearModel {
  classes: number;
  /** Row-major `classes × width`. */
  weights: Float64Array;
  bias: Float64Array;
  mean: Float64Array;
  scale: Float64Array;
}

const TOP_CATEGORIES = 20;
const CLIP = 10;

/**
 * One feature's encoded columns: `fill` writes them for every row of `rows`, at offset `at` of each `stride`-wide
 * output row; `addLogits` adds their terms of a linear model (encoded columns `at..at+width` of the model) to `logits`.
 */
type Part = {
  feature: string;
  width: number;
  /** Exactly one of the columns is 1, the others 0. */
  oneHot: boolean;
  fill(column: Column | undefined, rows: Int32Array, out: Float64Array, stride: number, at: number): void;
  /** The columns that may be non-zero (all, or the hot one), as (encoded column, value) at `at` of each `stride`-wide row. */
  entries(column: Column | undefined, rows: Int32Array, index: Int32Array, value: Float64Array, stride: number, at: number, first: number): void;
  addLogits(column: Column | undefined, rows: Int32Array, model: LinearModel, at: number, logits: Float64Array): void;
};

type Numeric = Extract<Column, { type: 'numeric' }>;

/**
 * The lower median (rank ⌊(n − 1)/2⌋) of the `n` finite values of the columns: the run's shared sort of a single
 * column when a step already made it, else a selection on the finite values (no sort, no copy of them all).
 */
function medianOfFinite(columns: Numeric[], n: number): number {
  const rank = Math.floor((n - 1) / 2);
  const only = columns.length === 1 ? columns[0]! : undefined;
  const shared = only && nullsHoldNoFiniteValue(only) ? sortedFiniteIfKnown(only) : undefined;
  if (shared && shared.length === n) return shared[rank]!;
  return finiteValueAtRank(columns.map((c) => c.values), n, rank);
}

/** Count, mean and population standard deviation of the columns' finite values, summed in row order, column after column. */
function finiteMoments(columns: Numeric[]): { n: number; mean: number; sd: number } {
  let n = 0;
  for (const col of columns) {
    const values = col.values;
    for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) n++;
  }
  let mean = 0;
  for (const col of columns) {
    const values = col.values;
    for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) mean += values[i]! / n;
  }
  let sd = 0;
  for (const col of columns) {
    const values = col.values;
    for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) sd += (values[i]! - mean) ** 2 / n;
  }
  return { n, mean, sd };
}

/** A numeric feature's encoding and standardisation constants (see tabularEncoder's numeric part). */
interface NumericTerms {
  mid: number;
  mean: number;
  sd: number;
  mu0: number;
  s0: number;
  flagOff: number;
  flagOn: number;
  mu2: number;
  s2: number;
  squares: boolean;
}

/**
 * A numeric feature's terms of a two-class linear model added to `logits` (rows × 2): the operations of the
 * general loop in the same order, unrolled, with every constant a local (the domain classifier scores whole
 * datasets through here).
 */
function twoClassLogits(values: Float64Array | null, rows: Int32Array, logits: Float64Array, terms: NumericTerms, a: { w0: number; w1: number; w2: number }, b: { w0: number; w1: number; w2: number }): void {
  const { mid, mean, sd, mu0, s0, flagOff, flagOn, mu2, s2, squares } = terms;
  const { w0: a0, w1: a1, w2: a2 } = a;
  const { w0: b0, w1: b1, w2: b2 } = b;
  for (let i = 0; i < rows.length; i++) {
    const v = values ? values[rows[i]!]! : NaN;
    const finite = v - v === 0;
    const x = ((finite ? v : mid) - mean) / sd;
    const z = x > CLIP ? CLIP : x < -CLIP ? -CLIP : x;
    const t0 = (z - mu0) / s0;
    const t1 = finite ? flagOff : flagOn;
    let p = logits[2 * i]! + a0 * t0;
    let q = logits[2 * i + 1]! + b0 * t0;
    p += a1 * t1;
    q += b1 * t1;
    if (squares) {
      const t2 = (z * z - mu2) / s2;
      p += a2 * t2;
      q += b2 * t2;
    }
    logits[2 * i] = p;
    logits[2 * i + 1] = q;
  }
}

/**
 * A fixed numeric encoding of tabular features, learnt on the reference — or on reference and operational pooled
 * (`pooledWith`), which two-sample tests need: an encoding learnt on one side alone maps categories seen only on
 * the other side to "other", a column that separates the sides even when nothing changed. Numeric → value standardised by
 * the reference (nulls and ±Inf imputed with the reference median and flagged), optionally its square so a
 * linear model sees changes of spread; categorical → one-hot of the 20 most frequent reference categories plus
 * "other" and "null". Tensor columns are left to the tensor checks.
 */
export function tabularEncoder(reference: Dataset, features: string[], options: { squares: boolean; pooledWith?: Dataset }): Encoder {
  const sources = options.pooledWith ? [reference, options.pooledWith] : [reference];
  const parts: Part[] = [];
  const skipped: Encoder['skipped'] = [];
  for (const feature of features) {
    const c = reference.columns.get(feature);
    if (!c) continue;
    if (c.type === 'numeric') {
      const columns = sources.map((d) => d.columns.get(feature)).filter((col): col is Numeric => col?.type === 'numeric');
      const moments = finiteMoments(columns);
      const { n, mean } = moments;
      if (n === 0) {
        skipped.push({ feature, reason: 'no finite reference values' });
        continue;
      }
      const mid = medianOfFinite(columns, n);
      const sd = Math.sqrt(moments.sd) || 1;
      const squares = options.squares;
      const width = squares ? 3 : 2;
      // Clipped to ±CLIP (a NaN stays NaN, −0 stays −0, as Math.max/min give).
      const encoded = (v: number) => {
        const x = ((Number.isFinite(v) ? v : mid) - mean) / sd;
        return x > CLIP ? CLIP : x < -CLIP ? -CLIP : x;
      };
      parts.push({
        feature,
        width,
        oneHot: false,
        fill(column, rows, out, stride, at) {
          const values = column?.type === 'numeric' ? column.values : null;
          for (let i = 0, o = at; i < rows.length; i++, o += stride) {
            const v = values ? values[rows[i]!]! : NaN;
            const z = encoded(v);
            out[o] = z;
            out[o + 1] = Number.isFinite(v) ? 0 : 1;
            if (squares) out[o + 2] = z * z;
          }
        },
        entries(column, rows, index, value, stride, at, first) {
          const values = column?.type === 'numeric' ? column.values : null;
          for (let i = 0, o = at; i < rows.length; i++, o += stride) {
            const v = values ? values[rows[i]!]! : NaN;
            const z = encoded(v);
            for (let j = 0; j < width; j++) index[o + j] = first + j;
            value[o] = z;
            value[o + 1] = Number.isFinite(v) ? 0 : 1;
            if (squares) value[o + 2] = z * z;
          }
        },
        addLogits(column, rows, model, at, logits) {
          const values = column?.type === 'numeric' ? column.values : null;
          const { classes: k, weights, mean: mu, scale } = model;
          const d = weights.length / k;
          const mu0 = mu[at]!;
          const s0 = scale[at]!;
          const mu2 = squares ? mu[at + 2]! : 0;
          const s2 = squares ? scale[at + 2]! : 1;
          // The null flag's standardised term takes two values.
          const flagOff = (0 - mu[at + 1]!) / scale[at + 1]!;
          const flagOn = (1 - mu[at + 1]!) / scale[at + 1]!;
          if (k === 2) {
            const weightsOf = (c: number) => ({ w0: weights[c * d + at]!, w1: weights[c * d + at + 1]!, w2: squares ? weights[c * d + at + 2]! : 0 });
            twoClassLogits(values, rows, logits, { mid, mean, sd, mu0, s0, flagOff, flagOn, mu2, s2, squares }, weightsOf(0), weightsOf(1));
            return;
          }
          for (let i = 0; i < rows.length; i++) {
            const v = values ? values[rows[i]!]! : NaN;
            const z = encoded(v);
            // Standardised as predictProba does, once for all classes, then added in encode's column order.
            const t0 = (z - mu0) / s0;
            const t1 = Number.isFinite(v) ? flagOff : flagOn;
            const t2 = squares ? (z * z - mu2) / s2 : 0;
            for (let c = 0; c < k; c++) {
              const w = c * d + at;
              let sum = logits[i * k + c]! + weights[w]! * t0;
              sum += weights[w + 1]! * t1;
              if (squares) sum += weights[w + 2]! * t2;
              logits[i * k + c] = sum;
            }
          }
        },
      });
    } else if (c.type === 'categorical') {
      const byName = new Map<string, number>();
      for (const d of sources) {
        const col = d.columns.get(feature);
        if (col?.type !== 'categorical') continue;
        const counts = new Float64Array(col.categories.length);
        for (const code of col.codes) if (code >= 0) counts[code]! += 1;
        col.categories.forEach((name, k) => counts[k]! > 0 && byName.set(name, (byName.get(name) ?? 0) + counts[k]!));
      }
      const top = [...byName].sort((a, b) => b[1] - a[1]).slice(0, TOP_CATEGORIES).map(([name]) => name);
      const slot = new Map(top.map((name, i) => [name, i]));
      const width = top.length + 2;
      // Operational columns have their own category lists: map by name, cached per list.
      const cache = new WeakMap<string[], Int32Array>();
      const slotsFor = (categories: string[]): Int32Array => {
        let s = cache.get(categories);
        if (!s) {
          s = Int32Array.from(categories, (name) => slot.get(name) ?? top.length);
          cache.set(categories, s);
        }
        return s;
      };
      parts.push({
        feature,
        width,
        oneHot: true,
        fill(column, rows, out, stride, at) {
          const codes = column?.type === 'categorical' ? column.codes : null;
          const slots = column?.type === 'categorical' ? slotsFor(column.categories) : null;
          for (let i = 0, o = at; i < rows.length; i++, o += stride) {
            for (let j = 0; j < width; j++) out[o + j] = 0;
            const code = codes ? codes[rows[i]!]! : -1;
            if (code < 0) out[o + width - 1] = 1;
            else out[o + slots![code]!] = 1;
          }
        },
        entries(column, rows, index, value, stride, at, first) {
          const codes = column?.type === 'categorical' ? column.codes : null;
          const slots = column?.type === 'categorical' ? slotsFor(column.categories) : null;
          for (let i = 0, o = at; i < rows.length; i++, o += stride) {
            const code = codes ? codes[rows[i]!]! : -1;
            index[o] = first + (code < 0 ? width - 1 : slots![code]!);
            value[o] = 1;
          }
        },
        addLogits(column, rows, model, at, logits) {
          const codes = column?.type === 'categorical' ? column.codes : null;
          const slots = column?.type === 'categorical' ? slotsFor(column.categories) : null;
          const { classes: k, weights, mean: mu, scale } = model;
          const d = weights.length / k;
          // The feature's terms for a row whose one-hot is at `hot`, per class: one sum per slot, not per row.
          const bySlot = new Float64Array(width * k);
          for (let hot = 0; hot < width; hot++) {
            for (let c = 0; c < k; c++) {
              let s = 0;
              for (let j = 0; j < width; j++) s += weights[c * d + at + j]! * (((j === hot ? 1 : 0) - mu[at + j]!) / scale[at + j]!);
              bySlot[hot * k + c] = s;
            }
          }
          for (let i = 0; i < rows.length; i++) {
            const code = codes ? codes[rows[i]!]! : -1;
            const hot = code < 0 ? width - 1 : slots![code]!;
            for (let c = 0; c < k; c++) logits[i * k + c]! += bySlot[hot * k + c]!;
          }
        },
      });
    } else {
      skipped.push({ feature, reason: `${c.type} column (not tabular)` });
    }
  }
  const groups: FeatureGroup[] = [];
  let width = 0;
  for (const p of parts) {
    groups.push({ feature: p.feature, start: width, end: width + p.width });
    width += p.width;
  }
  const nonZerosPerRow = parts.reduce((sum, p) => sum + (p.oneHot ? 1 : p.width), 0);
  return {
    width,
    nonZerosPerRow,
    groups,
    skipped,
    encode(dataset, rows) {
      const out = new Float64Array(rows.length * width);
      parts.forEach((p, k) => {
        const column = dataset.columns.get(p.feature);
        const start = groups[k]!.start;
        p.fill(column, rows, out, width, start);
      });
      return out;
    },
    encodeSparse(dataset, rows) {
      // Each row's possible non-zeros side by side (nonZerosPerRow of them, by ascending column), then the zeros dropped.
      const stride = nonZerosPerRow;
      const index = new Int32Array(rows.length * stride);
      const value = new Float64Array(rows.length * stride);
      let at = 0;
      parts.forEach((p, k) => {
        p.entries(dataset.columns.get(p.feature), rows, index, value, stride, at, groups[k]!.start);
        at += p.oneHot ? 1 : p.width;
      });
      const start = new Int32Array(rows.length + 1);
      let kept = 0;
      for (let i = 0; i < rows.length; i++) {
        for (let t = i * stride; t < (i + 1) * stride; t++) {
          if (value[t] === 0) continue;
          index[kept] = index[t]!;
          value[kept++] = value[t]!;
        }
        start[i + 1] = kept;
      }
      return { rows: rows.length, cols: width, start, index: index.slice(0, kept), value: value.slice(0, kept) };
    },
    linearLogits(dataset, rows, model) {
      const k = model.classes;
      if (model.weights.length !== k * width) throw new RangeError(`linearLogits: the model has ${model.weights.length / k} features, the encoding ${width}`);
      const logits = new Float64Array(rows.length * k);
      for (let i = 0; i < rows.length; i++) for (let c = 0; c < k; c++) logits[i * k + c] = model.bias[c]!;
      parts.forEach((p, q) => p.addLogits(dataset.columns.get(p.feature), rows, model, groups[q]!.start, logits));
      return logits;
    },
  };
}

/** Rows of a tensor column as a row-major Float64Array. */
export function tensorRows(column: Extract<Column, { type: 'tensor' }>, rows: Int32Array): Float64Array {
  const d = column.size;
  const out = new Float64Array(rows.length * d);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    for (let j = 0; j < d; j++) {
      const v = column.values[r * d + j]!;
      out[i * d + j] = Number.isFinite(v) ? v : 0;
    }
  }
  return out;
}

/** Whether row i of a tensor column is usable (present, all values finite). */
export function tensorRowUsable(column: Extract<Column, { type: 'tensor' }>, i: number): boolean {
  if (column.nulls?.[i]) return false;
  const d = column.size;
  for (let j = 0; j < d; j++) if (!Number.isFinite(column.values[i * d + j]!)) return false;
  return true;
}
