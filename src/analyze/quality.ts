import type { Dataset, Roles } from '../ingest/dataset.js';
import { columnLength, type Column } from '../ingest/table.js';
import type { AnalyzeConfig } from '../schema/config.js';
import type { CheckStatus } from '../schema/results.js';
import type { QualityFinding } from '../checks/shapes.js';
import { countChangeTest, ks2sampSorted, newCategoryTest, unitChangeTest, UNIT_CONVERSIONS, lowerBound, normSf, upperBound } from '../stats/index.js';
import { ALPHA_SHARES } from '../schema/alpha.js';
import { sideRowSample } from './sampling.js';
import { duplicateShare } from './duplicates.js';
import { medianAbsSorted, nonZeroSorted, sortedFinite, sortedFiniteAt } from './sorted-columns.js';
import { CHECKS, type CheckOf, type DetailsOf, type FiguresOf } from '../checks/index.js';

type DataQualityCheck = CheckOf<typeof CHECKS.dataQuality>;

type QualityConfig = AnalyzeConfig['quality'];

/** `plan.alpha`'s default: the gates' α when dataQuality is called outside the plan without one. */
const DEFAULT_PLAN_ALPHA = 0.05;

/** Rows hashed for the duplicate count (a Set of 2 000 000 hashes is ~100 MB; beyond, only the first rows). */
const DUPLICATE_ROWS = 2_000_000;

/** One finding on one column; the column's status is the worst of its findings. */
export type { QualityFinding } from '../checks/shapes.js';

const rank: Record<CheckStatus, number> = { pass: 0, skipped: 0, insufficient_data: 1, degenerate: 1, warn: 2, error: 3, fail: 4 };
const worst = (findings: QualityFinding[]): CheckStatus => findings.reduce<CheckStatus>((s, f) => (rank[f.status] > rank[s] ? f.status : s), 'pass');

/** Whether row i of a column is null, NaN or ±Inf (invalid for analysis). */
function invalidAt(c: Column, i: number): boolean {
  if (c.type === 'numeric') return !!c.nulls?.[i] || !Number.isFinite(c.values[i]!);
  if (c.type === 'categorical') return c.codes[i]! < 0;
  if (c.type === 'tensor' || c.type === 'timestamp') return !!c.nulls?.[i];
  return c.type === 'null';
}

/** Rows among the sampled ones that are null, NaN or ±Inf (invalid for analysis). */
function invalidCount(c: Column, rows: Int32Array): number {
  let bad = 0;
  if (c.type === 'numeric') {
    // invalidAt's numeric case, counted without a call and a branch per row.
    const { values, nulls } = c;
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k]!;
      const v = values[i]!;
      bad += +(v - v !== 0 || (nulls !== null && nulls[i] !== 0));
    }
    return bad;
  }
  for (const i of rows) if (invalidAt(c, i)) bad++;
  return bad;
}

/** Rows of `dataset` whose value in `column` is null, NaN or ±Inf (what a failed null-rate gate excludes from training). */
export function invalidRows(dataset: Dataset, column: string): number[] {
  const c = dataset.columns.get(column);
  if (!c) return [];
  const rows: number[] = [];
  for (let i = 0; i < dataset.rows; i++) if (invalidAt(c, i)) rows.push(i);
  return rows;
}

/**
 * Ascending finite, non-null values of the sampled rows: the run's shared sort of the column when every row is
 * sampled, else the sorted sample, kept for feature drift on the same rows.
 */
function finiteSorted(c: Extract<Column, { type: 'numeric' }>, rows: Int32Array): Float64Array {
  return rows.length === c.values.length ? sortedFinite(c) : sortedFiniteAt(c, rows);
}

const quantile = (s: Float64Array, q: number) => s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))]!;


