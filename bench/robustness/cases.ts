/**
 * What the robustness suite does to a dataset: a null split (random halves, nothing changed), injected data
 * faults in the operational half (each naming the column it broke), and injected label changes (a class the
 * reference never had, a prior shift).
 */
import type { Frame } from '../scenarios/frame.js';
import { rowsOf, take } from '../scenarios/frame.js';

export type CaseKind = 'null' | 'unit_x10' | 'unit_x1000' | 'null_burst' | 'stuck' | 'category_rename' | 'swapped_columns' | 'new_class' | 'prior_shift';

export const FAULTS: CaseKind[] = ['unit_x10', 'unit_x1000', 'null_burst', 'stuck', 'category_rename', 'swapped_columns'];
export const QUICK_FAULTS: CaseKind[] = ['unit_x10', 'null_burst', 'stuck', 'category_rename', 'swapped_columns'];

export interface Split {
  reference: Frame;
  validation: Frame;
  operational: Frame;
  /** The column(s) a fault broke, or the class a label change is about. */
  target: string[];
}

const median = (v: Float64Array) => {
  const s = Float64Array.from(v.filter((x) => !Number.isNaN(x))).sort();
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};
const distinct = (v: Float64Array) => new Set(v).size;

/** Numeric columns by how many distinct values they have (most first): the ones a fault visibly changes. */
function numericByVariety(f: Frame): string[] {
  return Object.keys(f.numeric)
    .filter((k) => distinct(f.numeric[k]!) >= 10 && median(f.numeric[k]!.map(Math.abs)) > 0)
    .sort((a, b) => distinct(f.numeric[b]!) - distinct(f.numeric[a]!) || a.localeCompare(b));
}

function withNumeric(f: Frame, name: string, values: Float64Array): Frame {
  return { ...f, numeric: { ...f.numeric, [name]: values } };
}

/**
 * Applies a fault to the operational frame; null when the dataset has no column it applies to (no categorical
 * column for a rename, fewer than two varied numeric columns for a swap).
 */
export function injectFault(kind: CaseKind, op: Frame, next: () => number): { operational: Frame; target: string[] } | null {
  const varied = numericByVariety(op);
  switch (kind) {
    case 'unit_x10':
    case 'unit_x1000': {
      const c = varied[0];
      if (!c) return null;
      const factor = kind === 'unit_x10' ? 10 : 1000;
      return { operational: withNumeric(op, c, op.numeric[c]!.map((v) => v * factor)), target: [c] };
    }
    case 'null_burst': {
      // A contiguous third of the rows lose the value, as when an upstream join breaks for a while.
      const c = varied[0];
      if (!c) return null;
      const n = rowsOf(op);
      const start = Math.floor(next() * (n / 2));
      return { operational: withNumeric(op, c, op.numeric[c]!.map((v, i) => (i >= start && i < start + n / 3 ? NaN : v))), target: [c] };
    }
    case 'stuck': {
      const c = varied[0];
      if (!c) return null;
      const last = op.numeric[c]![0]!;
      return { operational: withNumeric(op, c, op.numeric[c]!.map(() => last)), target: [c] };
    }
    case 'category_rename': {
      // Every value of the most varied categorical column re-encoded (e.g. a code list replaced by new codes).
      const c = Object.keys(op.categorical).sort((a, b) => new Set(op.categorical[b]).size - new Set(op.categorical[a]).size || a.localeCompare(b))[0];
      if (!c) return null;
      return { operational: { ...op, categorical: { ...op.categorical, [c]: op.categorical[c]!.map((v) => (v === null ? null : `${v.toUpperCase()}_v2`)) } }, target: [c] };
    }
    case 'swapped_columns': {
      // The two varied columns whose medians differ most trade places.
      if (varied.length < 2) return null;
      let best: [string, string] = [varied[0]!, varied[1]!];
      let gap = -1;
      for (const a of varied) for (const b of varied) {
        const g = Math.abs(Math.log(Math.abs(median(op.numeric[a]!)) + 1e-9) - Math.log(Math.abs(median(op.numeric[b]!)) + 1e-9));
        if (a < b && g > gap) (gap = g), (best = [a, b]);
      }
      const [a, b] = best;
      return { operational: { ...op, numeric: { ...op.numeric, [a]: op.numeric[b]!, [b]: op.numeric[a]! } }, target: [a, b] };
    }
    default:
      throw new Error(`not a fault: ${kind}`);
  }
}

/** Random halves of a shuffled frame: reference 40 %, validation 10 % (the baseline), operational 50 %. */
export function nullSplit(f: Frame, next: () => number, maxRows: number): Split {
  const idx = Array.from({ length: rowsOf(f) }, (_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  const rows = idx.slice(0, Math.min(idx.length, maxRows));
  const a = Math.floor(rows.length * 0.4);
  const b = Math.floor(rows.length * 0.5);
  return { reference: take(f, rows.slice(0, a)), validation: take(f, rows.slice(a, b)), operational: take(f, rows.slice(b)), target: [] };
}

const classCounts = (f: Frame) => {
  const counts = new Map<string, number>();
  for (const c of f.truth as string[]) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
};

/** A class the reference and validation never had (the second most frequent, so the operational half holds many). */
export function newClassSplit(s: Split): Split | null {
  const counts = classCounts(s.reference);
  if (counts.length < 3) return null;
  const cls = counts[1]![0];
  const without = (f: Frame) => take(f, (f.truth as string[]).flatMap((c, i) => (c === cls ? [] : [i])));
  return { reference: without(s.reference), validation: without(s.validation), operational: s.operational, target: [cls] };
}

/**
 * Prior shift of a stated size: the least frequent class with at least 8 % of the reference gets its operational
 * share set to twice its reference share (at most halfway to 1) by keeping all its operational rows and a random
 * part of the others: a total-variation change from the training priors of min(s, (1 − s) / 2) ≥ 0.08, above
 * `audit.minPriorChange` (0.05), so a run that misses it lacks power, not a threshold. (Tripling the rarest class,
 * the earlier case, moved Seattle weather's priors by 0.03: no finding by the configured minimum.)
 */
export function priorShiftSplit(s: Split, next: () => number): Split | null {
  const reference = classCounts(s.reference);
  const operational = new Map(classCounts(s.operational));
  if (reference.length < 2) return null;
  const total = reference.reduce((a, [, n]) => a + n, 0);
  const eligible = reference.filter(([c, n]) => n / total >= 0.08 && (operational.get(c) ?? 0) > 0);
  if (eligible.length === 0) return null;
  const [cls, n] = eligible[eligible.length - 1]!;
  const share = n / total;
  const target = Math.min(2 * share, (1 + share) / 2);
  // Keep the class's m operational rows and a fraction f of the other rows so that m / (m + f · others) = target.
  const m = operational.get(cls)!;
  const others = [...operational.values()].reduce((a, b) => a + b, 0) - m;
  const keepOthers = Math.min(1, (m * (1 - target)) / (target * others));
  const keep = (s.operational.truth as string[]).flatMap((c, i) => (c === cls || next() < keepOthers ? [i] : []));
  return { ...s, operational: take(s.operational, keep), target: [cls] };
}
