import type { Dataset } from '../ingest/dataset.js';
import { alignCategoryCounts, benjaminiHochberg, chi2Contingency, ks2samp, type Mulberry32 } from '../stats/index.js';

/** Rows per class and side that the tests use: enough for KS and chi-square to see a distance of a few percent. */
const MAX_ROWS = 2000;
const MIN_ROWS = 20;
/** Labelled rows a class needs on each side before its class-conditional inputs are tested. */
export const MIN_PREMISE_ROWS = MIN_ROWS;

export interface ConditionalFeatureShift {
  class: string;
  feature: string;
  /** KS D (numeric) or total variation (categorical) between the two sides' values within the class. */
  distance: number;
  pValue: number;
  adjustedPValue: number;
}

export interface ClassConditionalResult {
  tests: number;
  /** Shifts that are significant after BH over every (class, feature) test and at least `minDistance`, largest first. */
  shifts: ConditionalFeatureShift[];
}

/**
 * Label shift's premise, tested on the inputs themselves: within each class, did the features' distribution
 * change (validation vs operational labelled rows)? Per (class, feature) a two-sample test — KS for numeric
 * features, chi-square for categorical ones — with Benjamini–Hochberg over all of them at `alpha`; a shift counts
 * when significant and at least `minDistance` (KS D or total variation). Under label shift p(x | y) is unchanged,
 * so the share of false discoveries among the flagged pairs is at most α.
 */
export function classConditionalShift(
  validation: Dataset,
  vRowsByClass: Int32Array[],
  operational: Dataset,
  oRowsByClass: Int32Array[],
  classes: string[],
  features: string[],
  o: { alpha: number; minDistance: number; rng: Mulberry32 },
): ClassConditionalResult {
  const raw: Omit<ConditionalFeatureShift, 'adjustedPValue'>[] = [];
  classes.forEach((cls, j) => {
    const vRows = cap(vRowsByClass[j]!, o.rng);
    const oRows = cap(oRowsByClass[j]!, o.rng);
    if (vRows.length < MIN_ROWS || oRows.length < MIN_ROWS) return;
    for (const feature of features) {
      const a = validation.columns.get(feature);
      const b = operational.columns.get(feature);
      if (!a || !b) continue;
      if (a.type === 'numeric' && b.type === 'numeric') {
        const x = finiteValues(a.values, vRows);
        const y = finiteValues(b.values, oRows);
        if (x.length < MIN_ROWS || y.length < MIN_ROWS) continue;
        const ks = ks2samp(x, y);
        if (Number.isFinite(ks.pValue)) raw.push({ class: cls, feature, distance: ks.statistic, pValue: ks.pValue });
      } else if (a.type === 'categorical' && b.type === 'categorical') {
        const found = categoricalTest(a.codes, a.categories, vRows, b.codes, b.categories, oRows);
        if (found) raw.push({ class: cls, feature, ...found });
      }
    }
  });
  if (raw.length === 0) return { tests: 0, shifts: [] };
  const bh = benjaminiHochberg(raw.map((r) => r.pValue), o.alpha);
  const shifts = raw
    .map((r, i) => ({ ...r, adjustedPValue: bh.adjusted[i]! }))
    .filter((r, i) => bh.reject[i] && r.distance >= o.minDistance)
    .sort((x, y) => y.distance - x.distance);
  return { tests: raw.length, shifts };
}

function cap(rows: Int32Array, rng: Mulberry32): Int32Array {
  if (rows.length <= MAX_ROWS) return rows;
  const copy = Int32Array.from(rows);
  for (let i = 0; i < MAX_ROWS; i++) {
    const j = i + Math.floor(rng.nextDouble53() * (copy.length - i));
    const t = copy[i]!;
    copy[i] = copy[j]!;
    copy[j] = t;
  }
  return copy.subarray(0, MAX_ROWS);
}

function finiteValues(values: Float64Array, rows: Int32Array): Float64Array {
  const out: number[] = [];
  for (const i of rows) if (Number.isFinite(values[i]!)) out.push(values[i]!);
  return Float64Array.from(out);
}

/** Chi-square on the 2 × K table of category counts (by name, so the two sides' dictionaries need not agree). */
function categoricalTest(aCodes: Int32Array, aCats: string[], aRows: Int32Array, bCodes: Int32Array, bCats: string[], bRows: Int32Array): { distance: number; pValue: number } | null {
  const byName = (codes: Int32Array, cats: string[], rows: Int32Array) => {
    const local = new Float64Array(cats.length);
    for (const i of rows) if (codes[i]! >= 0) local[codes[i]!]! += 1;
    return cats.map((cat, code) => [cat, local[code]!] as const);
  };
  const aligned = alignCategoryCounts(byName(aCodes, aCats, aRows), byName(bCodes, bCats, bRows));
  const counts = [aligned.a, aligned.b];
  const cells = aligned.categories.length;
  const n0 = counts[0].reduce((s, v) => s + v, 0);
  const n1 = counts[1].reduce((s, v) => s + v, 0);
  if (cells < 2 || n0 < MIN_ROWS || n1 < MIN_ROWS) return null;
  let tv = 0;
  for (let k = 0; k < cells; k++) tv += Math.abs(counts[0][k]! / n0 - counts[1][k]! / n1);
  const { pValue } = chi2Contingency(counts, { correction: false });
  return Number.isFinite(pValue) ? { distance: tv / 2, pValue } : null;
}