function categoryCounts(c: Extract<Column, { type: 'categorical' }>, rows: Int32Array): { counts: Map<string, number>; n: number } {
  const byCode = new Float64Array(c.categories.length);
  let n = 0;
  for (const i of rows) {
    const code = c.codes[i]!;
    if (code >= 0) (byCode[code]! += 1), n++;
  }
  const counts = new Map<string, number>();
  c.categories.forEach((name, k) => byCode[k]! > 0 && counts.set(name, (counts.get(name) ?? 0) + byCode[k]!));
  return { counts, n };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const pText = (p: number) => `p = ${p < 1e-3 ? p.toExponential(2) : p.toPrecision(2)}`;

/**
 * Whether a column's reference values arrive in blocks over time (season, month, a campaign's contact channel):
 * in time order, adjacent values differ less than half as often as in random order, where the expected number of
 * changes is pairs × (1 − Σ nₖ(nₖ − 1) / (N(N − 1))). The count tests below assume exchangeable rows; for such a
 * column a value the reference never had, or one value filling a window, is what time brings, not a broken source.
 */
function arrivesInBlocks(key: (i: number) => number | null, order: Int32Array): boolean {
  const counts = new Map<number, number>();
  let previous: number | null = null;
  let pairs = 0;
  let changes = 0;
  for (const i of order) {
    const k = key(i);
    if (k === null) continue;
    counts.set(k, (counts.get(k) ?? 0) + 1);
    if (previous !== null) (pairs += 1), (changes += +(k !== previous));
    previous = k;
  }
  const n = pairs + 1;
  let same = 0;
  for (const c of counts.values()) same += (c * (c - 1)) / (n * (n - 1));
  return pairs >= 2 && changes < (pairs * (1 - same)) / 2;
}

/**
 * Whether a numeric reference drifts in time order (a season, a trend): Wald–Wolfowitz runs of values above and
 * below its median, fewer than chance allows at 1 % (one-sided, normal approximation). Describes the reference so
 * that a small magnitude change is not called a unit conversion when time alone would bring it.
 */
function driftsInTime(above: (i: number) => boolean | null, order: Int32Array): boolean {
  let n1 = 0;
  let n0 = 0;
  let runs = 0;
  let previous: boolean | null = null;
  for (const i of order) {
    const a = above(i);
    if (a === null) continue;
    if (a) n1++;
    else n0++;
    if (a !== previous) runs++;
    previous = a;
  }
  const n = n1 + n0;
  if (n1 < 2 || n0 < 2) return false;
  const mean = 1 + (2 * n1 * n0) / n;
  const variance = (2 * n1 * n0 * (2 * n1 * n0 - n)) / (n * n * (n - 1));
  return variance > 0 && normSf((mean - runs) / Math.sqrt(variance)) <= 0.01;
}

/** What every gate test of one run shares: the thresholds, the α of one test (Bonferroni) and the reference in time order. */
interface GateSettings {
  cfg: QualityConfig;
  alpha: number;
  timeOrder: Int32Array;
}

type Figures = FiguresOf<typeof CHECKS.dataQuality>;
type Details = DetailsOf<typeof CHECKS.dataQuality>;

/** Gate tests per column (the Bonferroni family): null share everywhere; constancy, range, scale and swaps for numbers; constancy, new and vanished categories for categories. */
const testsFor = (c: Column) => (c.type === 'numeric' ? 5 : c.type === 'categorical' ? 4 : 1);

/**
 * The null-share gate: the count of null / NaN / ±Inf values against the reference's rate (beta-binomial
 * predictive tail, 'greater'); fails when significant and the share rose by `maxNullIncrease`.
 */
function nullFindings(ref: Column, op: Column, refRows: Int32Array, opRows: Int32Array, g: GateSettings, figures: Figures): QualityFinding[] {
  const refBad = invalidCount(ref, refRows);
  const opBad = invalidCount(op, opRows);
  const nullRef = refRows.length ? refBad / refRows.length : 0;
  const nullOp = opRows.length ? opBad / opRows.length : 0;
  figures.nullShareReference = nullRef;
  figures.nullShareOperational = nullOp;
  const p = countChangeTest({ count: refBad, rows: refRows.length }, { count: opBad, rows: opRows.length }, 'greater').pValue;
  figures.nullPValue = p;
  const findings: QualityFinding[] = [];
  const rise = nullOp - nullRef;
  const text = `null / NaN / ±Inf share rose from ${pct(nullRef)} to ${pct(nullOp)} (${pText(p)} under no change)`;
  if (p <= g.alpha && nullOp === 1) findings.push({ check: 'empty', status: 'fail', text: `every operational value is null, NaN or ±Inf (${pText(p)} under no change)`, pValue: p });
  else if (p <= g.alpha && rise >= g.cfg.maxNullIncrease) findings.push({ check: 'null_rate', status: 'fail', text, pValue: p });
  else if (p <= g.alpha && rise >= g.cfg.warnNullIncrease) findings.push({ check: 'null_rate', status: 'warn', text, pValue: p });
  if (ref.type === 'null' && op.type === 'null') findings.push({ check: 'empty', status: 'warn', text: 'the column is empty in both datasets' });
  return findings;
}

/**
 * A window in which every value equals v, where the reference varies: the count of values ≠ v is 0, tested
 * against the reference's rate of values ≠ v ('less'). Sample-size aware: a pixel non-zero in 2 of 809 reference
 * rows is all zero in 150–1,000 rows with probability 0.71–0.20, so that is no stuck source.
 */
function constantFinding(refOther: number, refRows: number, opRows: number, value: string, blocked: boolean, g: GateSettings, figures: Figures): QualityFinding | null {
  const p = countChangeTest({ count: refOther, rows: refRows }, { count: 0, rows: opRows }, 'less').pValue;
  figures.constantPValue = p;
  if (p > g.alpha) return null;
  const text = `every operational value is ${value} while ${pct(refOther / refRows)} of the reference differs (${pText(p)} under no change)`;
  // A column whose reference arrives in blocks over time (season) is constant in a short window by nature.
  if (blocked) return { check: 'constant', status: 'warn', text: `${text}; the reference holds this column in blocks over time, so a constant window is expected`, pValue: p };
  return { check: 'constant', status: 'fail', text: `${text}: a stuck source`, pValue: p };
}

/** KS statistic between sorted `a` and sorted `b` multiplied by `factor` (> 0, so the order is kept). */
function sortedKs(a: Float64Array, b: Float64Array, factor: number): number {
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]! * factor;
    if (x <= y) i++;
    if (y <= x) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  return d;
}

/**
 * KS between two sorted samples each put on its own location and scale (median, interquartile range): the shape
 * left once any affine change is undone. A min–max normalisation dropped (0–1 back to °C: ×47, −8) is affine, not
 * a ratio, so rescaling by the magnitude ratio alone leaves a shape difference (KS 0.14 on Bike Sharing's temp).
 */
