/**
 * Unit changes: did a column's values get multiplied by a unit factor (kPa written as hPa, kg as g, hours as
 * seconds) or moved by a unit offset (°C as °F, K as °C)? Two questions, answered separately:
 *
 * 1. Did the magnitude change? Mann–Whitney U (two-sided, asymptotic, tie-corrected) on |x| of reference against
 *    operational values. Under "no change" (exchangeable rows) its p-value is uniform, so rejecting at p ≤ α errs
 *    at rate α whatever the sample sizes; the typical magnitude ratio (median |x| operational / reference) is
 *    reported beside it.
 * 2. Which unit conversion explains it? Every conversion in UNIT_CONVERSIONS whose factor lies within
 *    `tolerance` of the ratio (in log terms: 9.99 is ×10), and every offset form, is undone on the operational
 *    values, and the one whose undoing leaves the closest distribution to the reference (smallest two-sample KS
 *    distance) is the candidate; its KS distance and p-value after undoing say whether the shape is the same once
 *    rescaled. A candidate is only a candidate: the caller decides with thresholds (e.g. p ≤ α for (1), the KS
 *    distance after undoing well below the one before, and below an effect threshold).
 */
import { ks2samp } from './ks2samp.js';
import { mannWhitneyU } from './mann-whitney-u.js';
import type { Sample } from './sample.js';

export interface UnitConversion {
  /** operational = factor · reference + offset. */
  factor: number;
  offset: number;
  name: string;
}

const MULTIPLIERS: readonly [number, string][] = [
  ...Array.from({ length: 9 }, (_, i) => [10 ** (i + 1), `×${10 ** (i + 1)} (a decimal prefix or percent: kPa → hPa, kg → g, fraction → %)`] as [number, string]),
  [3.6, '×3.6 (m/s → km/h)'],
  [2.20462262185, '×2.2046 (kg → lb)'],
  [2.54, '×2.54 (in → cm)'],
  [1.609344, '×1.6093 (mi → km)'],
  [3.280839895, '×3.2808 (m → ft)'],
  [1.8, '×1.8 (a temperature difference, °C → °F)'],
  [60, '×60 (min → s, h → min)'],
  [3600, '×3600 (h → s)'],
  [86400, '×86400 (day → s)'],
  [1024, '×1024 (KiB → B)'],
  [1048576, '×1048576 (MiB → B)'],
];

/** Multiplicative conversions both ways, and the temperature offset forms. */
export const UNIT_CONVERSIONS: readonly UnitConversion[] = [
  ...MULTIPLIERS.flatMap(([f, name]) => [
    { factor: f, offset: 0, name },
    { factor: 1 / f, offset: 0, name: `÷${name.slice(1)}` },
  ]),
  { factor: 1.8, offset: 32, name: '°C → °F (×1.8 + 32)' },
  { factor: 1 / 1.8, offset: -32 / 1.8, name: '°F → °C ((x − 32) / 1.8)' },
  { factor: 1, offset: 273.15, name: '°C → K (+273.15)' },
  { factor: 1, offset: -273.15, name: 'K → °C (−273.15)' },
];

/** The multiplicative conversion nearest to `ratio` in log terms, if within `tolerance` (relative, e.g. 0.2). */
export function nearestUnitFactor(ratio: number, tolerance = 0.2): (UnitConversion & { logDistance: number }) | null {
  if (!(ratio > 0) || !Number.isFinite(ratio)) return null;
  let best: (UnitConversion & { logDistance: number }) | null = null;
  for (const c of UNIT_CONVERSIONS) {
    if (c.offset !== 0) continue;
    const logDistance = Math.abs(Math.log(ratio / c.factor));
    if (logDistance <= Math.log1p(tolerance) && (!best || logDistance < best.logDistance)) best = { ...c, logDistance };
  }
  return best;
}

export interface UnitChangeResult {
  method: 'Mann–Whitney U on |x|; KS after undoing the nearest unit conversion';
  /** Median |x| operational / reference (NaN when either median is 0). */
  magnitudeRatio: number;
  /** Mann–Whitney U of |operational| (as x) against |reference|. */
  statistic: number;
  /** Two-sided p-value of "magnitudes unchanged". */
  pValue: number;
  /** KS distance between operational and reference as they are. */
  ks: number;
  /** The conversion whose undoing brings the operational values closest to the reference; null if none qualifies. */
  candidate: (UnitConversion & { ks: number; ksPValue: number }) | null;
  n1: number;
  n2: number;
}

const finite = (s: Sample): Float64Array => Float64Array.from(Array.prototype.filter.call(s, Number.isFinite) as number[]);

function medianAbs(values: Float64Array): number {
  const a = values.map(Math.abs).sort();
  const n = a.length;
  return n === 0 ? NaN : n % 2 ? a[(n - 1) / 2]! : (a[n / 2 - 1]! + a[n / 2]!) / 2;
}

/**
 * The unit-change test on the finite values of a reference and an operational sample (NaN and ±∞ are dropped).
 * Samples with fewer than two finite values give p = NaN and no candidate.
 */
export function unitChangeTest(reference: Sample, operational: Sample, options: { tolerance?: number } = {}): UnitChangeResult {
  const tolerance = options.tolerance ?? 0.2;
  const r = finite(reference);
  const o = finite(operational);
  const base = { method: 'Mann–Whitney U on |x|; KS after undoing the nearest unit conversion' as const, n1: r.length, n2: o.length };
  if (r.length < 2 || o.length < 2) return { ...base, magnitudeRatio: NaN, statistic: NaN, pValue: NaN, ks: NaN, candidate: null };
  const mr = medianAbs(r);
  const mo = medianAbs(o);
  const magnitudeRatio = mr > 0 && mo > 0 ? mo / mr : NaN;
  const mwu = mannWhitneyU(o.map(Math.abs), r.map(Math.abs), { method: 'asymptotic' });
  const ks = ks2samp(o, r, { method: 'asymp' }).statistic;
  let candidate: UnitChangeResult['candidate'] = null;
  for (const c of UNIT_CONVERSIONS) {
    const plausible = c.offset !== 0 || (magnitudeRatio > 0 && Math.abs(Math.log(magnitudeRatio / c.factor)) <= Math.log1p(tolerance));
    if (!plausible) continue;
    const undone = o.map((v) => (v - c.offset) / c.factor);
    const test = ks2samp(undone, r, { method: 'asymp' });
    if (!candidate || test.statistic < candidate.ks) candidate = { ...c, ks: test.statistic, ksPValue: test.pValue };
  }
  // Undoing must bring the values closer than leaving them as they are.
  if (candidate && !(candidate.ks < ks)) candidate = null;
  return { ...base, magnitudeRatio, statistic: mwu.statistic, pValue: mwu.pValue, ks, candidate };
}
