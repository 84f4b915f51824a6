import type { Dataset, Roles } from '../ingest/dataset.js';
import { columnLength, type Column } from '../ingest/table.js';
import type { Config } from '../schema/config.js';
import { alignCategoryCounts, batteryColumnSorted, benjaminiHochberg, chi2Contingency, jensenShannonDistance, mulberry32, psiFromCounts, sortedCopy, twoProportionZTest } from '../stats/index.js';
import { DRIFT_TESTS, columnKind, type DriftTest } from './registry.js';
import { sampleIndices, sideRowSample, subSeed } from './sampling.js';
import { finiteAt, nullsHoldNoFiniteValue, sortedFinite, sortedFiniteAt } from './sorted-columns.js';
import { CHECKS, type CheckOf, type FiguresOf } from '../checks/index.js';

type FeatureDriftCheck = CheckOf<typeof CHECKS.featureDrift>;

/** The drift config with its α resolved (the plan's share, or `drift.alpha` when set). */
export type DriftConfig = Config['drift'] & { alpha: number };
/** Which `drift.minEffect` threshold each registry effect is compared with: each measure on its own scale. */
const MIN_EFFECT: Record<DriftTest['effect'], keyof Config['drift']['minEffect']> = { wasserstein_norm: 'wassersteinNorm', jensen_shannon: 'jensenShannon', proportion_diff: 'proportionDiff' };
type Numeric = Extract<Column, { type: 'numeric' }>;
type Categorical = Extract<Column, { type: 'categorical' }>;

export interface Tested {
  result: FeatureDriftCheck;
  pValue: number;
  effect: number;
}

const base = (name: string) => ({ id: `drift.feature.${name}`, stage: CHECKS.featureDrift.stage, kind: CHECKS.featureDrift.kind, subject: name });

function insufficient(name: string, test: DriftTest, nRef: number, nOp: number, cfg: DriftConfig): FeatureDriftCheck {
  return {
    ...base(name),
    status: 'insufficient_data',
    method: test.id,
    figures: { nReference: nRef, nOperational: nOp },
    threshold: { minRows: cfg.minRows },
    summary: `Too few values to test (${nRef} reference, ${nOp} operational; need ${cfg.minRows} on each side).`,
    details: { test },
  };
}

function finiteCount(values: Float64Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) n++;
  return n;
}

/** Finite values of a numeric column in row order, subsampled (seeded) to at most `cap`. */
export function finiteValues(c: Numeric, cap = Infinity, seed = 0): Float64Array {
  const n = finiteCount(c.values);
  if (n <= cap) return finiteAt(c.values, null, null);
  // The sample's ranks among the finite values, ascending: one walk picks them without copying the column first.
  const picks = sampleIndices(n, cap, mulberry32(seed));
  const out = new Float64Array(picks.length);
  // Every value finite: a value's rank among the finite ones is its row.
  if (n === c.values.length) {
    for (let k = 0; k < picks.length; k++) out[k] = c.values[picks[k]!]!;
    return out;
  }
  let rank = 0;
  let k = 0;
  for (let i = 0; i < c.values.length && k < picks.length; i++) {
    const v = c.values[i]!;
    if (!Number.isFinite(v)) continue;
    if (rank++ === picks[k]) out[k++] = v;
  }
  return out;
}

/** Sample standard deviation of the finite values, in row order (`values` may hold non-finite ones, skipped). */
function standardDeviation(values: Float64Array, n: number): number {
  let mean = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) mean += values[i]! / n;
  let s = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) s += (values[i]! - mean) ** 2;
  return Math.sqrt(s / Math.max(1, n - 1));
}

/**
 * A drift test's side: the values in row order (for the spread) and ascending (for every test and the histogram).
 * When every finite value is tested the run's shared sort of the column is used (sorted-columns.ts). Above the
 * cap, a column whose every row holds a finite value is tested on the side's shared row sample (the gates' rows
 * when their cap is the same: their sort is reused); a column with non-finite values on `cap` of its finite
 * values (a seeded sample of their ranks). Either is a uniform sample without replacement of the finite values.
 */