function affineKs(a: Float64Array, b: Float64Array): number {
  const at = (x: Float64Array, q: number) => x[Math.min(x.length - 1, Math.floor(q * (x.length - 1)))]!;
  const sa = at(a, 0.75) - at(a, 0.25);
  const sb = at(b, 0.75) - at(b, 0.25);
  if (!(sa > 0) || !(sb > 0)) return 1;
  const ma = at(a, 0.5);
  const mb = at(b, 0.5);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < a.length && j < b.length) {
    const x = (a[i]! - ma) / sa;
    const y = (b[j]! - mb) / sb;
    if (x <= y) i++;
    if (y <= x) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  return d;
}

/** c(α) of the asymptotic two-sample KS critical value c(α)·√((n + m)/(nm)) at α = 0.01: √(−ln(0.005)/2). */
const KS_CRITICAL_1PCT = Math.sqrt(-Math.log(0.005) / 2);

/** Sample variance of ln|x| (x ≠ 0). */
function logVariance(s: Float64Array): number {
  let mean = 0;
  for (const v of s) mean += Math.log(Math.abs(v));
  mean /= s.length;
  let ss = 0;
  for (const v of s) ss += (Math.log(Math.abs(v)) - mean) ** 2;
  return s.length > 1 ? ss / (s.length - 1) : 0;
}

/**
 * Unit conversions with a factor below this (kg → lb, °C → °F, m → ft, m/s → km/h) also need most values out of the
 * reference range, and only warn when the reference drifts in time order: a season can double a temperature, and a
 * year of growth put a bank balance at ×2.6 of its reference, which matched m → ft (×3.28) once the factor's window
 * was widened for its heavy tail.
 */
const SMALL_UNIT_FACTOR = 4;

/**
 * The scale gate, on the non-zero values (a unit change leaves 0 at 0, so a mostly-zero column is judged by its
 * non-zero part). Whether the magnitude changed is Mann–Whitney U on |x| (unitChangeTest); a unit change is a
 * significant change whose typical-magnitude ratio lies within `unitTolerance` of a conversion factor (9.99 is
 * ×10; widened by three standard errors of the log ratio on small samples) and whose undoing gives the reference
 * shape back (KS ≤ `unitShapeKs`, or the 1 % critical value on small samples, and at most half the KS before).
 * Factors below 3 and offset conversions must also move most values out of the reference range. A significant
 * change by ≥ `unitRatio` that no listed unit explains but whose rescaling by the observed ratio, or by location and
 * scale, gives the shape back (KS ≤ `unitRescaledKs`), with most values out of range, is a scale change (a normalisation dropped); so is ≥ `scaleRatio` with most
 * values out of range.
 */
function scaleFindings(r: Float64Array, o: Float64Array, outsideShare: number, drifting: () => boolean, g: GateSettings, figures: Figures, details: Details): QualityFinding[] {
  const rn = nonZeroSorted(r);
  const on = nonZeroSorted(o);
  if (rn.length < 2 || on.length < 2) return [];
  const mr = medianAbsSorted(rn);
  const mo = medianAbsSorted(on);
  const ratio = mo / mr;
  const symmetric = Math.max(ratio, 1 / ratio);
  figures.magnitudeRatio = symmetric;
  const mostlyOutside = outsideShare >= g.cfg.unitOutsideShare;
  // No listed conversion lies within ×1.25 of 1 and offsets move values out of range: nothing to test.
  if (symmetric < 1.25 && !mostlyOutside) return [];
  // On small samples the ratio itself is uncertain (iris petal length: two modes, 60 rows): the window around a
  // conversion factor widens by three standard errors of the mean log magnitude ratio, capped at ×2 either way.
  const logSe = Math.sqrt(logVariance(rn) / rn.length + logVariance(on) / on.length);
  const tolerance = Math.min(1, Math.expm1(Math.log1p(g.cfg.unitTolerance) + 3 * logSe));
  const test = unitChangeTest(rn, on, { tolerance });
  if (!Number.isFinite(test.pValue)) return [];
  figures.scalePValue = test.pValue;
  // The shape once the change is undone: by the magnitude ratio, or by location and scale (a dropped normalisation).
  const rescaled = Math.min(sortedKs(rn, on, mr / mo), affineKs(rn, on));
  figures.rescaledKs = rescaled;
  if (test.pValue > g.alpha) return [];
  const base = `typical magnitude ×${ratio.toPrecision(3)} (median |x| of non-zero values ${mr.toPrecision(3)} → ${mo.toPrecision(3)}, ${pText(test.pValue)} under no change), ${pct(outsideShare)} of values outside the reference range`;
  const c = test.candidate;
  if (c) {
    const small = c.offset !== 0 || Math.max(c.factor, 1 / c.factor) < SMALL_UNIT_FACTOR;
    // Same shape: within `unitShapeKs`, or within the two-sample KS critical value at 1 % on small samples.
    const ksLimit = Math.max(g.cfg.unitShapeKs, KS_CRITICAL_1PCT * Math.sqrt((rn.length + on.length) / (rn.length * on.length)));
    const sameShape = c.ks <= ksLimit && c.ks <= test.ks / 2;
    figures.unitKsBefore = test.ks;
    figures.unitKsAfter = c.ks;
    if (sameShape && (!small || mostlyOutside)) {
      figures.unitFactor = c.factor;
      details.unitConversion = c.name;
      if (small && drifting()) return [{ check: 'scale_change', status: 'warn', text: `${base}: ${c.name} would explain it, but the reference drifts in time order (too few runs above and below its median), so a change this small is what time brings as much as a unit`, pValue: test.pValue }];
      return [{ check: 'scale_change', status: 'fail', text: `${base}: a likely unit change ${c.name} — KS to the reference ${test.ks.toFixed(3)}, ${c.ks.toFixed(3)} once undone`, pValue: test.pValue }];
    }
  }
  if (mostlyOutside && symmetric >= g.cfg.unitRatio && rescaled <= g.cfg.unitRescaledKs) {
    return [{ check: 'scale_change', status: 'fail', text: `${base}, same shape once rescaled (KS ${rescaled.toFixed(3)}, by the ratio or by location and scale): a likely unit change by a factor no listed conversion has (a normalisation dropped?)`, pValue: test.pValue }];
  }
  if (mostlyOutside && symmetric >= g.cfg.scaleRatio) return [{ check: 'scale_change', status: 'fail', text: `${base}: a likely unit or scale change`, pValue: test.pValue }];
  if (symmetric >= g.cfg.unitRatio) return [{ check: 'scale_change', status: 'warn', text: `${base}: large, but not the signature of a unit change`, pValue: test.pValue }];
  return [];
}

/** A partial fault needs this many affected values before its signature (a factor, a gap) is read. */
const PARTIAL_MIN_VALUES = 20;
/** Values on each side before the shape of the undone outside values is compared with the window's inside ones. */
const PARTIAL_SHAPE_VALUES = 100;

/**
 * A unit change in part of the rows (one source, one partition, one day of several, in another unit). The decimal
 * conversion (×10, ×100, ×1000 … either way) nearest the magnitude ratio of the values outside the reference range
 * to the window's values inside it is the one read. Its group — outside values at least √factor beyond every
 * reference magnitude in its direction — must hold at least half of the outside values (and `PARTIAL_MIN_VALUES`),
 * come mostly back into the reference range once undone, and stand at least √factor apart from every other non-zero
 * value of the window (×100: nothing between 10× the largest other value and the smallest converted one) — or,
 * where values reach down to 0 and leave no gap, have once undone the shape of the window's inside values (KS ≤
 * `unitShapeKs`, on at least `PARTIAL_SHAPE_VALUES` each). Natural drift extends a range continuously (summer
 * temperatures beyond a winter history); a conversion applied to some rows leaves them a factor away. The gap does
 * not compare shapes: the converted rows may come from another period than the rest (the newer of two windows). The test is the out-of-range count (`pRange`, given); the conversion and
 * the gap are its signature, read only once that test rejected, so the gate fails under no change with
 * probability at most the test's α.
 */
function partialUnitFinding(r: Float64Array, o: Float64Array, lo: number, hi: number, share: number, pRange: number, g: GateSettings, figures: Figures, details: Details): QualityFinding | null {
  const first = lowerBound(o, lo);
  const last = upperBound(o, hi);
  // Both tails of the sorted window, still in ascending order.
  const tails = new Float64Array(o.length - (last - first));
  tails.set(o.subarray(0, first));
  tails.set(o.subarray(last), first);
  const outside = nonZeroSorted(tails);
  const inside = nonZeroSorted(o.subarray(first, last));
  if (outside.length < PARTIAL_MIN_VALUES) return null;
  // The decimal factor nearest the magnitude ratio of the outside values to the window's inside ones (the
  // reference's when few are inside): the one conversion read, chosen before any count or gap is looked at.
  const rn = nonZeroSorted(r);
  const typical = medianAbsSorted(inside.length >= PARTIAL_MIN_VALUES ? inside : rn);
  const exponent = Math.round(Math.log10(medianAbsSorted(outside) / typical));
  const conversion = UNIT_CONVERSIONS.find((c) => c.offset === 0 && Math.abs(exponent) >= 1 && c.factor === (exponent > 0 ? 10 ** exponent : 1 / 10 ** -exponent));
  if (!conversion) return null;
  const f = conversion.factor;
  const spread = Math.sqrt(Math.max(f, 1 / f));
  // The converted group: outside values at least √factor beyond the reference's magnitudes, in the factor's direction.
  const ref = magnitudeRange(rn);
  const inGroup = (v: number) => (f > 1 ? Math.abs(v) >= ref.hi * spread : Math.abs(v) <= ref.lo / spread);
  const group = outside.filter(inGroup);
  if (group.length < PARTIAL_MIN_VALUES || group.length < outside.length / 2) return null;
  // Undone, most of the group is back in the reference range.
  if (group.filter((v) => v / f >= lo && v / f <= hi).length < group.length / 2) return null;
  // Nothing else in the window comes within √factor of the group.
  const groupRange = magnitudeRange(group);
  const other = magnitudeRange(o.filter((v) => v !== 0 && !((v < lo || v > hi) && inGroup(v))));
  const gap = f > 1 ? groupRange.lo / other.hi : other.lo / groupRange.hi;
  // Values that reach down to 0 (uniform on [0, 10]) leave no gap once some of them are ×100: there the outside
  // values undone must have the shape of the window's inside ones, on enough values to tell (KS ≤ unitShapeKs).
  const ks = outside.length >= PARTIAL_SHAPE_VALUES && inside.length >= PARTIAL_SHAPE_VALUES ? sortedKs(inside, outside, 1 / f) : 1;
  if (!(gap >= spread) && !(ks <= g.cfg.unitShapeKs)) return null;
  figures.unitFactor = f;
  details.unitConversion = conversion.name;
  const signature = gap >= spread ? `×${gap.toPrecision(3)} apart from the other values` : `undone, the shape of the window's other values (KS ${ks.toFixed(3)})`;
  return {
    check: 'scale_change',
    status: 'fail',
    text: `${pct(share)} of operational values lie outside the reference range (${pText(pRange)} under no change); ${pct(group.length / o.length)} of them are the reference ${conversion.name}, ${signature}: a unit change in part of the rows`,
    pValue: pRange,
  };
}