function driftSide(c: Numeric, cap: number, seed: number, sharedRows: () => Int32Array): { values: Float64Array; n: number; sorted: Float64Array; first: number } {
  const n = finiteCount(c.values);
  if (n > cap && n === c.values.length && nullsHoldNoFiniteValue(c)) {
    const rows = sharedRows();
    const values = finiteAt(c.values, null, rows);
    return { values, n: values.length, sorted: sortedFiniteAt(c, rows, true), first: values[0]! };
  }
  if (n <= cap && nullsHoldNoFiniteValue(c)) {
    let first = NaN;
    for (const v of c.values) {
      if (Number.isFinite(v)) {
        first = v;
        break;
      }
    }
    return { values: c.values, n, sorted: sortedFinite(c), first };
  }
  const x = finiteValues(c, cap, seed);
  return { values: x, n: x.length, sorted: sortedCopy(x), first: x[0]! };
}

/** Each side's shared row sample (sampling.ts sideRowSample), drawn on first use. */
interface SharedRows {
  ref: () => Int32Array;
  op: () => Int32Array;
}

function sharedRowsOf(reference: { rows: number }, operational: { rows: number }, cap: number, seed: number): SharedRows {
  let ref: Int32Array | undefined;
  let op: Int32Array | undefined;
  return { ref: () => (ref ??= sideRowSample(reference.rows, cap, seed, 'ref')), op: () => (op ??= sideRowSample(operational.rows, cap, seed, 'op')) };
}

function numericDrift(name: string, ref: Numeric, op: Numeric, cfg: DriftConfig, seed: number, shared: SharedRows): Tested | FeatureDriftCheck {
  const test = DRIFT_TESTS.numeric;
  const x = driftSide(ref, cfg.maxRows, subSeed(seed, `ref:${name}`), shared.ref);
  const y = driftSide(op, cfg.maxRows, subSeed(seed, `op:${name}`), shared.op);
  if (x.n < cfg.minRows || y.n < cfg.minRows) return insufficient(name, test, x.n, y.n, cfg);
  const b = batteryColumnSorted(name, { xs: x.sorted, ys: y.sorted });
  // A constant reference has no spread to normalise by: fall back to its magnitude, then to raw units.
  const sd = standardDeviation(x.values, x.n);
  const scale = sd > 0 ? sd : Math.abs(x.first) > 0 ? Math.abs(x.first) : 1;
  const effect = b.wasserstein / scale;
  return {
    pValue: b.ks.pValue,
    effect,
    result: {
      ...base(name),
      status: 'pass',
      method: `ks_2samp (${b.ks.method})`,
      figures: {
        statistic: b.ks.statistic,
        pValue: b.ks.pValue,
        wassersteinNorm: effect,
        wasserstein: b.wasserstein,
        referenceSd: sd,
        psi: b.psi.psi,
        nReference: x.n,
        nOperational: y.n,
        subsampled: x.n < ref.values.length || y.n < op.values.length,
      },
      summary: '',
      details: { test, distribution: numericDistributionSorted(x.sorted, y.sorted) },
    },
  };
}

/** Counts per category name in both columns, on one shared category list. */
function alignedCounts(ref: Categorical, op: Categorical): { categories: string[]; r: number[]; o: number[] } {
  const byName = (c: Categorical) => {
    const local = new Float64Array(c.categories.length);
    for (const code of c.codes) if (code >= 0) local[code]! += 1;
    return c.categories.map((cat, code) => [cat, local[code]!] as const);
  };
  const { categories, a, b } = alignCategoryCounts(byName(ref), byName(op));
  return { categories, r: a, o: b };
}