/** Smallest and largest |x| (no zeros expected: callers pass non-zero values). */
function magnitudeRange(values: Float64Array): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = 0;
  for (const v of values) (lo = Math.min(lo, Math.abs(v))), (hi = Math.max(hi, Math.abs(v)));
  return { lo, hi };
}

/** Distinct values a numeric reference column needs before one value filling part of a window is suspicious: below it the column is discrete and value shares are its distribution. */
const DOMINANT_MIN_DISTINCT = 20;
/** How many times its reference share a dominant value must reach: a value that was already common may grow by drift (more calm days at wind 0). */
const DOMINANT_RISE = 10;

/**
 * One value filling part of a window — a source stuck in some rows, or nulls filled with a default upstream —
 * in a column whose reference varies over many values: the most frequent operational value's count against its
 * reference rate (beta-binomial, 'greater'), Bonferroni over the distinct operational values it was chosen from.
 * Fails when significant, at least `dominantShare` of the values and `DOMINANT_RISE` times the reference share;
 * warns instead for a column whose reference arrives in blocks over time (a value filling a window is then what
 * time brings). Shares the constancy test's place in the gates' Bonferroni count: it runs only when the window is
 * not constant.
 */
function dominantValueFinding(r: Float64Array, o: Float64Array, blocked: () => boolean, g: GateSettings, figures: Figures): QualityFinding | null {
  let distinctReference = 0;
  for (let i = 0; i < r.length && distinctReference < DOMINANT_MIN_DISTINCT; i++) distinctReference += +(i === 0 || r[i] !== r[i - 1]);
  if (distinctReference < DOMINANT_MIN_DISTINCT) return null;
  let value = NaN;
  let count = 0;
  let distinct = 0;
  for (let i = 0, run = 0; i < o.length; i++) {
    run = i > 0 && o[i] === o[i - 1] ? run + 1 : 1;
    if (run === 1) distinct++;
    if (run > count) (count = run), (value = o[i]!);
  }
  const share = count / o.length;
  const refCount = upperBound(r, value) - lowerBound(r, value);
  const refShare = refCount / r.length;
  figures.dominantShareOperational = share;
  figures.dominantShareReference = refShare;
  if (share < g.cfg.dominantShare || share < DOMINANT_RISE * refShare) return null;
  const p = Math.min(1, distinct * countChangeTest({ count: refCount, rows: r.length }, { count, rows: o.length }, 'greater').pValue);
  figures.dominantPValue = p;
  if (p > g.alpha) return null;
  const text = `${pct(share)} of operational values equal ${value} against ${pct(refShare)} of the reference (${pText(p)} under no change, over ${distinct} distinct values)`;
  if (blocked()) return { check: 'dominant_value', status: 'warn', text: `${text}; the reference holds this column in blocks over time, so one value filling part of a window is expected`, pValue: p };
  return { check: 'dominant_value', status: 'fail', text: `${text}: a source stuck, or nulls filled with a default, in part of the rows`, pValue: p };
}

/** Sorted finite values of a numeric column on both sides, kept for the swapped-columns test. */
interface NumericPair {
  name: string;
  r: Float64Array;
  o: Float64Array;
  figures: Figures;
  details: Details;
  findings: QualityFinding[];
}

function numericFindings(pair: NumericPair, blocked: () => boolean, drifting: () => boolean, g: GateSettings): QualityFinding[] {
  const { r, o, figures, details } = pair;
  if (r.length === 0 || o.length === 0) return [];
  const findings: QualityFinding[] = [];
  const lo = quantile(r, 0.001);
  const hi = quantile(r, 0.999);
  let outside = 0;
  for (const v of o) if (v < lo || v > hi) outside++;
  // The reference's own rate counts the values at the bounds too: conservative for 'greater'.
  let refOutside = 0;
  for (const v of r) if (v <= lo || v >= hi) refOutside++;
  const share = outside / o.length;
  figures.outOfRangeShare = share;
  details.referenceRange = [lo, hi];
  const pRange = countChangeTest({ count: Math.min(refOutside, r.length), rows: r.length }, { count: outside, rows: o.length }, 'greater').pValue;
  figures.outOfRangePValue = pRange;
  if (pRange <= g.alpha && share > g.cfg.maxOutOfRange) {
    findings.push({ check: 'out_of_range', status: 'warn', text: `${pct(share)} of operational values lie outside the reference 0.1–99.9 percentiles [${lo}, ${hi}] (${pText(pRange)} under no change)`, pValue: pRange });
  }
  const scale = scaleFindings(r, o, share, drifting, g, figures, details);
  // Unless the whole column is a listed conversion, a significant out-of-range part may be one in part of the rows
  // (its finding then replaces the whole column's unnamed scale finding).
  const partial = details.unitConversion === undefined && pRange <= g.alpha && share > g.cfg.maxOutOfRange ? partialUnitFinding(r, o, lo, hi, share, pRange, g, figures, details) : null;
  findings.push(...(partial ? [partial] : scale));
  const refConstant = r[0] === r[r.length - 1];
  const opConstant = o[0] === o[o.length - 1];
  if (opConstant && !refConstant) {
    let same = 0;
    for (const v of r) same += +(v === o[0]);
    const finding = constantFinding(r.length - same, r.length, o.length, String(o[0]), blocked(), g, figures);
    if (finding) findings.push(finding);
  } else if (refConstant && opConstant) findings.push({ check: 'constant', status: 'warn', text: 'the column is constant in both datasets' });
  else if (!opConstant) {
    const dominant = dominantValueFinding(r, o, blocked, g, figures);
    if (dominant) findings.push(dominant);
  }
  return findings;
}

/**
 * New categories are tested against the reference's own rate of "new at the time" (Good–Turing: singletons /
 * rows, newCategoryTest), a vanished one by its window count (0) against its reference rate, Bonferroni over the
 * reference's categories.
 * A re-encoding — the gate fails — is the stated signature of renamed codes: both significant, as many new
 * categories as vanished ones, their shares sorted in decreasing order within `renameProfileDistance` (total
 * variation), and a reference that does not hold the column in blocks over time. New values beside the old ones
 * (a new month, a new contact channel in time-ordered data) are a change to report: warn.
 */
function categoricalFindings(ref: Extract<Column, { type: 'categorical' }>, op: Extract<Column, { type: 'categorical' }>, refRows: Int32Array, opRows: Int32Array, blocked: boolean, g: GateSettings, figures: Figures, details: Details): QualityFinding[] {
  const r = categoryCounts(ref, refRows);
  const o = categoryCounts(op, opRows);
  if (r.n === 0 || o.n === 0) return [];
  const findings: QualityFinding[] = [];
  const fresh = [...o.counts].filter(([k]) => !r.counts.has(k)).sort((a, b) => b[1] - a[1]);
  const gone = [...r.counts].filter(([k]) => !o.counts.has(k)).sort((a, b) => b[1] - a[1]);
  const freshRows = fresh.reduce((a, [, c]) => a + c, 0);
  const goneRows = gone.reduce((a, [, c]) => a + c, 0);
  const freshShare = freshRows / o.n;
  const goneShare = goneRows / r.n;
  let singletons = 0;
  for (const c of r.counts.values()) singletons += +(c === 1);
  const pNew = newCategoryTest({ singletonRows: singletons, rows: r.n }, { newRows: freshRows, rows: o.n }).pValue;
  // A vanished category is tested on its own count (choosing the vanished ones after looking would bias a pooled
  // test), Bonferroni over the reference's categories; the most frequent one gives the smallest p.
  const pGone = gone.length ? Math.min(1, r.counts.size * countChangeTest({ count: gone[0]![1], rows: r.n }, { count: 0, rows: o.n }, 'less').pValue) : 1;
  figures.newCategories = fresh.length;
  figures.newCategoryShare = freshShare;
  figures.newCategoryPValue = pNew;
  figures.vanishedCategories = gone.length;
  figures.vanishedCategoryShare = goneShare;
  figures.vanishedCategoryPValue = pGone;
  figures.referenceInBlocks = blocked;
  details.newCategories = fresh.slice(0, 20).map(([category, c]) => ({ category, share: c / o.n }));
  details.vanishedCategories = gone.slice(0, 20).map(([category, c]) => ({ category, share: c / r.n }));
  const list = (xs: [string, number][], n: number) => xs.slice(0, 3).map(([k, c]) => `${JSON.stringify(k)} ${pct(c / n)}`).join(', ');
  let profile = Infinity;
  if (fresh.length === gone.length && fresh.length > 0) {
    profile = 0;
    fresh.forEach(([, c], k) => (profile += Math.abs(c / o.n - gone[k]![1] / r.n) / 2));
    figures.renameProfileDistance = profile;
  }
  const newSignificant = pNew <= g.alpha;
  const goneSignificant = pGone <= g.alpha;
  if (newSignificant && goneSignificant && profile <= g.cfg.renameProfileDistance && !blocked) {
    findings.push({
      check: 'new_categories',
      status: 'fail',
      text: `${fresh.length} categor${fresh.length === 1 ? 'y' : 'ies'} never seen in training (${list(fresh, o.n)}, ${pText(pNew)}) replace as many vanished ones (${list(gone, r.n)}, ${pText(pGone)}) with the same shares (profile distance ${profile.toFixed(3)}): a likely re-encoding`,
      pValue: Math.max(pNew, pGone),
    });
  } else if (newSignificant && freshShare >= g.cfg.warnNewCategoryShare) {
    const why = blocked ? '; the reference holds this column in blocks over time, so new values are expected' : '';
    findings.push({ check: 'new_categories', status: 'warn', text: `${fresh.length} new categor${fresh.length === 1 ? 'y' : 'ies'} hold ${pct(freshShare)} of operational values (${list(fresh, o.n)}; ${pText(pNew)} under no change)${why}`, pValue: pNew });
  }
  if (goneSignificant && goneShare >= g.cfg.warnNewCategoryShare && !findings.some((f) => f.status === 'fail')) {
    findings.push({ check: 'vanished_categories', status: 'warn', text: `${gone.length} reference categor${gone.length === 1 ? 'y' : 'ies'} (${pct(goneShare)} of reference values) never appear (${list(gone, r.n)}; ${pText(pGone)} under no change)`, pValue: pGone });
  }
  if (o.counts.size === 1 && r.counts.size > 1) {
    const only = [...o.counts.keys()][0]!;
    const finding = constantFinding(r.n - (r.counts.get(only) ?? 0), r.n, o.n, JSON.stringify(only), blocked, g, figures);
    if (finding) findings.push(finding);
  }
  return findings;
}