function categoricalDrift(name: string, ref: Categorical, op: Categorical, binary: boolean, cfg: DriftConfig): Tested | FeatureDriftCheck {
  const test = binary ? DRIFT_TESTS.binary : DRIFT_TESTS.categorical;
  const { categories, r, o } = alignedCounts(ref, op);
  return countsDrift(name, test, categories, r, o, cfg);
}

function binaryNumericDrift(name: string, ref: Numeric, op: Numeric, cfg: DriftConfig): Tested | FeatureDriftCheck {
  const values: number[] = [];
  const r = [0, 0];
  const o = [0, 0];
  for (const [c, into] of [
    [ref, r],
    [op, o],
  ] as const) {
    for (const v of c.values) {
      if (!Number.isFinite(v)) continue;
      let k = values.indexOf(v);
      if (k < 0) k = values.push(v) - 1;
      into[k]! += 1;
    }
  }
  return countsDrift(name, DRIFT_TESTS.binary, values.map(String), r, o, cfg);
}

/**
 * Pool categories whose expected count (under homogeneity) is below `minExpected` in either sample into one
 * cell, so the chi-square approximation holds; with 100 000 categories most collapse into that cell.
 */
export function poolRare(r: readonly number[], o: readonly number[], minExpected: number): { r: number[]; o: number[]; pooled: number } {
  const nr = r.reduce((a, b) => a + b, 0);
  const no = o.reduce((a, b) => a + b, 0);
  const n = nr + no;
  const outR: number[] = [];
  const outO: number[] = [];
  let restR = 0;
  let restO = 0;
  let pooled = 0;
  for (let k = 0; k < r.length; k++) {
    const total = r[k]! + o[k]!;
    if ((total * Math.min(nr, no)) / n < minExpected) {
      restR += r[k]!;
      restO += o[k]!;
      pooled++;
    } else {
      outR.push(r[k]!);
      outO.push(o[k]!);
    }
  }
  if (pooled > 0) {
    outR.push(restR);
    outO.push(restO);
  }
  return { r: outR, o: outO, pooled };
}

export function countsDrift(name: string, test: DriftTest, categories: string[], r: number[], o: number[], cfg: DriftConfig): Tested | FeatureDriftCheck {
  const nRef = r.reduce((a, b) => a + b, 0);
  const nOp = o.reduce((a, b) => a + b, 0);
  if (nRef < cfg.minRows || nOp < cfg.minRows) return insufficient(name, test, nRef, nOp, cfg);
  let linf = 0;
  let tvd = 0;
  for (let k = 0; k < r.length; k++) {
    const diff = Math.abs(r[k]! / nRef - o[k]! / nOp);
    linf = Math.max(linf, diff);
    tvd += diff / 2;
  }
  const js = r.length > 0 ? jensenShannonDistance(r, o, { base: 2 }) : 0;
  const psi = r.length > 0 ? psiFromCounts(r, o) : 0;
  const figures: FiguresOf<typeof CHECKS.featureDrift> = { jensenShannon: js, linf, tvd, psi, categories: r.length, nReference: nRef, nOperational: nOp };
  const details = { test, distribution: categoricalDistribution(categories, r, o) };
  if (test.id === 'two_proportion') {
    const z = twoProportionZTest(r[0]!, nRef, o[0]!, nOp);
    const effect = linf; // with two values L∞ is |p_ref − p_op|
    return {
      pValue: z.pValue,
      effect,
      result: { ...base(name), status: 'pass', method: 'two_proportion_z', figures: { statistic: z.statistic, pValue: z.pValue, proportionDiff: effect, ...figures }, summary: '', details },
    };
  }
  const pooled = poolRare(r, o, cfg.minExpected);
  if (pooled.r.length < 2) {
    return { pValue: 1, effect: js, result: { ...base(name), status: 'pass', method: 'single category', figures: { pValue: 1, pooledCategories: pooled.pooled, ...figures }, summary: '', details } };
  }
  const chi = chi2Contingency([pooled.r, pooled.o], { correction: false });
  return {
    pValue: chi.pValue,
    effect: js,
    result: {
      ...base(name),
      status: 'pass',
      method: 'chi2_contingency',
      figures: { statistic: chi.statistic, pValue: chi.pValue, dof: chi.dof, pooledCategories: pooled.pooled, ...figures },
      summary: '',
      details,
    },
  };
}

/** Shapes of `details.distribution` on drift checks: proportions per bin or category, for the report's charts. */
export type Distribution =
  | { kind: 'numeric'; edges: number[]; reference: number[]; operational: number[] }
  | { kind: 'categorical'; categories: string[]; reference: number[]; operational: number[]; other?: boolean };

const BINS = 30;
const MAX_CATEGORIES = 30;

function quantileOfSorted(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))]!;
}

/** 30 equal-width bins over the 0.5–99.5 % range of both samples; values outside fall into the end bins. */
export function numericDistribution(x: Float64Array, y: Float64Array): Distribution {
  return numericDistributionSorted(sortedCopy(x), sortedCopy(y));
}

/** numericDistribution of samples already in ascending order. */
export function numericDistributionSorted(sx: Float64Array, sy: Float64Array): Distribution {
  const lo = Math.min(quantileOfSorted(sx, 0.005), quantileOfSorted(sy, 0.005));
  const hi = Math.max(quantileOfSorted(sx, 0.995), quantileOfSorted(sy, 0.995));
  const width = hi > lo ? (hi - lo) / BINS : 1;
  const edges = Array.from({ length: BINS + 1 }, (_, i) => lo + i * width);
  const bin = (value: number) => Math.min(BINS - 1, Math.max(0, Math.floor((value - lo) / width)));
  // The bin is monotone in the value (each step rounds monotonically), so on ascending values each bin is one run:
  // its edges are found by binary search on the same bin function, not by visiting every value.
  const histogram = (v: Float64Array) => {
    const counts = new Array<number>(BINS).fill(0);
    let start = 0;
    for (let b = 0; b < BINS; b++) {
      let left = start;
      let right = v.length;
      while (left < right) {
        const mid = (left + right) >>> 1;
        if (bin(v[mid]!) <= b) left = mid + 1;
        else right = mid;
      }
      counts[b] = left - start;
      start = left;
    }
    return counts.map((c) => c / v.length);
  };
  return { kind: 'numeric', edges, reference: histogram(sx), operational: histogram(sy) };
}

/** Proportions per category, the 30 most frequent (by the larger of the two shares) and the rest pooled. */
export function categoricalDistribution(categories: string[], r: number[], o: number[]): Distribution {
  const nr = r.reduce((a, b) => a + b, 0) || 1;
  const no = o.reduce((a, b) => a + b, 0) || 1;
  const order = categories.map((_, k) => k).sort((a, b) => Math.max(r[b]! / nr, o[b]! / no) - Math.max(r[a]! / nr, o[a]! / no));
  const top = order.slice(0, MAX_CATEGORIES);
  const rest = order.slice(MAX_CATEGORIES);
  const dist: Distribution = {
    kind: 'categorical',
    categories: top.map((k) => categories[k]!),
    reference: top.map((k) => r[k]! / nr),
    operational: top.map((k) => o[k]! / no),
  };
  if (rest.length) {
    dist.categories.push(`(${rest.length} others)`);
    dist.reference.push(rest.reduce((a, k) => a + r[k]!, 0) / nr);
    dist.operational.push(rest.reduce((a, k) => a + o[k]!, 0) / no);
    dist.other = true;
  }
  return dist;
}

const EFFECT_NAMES: Record<DriftTest['effect'], string> = {
  wasserstein_norm: 'Wasserstein distance (reference SDs)',
  jensen_shannon: 'Jensen–Shannon distance',
  proportion_diff: 'proportion difference',
};

/**
 * Per-feature drift through the registry (registry.ts). A feature counts as drifted only when its change is
 * significant after Benjamini–Hochberg across all tested features AND its effect reaches `minEffect`: on large
 * samples tiny, harmless differences are always "significant". Up to `maxRows` values per side (seeded sample).
 */