/** The smallest own-distribution KS a swap must show, and how much closer each column must lie to the other's reference. */
const SWAP_MIN_KS = 0.3;
const SWAP_MATCH = 1 / 3;

/** A numeric column's KS against its own reference (figures swapKs, swapPValue), and whether it changed enough to be half of a swap. */
function swapCandidate(p: NumericPair, g: GateSettings): boolean {
  if (p.r.length < 2 || p.o.length < 2) return false;
  const ks = ks2sampSorted({ xs: p.o, ys: p.r }, { method: 'asymp' });
  p.figures.swapKs = ks.statistic;
  p.figures.swapPValue = ks.pValue;
  return ks.pValue <= g.alpha && ks.statistic >= SWAP_MIN_KS;
}

/**
 * Swapped columns: two numeric columns whose values were exchanged. Stated test: both columns changed
 * significantly (two-sample KS against their own reference, p ≤ the per-test α: under no change that happens with
 * probability at most α, whatever else holds), by a KS distance of at least 0.3, and each is the other's closest
 * match among the changed columns, lying at least three times closer to the other's reference than to its own.
 */
function swappedColumns(changed: NumericPair[]): void {
  if (changed.length < 2) return;
  const closest = new Map<NumericPair, { other: NumericPair; ks: number }>();
  for (const a of changed) {
    for (const b of changed) {
      if (a === b) continue;
      const ks = sortedKs(a.o, b.r, 1);
      if (!closest.has(a) || ks < closest.get(a)!.ks) closest.set(a, { other: b, ks });
    }
  }
  for (const a of changed) {
    const { other: b, ks } = closest.get(a)!;
    const back = closest.get(b)!;
    if (back.other !== a || ks > SWAP_MATCH * a.figures.swapKs! || back.ks > SWAP_MATCH * b.figures.swapKs!) continue;
    a.figures.swapCrossKs = ks;
    a.details.swappedWith = b.name;
    a.findings.push({
      check: 'swapped_columns',
      status: 'fail',
      text: `values match the reference of ${b.name} (KS ${ks.toFixed(3)}) far better than their own (KS ${a.figures.swapKs!.toFixed(3)}, ${pText(a.figures.swapPValue!)} under no change), and ${b.name}'s match this column's: columns ${a.name} and ${b.name} swapped`,
      pValue: a.figures.swapPValue!,
    });
  }
}

/** Reference rows in time order: by the timestamp column when there is one, else in row order. */
function timeOrder(reference: Dataset, roles: Roles, rows: Int32Array): Int32Array {
  const ts = roles.timestamp ? reference.columns.get(roles.timestamp) : undefined;
  if (!ts || (ts.type !== 'numeric' && ts.type !== 'timestamp')) return rows;
  const values = ts.values;
  return Int32Array.from(rows).sort((a, b) => (values[a]! - values[b]!) || a - b);
}

/**
 * Data-quality gates, one result per feature (`quality.column.<name>`, kind `data_quality`) plus duplicates
 * (`quality.duplicates`) and, for classification, the label set (`quality.labels`). Status `fail` means the
 * operational data looks broken (a column emptied, a unit or re-encoding change, a stuck source, mass
 * duplication); natural drift such as values beyond the reference range only warns.
 */