export function featureDrift(reference: Dataset, operational: Dataset, roles: Roles, cfg: DriftConfig, seed = 42): FeatureDriftCheck[] {
  const shared = sharedRowsOf(reference, operational, cfg.maxRows, seed);
  const outcomes = roles.features.flatMap((name) => {
    const op = operational.columns.get(name);
    return op ? [testFeature(name, reference.columns.get(name)!, op, cfg, seed, shared)] : []; // a missing column: the schema gate
  });
  return judgeFeatures(outcomes, roles, cfg);
}

/** One feature's registry test (before Benjamini–Hochberg), or a result that reached no test. */
export function testFeature(name: string, ref: Column, op: Column, cfg: DriftConfig, seed: number, shared = sharedRowsOf({ rows: columnLength(ref) }, { rows: columnLength(op) }, cfg.maxRows, seed)): Tested | FeatureDriftCheck {
  const kind = columnKind(ref, op);
  if (kind === 'numeric') return numericDrift(name, ref as Numeric, op as Numeric, cfg, seed, shared);
  if (kind === 'binary' && ref.type === 'numeric') return binaryNumericDrift(name, ref, op as Numeric, cfg);
  if (kind !== null) return categoricalDrift(name, ref as Categorical, op as Categorical, kind === 'binary', cfg);
  return {
    ...base(name),
    status: 'skipped',
    figures: {},
    summary:
      ref.type === 'tensor' && op.type === 'tensor'
        ? 'Tensor column: see the tensor drift check.'
        : ref.type === op.type
          ? `No univariate test for ${ref.type} columns.`
          : `Kinds differ (${ref.type} vs ${op.type}); see the schema gate.`,
  };
}

/**
 * The verdicts: a feature drifted when significant after Benjamini–Hochberg across every tested feature and its
 * effect reaches its floor. Results in feature order.
 */
export function judgeFeatures(outcomes: (Tested | FeatureDriftCheck)[], roles: Roles, cfg: DriftConfig): FeatureDriftCheck[] {
  const results: FeatureDriftCheck[] = [];
  const tested: Tested[] = [];
  for (const outcome of outcomes) {
    if ('result' in outcome) tested.push(outcome);
    else results.push(outcome);
  }
  const usable = tested.filter((t) => Number.isFinite(t.pValue));
  const { adjusted } = benjaminiHochberg(usable.map((t) => t.pValue), cfg.alpha);
  usable.forEach((t, k) => {
    const q = adjusted[k]!;
    const significant = q <= cfg.alpha;
    const test = t.result.details!.test!;
    const minEffect = cfg.minEffect[MIN_EFFECT[test.effect]];
    const large = t.effect >= minEffect;
    const effectName = EFFECT_NAMES[test.effect];
    t.result.status = significant && large ? 'fail' : significant ? 'warn' : 'pass';
    t.result.figures.adjustedPValue = q;
    t.result.figures.effect = t.effect;
    t.result.threshold = { alpha: cfg.alpha, minEffect, testedFeatures: usable.length };
    t.result.summary = significant && large
      ? `Drifted: ${effectName} ${t.effect.toFixed(3)} ≥ ${minEffect}, BH-adjusted p = ${q.toExponential(2)}.`
      : significant
        ? `Statistically different (BH-adjusted p = ${q.toExponential(2)}) but small: ${effectName} ${t.effect.toFixed(3)} < ${minEffect}.`
        : `No significant change (BH-adjusted p = ${q.toPrecision(3)}, ${effectName} ${t.effect.toFixed(3)}).`;
    results.push(t.result);
  });
  for (const t of tested.filter((t) => !Number.isFinite(t.pValue))) {
    t.result.status = 'error';
    t.result.summary = 'The test gave no p-value for these values.';
    results.push(t.result);
  }
  const order = new Map(roles.features.map((f, i) => [`drift.feature.${f}`, i]));
  return results.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
}