export function dataQuality(reference: Dataset, operational: Dataset, roles: Roles, cfg: QualityConfig, seed = 42, alpha = cfg.alpha ?? DEFAULT_PLAN_ALPHA * ALPHA_SHARES.gates): DataQualityCheck[] {
  const refRows = sideRowSample(reference.rows, cfg.maxRows, seed, 'ref');
  const opRows = sideRowSample(operational.rows, cfg.maxRows, seed, 'op');
  const results: DataQualityCheck[] = [];
  const compared = roles.features.filter((f) => operational.columns.has(f)); // the schema gate reports missing columns
  // Bonferroni over every gate test this run makes: any false alarm among them has probability at most α.
  const tests = Math.max(1, compared.reduce((n, f) => n + testsFor(reference.columns.get(f)!), 0));
  const g: GateSettings = { cfg, alpha: alpha / tests, timeOrder: timeOrder(reference, roles, refRows) };
  const threshold = {
    alpha,
    alphaPerTest: g.alpha,
    tests,
    maxNullIncrease: cfg.maxNullIncrease,
    warnNullIncrease: cfg.warnNullIncrease,
    maxOutOfRange: cfg.maxOutOfRange,
    scaleRatio: cfg.scaleRatio,
    unitRatio: cfg.unitRatio,
    unitTolerance: cfg.unitTolerance,
    unitOutsideShare: cfg.unitOutsideShare,
    unitShapeKs: cfg.unitShapeKs,
    unitRescaledKs: cfg.unitRescaledKs,
    dominantShare: cfg.dominantShare,
    renameProfileDistance: cfg.renameProfileDistance,
  };
  const columns = compared.map((name) => {
    const ref = reference.columns.get(name)!;
    const op = operational.columns.get(name)!;
    const pair: NumericPair = { name, r: new Float64Array(0), o: new Float64Array(0), figures: { nReference: refRows.length, nOperational: opRows.length }, details: {}, findings: [] };
    let candidate = false;
    if (columnLength(op) > 0 && opRows.length > 0) {
      pair.findings.push(...nullFindings(ref, op, refRows, opRows, g, pair.figures));
      if (ref.type === 'numeric' && op.type === 'numeric') {
        pair.r = finiteSorted(ref, refRows);
        pair.o = finiteSorted(op, opRows);
        const valid = (i: number) => !ref.nulls?.[i] && Number.isFinite(ref.values[i]!);
        const blocked = () => arrivesInBlocks((i) => (valid(i) ? ref.values[i]! : null), g.timeOrder);
        const median = pair.r[pair.r.length >> 1]!;
        const drifting = () => driftsInTime((i) => (valid(i) ? ref.values[i]! > median : null), g.timeOrder);
        pair.findings.push(...numericFindings(pair, blocked, drifting, g));
        // Only swap candidates are compared with each other later: the other columns' sorted samples are let go
        // now, so the gates hold one column's samples at a time, not every column's.
        candidate = swapCandidate(pair, g);
        if (!candidate) pair.r = pair.o = new Float64Array(0);
      } else if (ref.type === 'categorical' && op.type === 'categorical') {
        const blocked = arrivesInBlocks((i) => (ref.codes[i]! < 0 ? null : ref.codes[i]!), g.timeOrder);
        pair.findings.push(...categoricalFindings(ref, op, refRows, opRows, blocked, g, pair.figures, pair.details));
      }
    }
    return { name, pair, candidate };
  });
  swappedColumns(columns.filter((c) => c.candidate).map((c) => c.pair));
  for (const { name, pair } of columns) {
    const { figures, details, findings } = pair;
    const pValues = [figures.nullPValue, figures.constantPValue, figures.dominantPValue, figures.outOfRangePValue, figures.scalePValue, figures.swapPValue, figures.newCategoryPValue, figures.vanishedCategoryPValue].filter((p): p is number => p !== undefined);
    if (pValues.length) figures.pValue = Math.min(...pValues);
    results.push({
      id: `quality.column.${name}`,
      stage: CHECKS.dataQuality.stage,
      kind: CHECKS.dataQuality.kind,
      subject: name,
      status: opRows.length === 0 ? 'insufficient_data' : worst(findings),
      method: 'count tests (beta-binomial) on null share, range and constancy; Mann–Whitney U on |x| and unit conversions; KS for swapped columns; Good–Turing for new categories — Bonferroni within the gates\' α',
      figures,
      threshold,
      summary: opRows.length === 0 ? 'No operational rows.' : findings.length ? findings.map((f) => f.text).join('; ') + '.' : 'No data-quality issue.',
      details: { ...details, findings },
    });
  }
  const features = roles.features.filter((f) => operational.columns.has(f));
  // Duplicates need every row: in a sample of a fraction f, a repeated row's twin is present only with chance f.
  const dupRefRows = Math.min(reference.rows, DUPLICATE_ROWS);
  const dupOpRows = Math.min(operational.rows, DUPLICATE_ROWS);
  const dupRef = duplicateShare(reference, features, dupRefRows);
  const dupOp = duplicateShare(operational, features, dupOpRows);
  // Duplicated rows are only suspicious beyond what the reference itself shows (e.g. few discrete features).
  const excess = dupOp - dupRef;
  const dupStatus: CheckStatus = dupOpRows < 2 ? 'insufficient_data' : dupOp >= cfg.maxDuplicateShare && excess >= cfg.maxDuplicateShare / 2 ? 'fail' : excess >= 0.05 ? 'warn' : 'pass';
  results.push({
    id: 'quality.duplicates',
    stage: CHECKS.dataQuality.stage,
    kind: CHECKS.dataQuality.kind,
    status: dupStatus,
    method: 'rows repeating an earlier row (hash of all feature values)',
    figures: { duplicateShareReference: dupRef, duplicateShareOperational: dupOp, nReference: dupRefRows, nOperational: dupOpRows },
    threshold: { maxDuplicateShare: cfg.maxDuplicateShare },
    summary: `${pct(dupOp)} of operational rows repeat an earlier row (reference: ${pct(dupRef)}).`,
  });
  const labels = labelSet(reference, operational, roles);
  if (labels) results.push(labels);
  return results;
}

/** Label-set change (classification): classes gone from the operational labels, and new ones (see new_classes). */
function labelSet(reference: Dataset, operational: Dataset, roles: Roles): DataQualityCheck | null {
  if (roles.task !== 'classification' || !roles.label) return null;
  const ref = reference.columns.get(roles.label);
  const op = operational.columns.get(roles.label);
  if (ref?.type !== 'categorical' || op?.type !== 'categorical') return null;
  const present = (c: Extract<Column, { type: 'categorical' }>) => {
    const seen = new Set<string>();
    for (const code of c.codes) if (code >= 0) seen.add(c.categories[code]!);
    return seen;
  };
  const r = present(ref);
  const o = present(op);
  if (o.size === 0) return null;
  const added = [...o].filter((k) => !r.has(k));
  const gone = [...r].filter((k) => !o.has(k));
  return {
    id: 'quality.labels',
    stage: CHECKS.dataQuality.stage,
    kind: CHECKS.dataQuality.kind,
    subject: roles.label,
    status: added.length || gone.length ? 'warn' : 'pass',
    method: 'label values present on each side',
    figures: { referenceClasses: r.size, operationalClasses: o.size, added: added.length, vanished: gone.length },
    summary: added.length || gone.length ? `Label set changed: ${added.length} new (${added.slice(0, 5).join(', ')}), ${gone.length} absent (${gone.slice(0, 5).join(', ')}).` : `Same ${r.size} label values on both sides.`,
    details: { added, vanished: gone },
  };
}
