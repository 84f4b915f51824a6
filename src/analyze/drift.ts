import type { Dataset, Roles } from '../ingest/dataset.js';
import type { Column } from '../ingest/table.js';
import type { Config } from '../schema/config.js';
import type { CheckResult } from '../schema/results.js';
import { benjaminiHochberg, chi2Contingency, ks2samp } from '../stats/index.js';

type DriftConfig = Config['drift'];

interface Tested {
  result: CheckResult;
  pValue: number;
  effect: number;
}

function finiteValues(c: Extract<Column, { type: 'numeric' }>): Float64Array {
  let n = 0;
  for (const v of c.values) if (Number.isFinite(v)) n++;
  const out = new Float64Array(n);
  let k = 0;
  for (const v of c.values) if (Number.isFinite(v)) out[k++] = v;
  return out;
}

function numericDrift(name: string, ref: Extract<Column, { type: 'numeric' }>, op: Extract<Column, { type: 'numeric' }>, cfg: DriftConfig): Tested | CheckResult {
  const x = finiteValues(ref);
  const y = finiteValues(op);
  const base = { id: `drift.feature.${name}`, stage: 'analyze' as const, kind: 'feature_drift', subject: name };
  if (x.length < cfg.minRows || y.length < cfg.minRows) {
    return { ...base, status: 'insufficient_data', method: 'ks', figures: { nReference: x.length, nOperational: y.length }, threshold: { minRows: cfg.minRows }, summary: `Too few values to test (${x.length} reference, ${y.length} operational; need ${cfg.minRows}).` };
  }
  const ks = ks2samp(x, y, { method: 'auto' });
  return {
    pValue: ks.pValue,
    effect: ks.statistic,
    result: { ...base, status: 'pass', method: `ks_2samp (${ks.method})`, figures: { statistic: ks.statistic, pValue: ks.pValue, nReference: x.length, nOperational: y.length }, summary: '', details: { distribution: numericDistribution(x, y) } },
  };
}

function categoricalDrift(name: string, ref: Extract<Column, { type: 'categorical' }>, op: Extract<Column, { type: 'categorical' }>, cfg: DriftConfig): Tested | CheckResult {
  const index = new Map<string, number>();
  const refCounts: number[] = [];
  const opCounts: number[] = [];
  const count = (c: Extract<Column, { type: 'categorical' }>, into: number[], other: number[]) => {
    const local = new Float64Array(c.categories.length);
    for (const code of c.codes) if (code >= 0) local[code]! += 1;
    c.categories.forEach((cat, code) => {
      let k = index.get(cat);
      if (k === undefined) {
        k = refCounts.length;
        index.set(cat, k);
        into.push(0);
        other.push(0);
      }
      into[k]! += local[code]!;
    });
  };
  count(ref, refCounts, opCounts);
  count(op, opCounts, refCounts);
  const keep = refCounts.map((r, k) => r + opCounts[k]! > 0);
  const r = refCounts.filter((_, k) => keep[k]);
  const o = opCounts.filter((_, k) => keep[k]);
  const nRef = r.reduce((a, b) => a + b, 0);
  const nOp = o.reduce((a, b) => a + b, 0);
  const base = { id: `drift.feature.${name}`, stage: 'analyze' as const, kind: 'feature_drift', subject: name };
  if (nRef < cfg.minRows || nOp < cfg.minRows) {
    return { ...base, status: 'insufficient_data', method: 'chi2_contingency', figures: { nReference: nRef, nOperational: nOp }, threshold: { minRows: cfg.minRows }, summary: `Too few values to test (${nRef} reference, ${nOp} operational; need ${cfg.minRows}).` };
  }
  // Total variation distance: the largest difference in probability any set of categories can show.
  let tvd = 0;
  for (let k = 0; k < r.length; k++) tvd += Math.abs(r[k]! / nRef - o[k]! / nOp);
  tvd /= 2;
  if (r.length < 2) {
    return { pValue: 1, effect: 0, result: { ...base, status: 'pass', method: 'single category', figures: { categories: r.length, tvd: 0, pValue: 1 }, summary: '' } };
  }
  const test = chi2Contingency([r, o], { correction: true });
  const categories = [...index.keys()].filter((_, k) => keep[k]);
  return {
    pValue: test.pValue,
    effect: tvd,
    result: { ...base, status: 'pass', method: 'chi2_contingency', figures: { statistic: test.statistic, pValue: test.pValue, dof: test.dof, tvd, categories: r.length, nReference: nRef, nOperational: nOp }, summary: '', details: { distribution: categoricalDistribution(categories, r, o) } },
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
  const sx = Float64Array.from(x).sort();
  const sy = Float64Array.from(y).sort();
  const lo = Math.min(quantileOfSorted(sx, 0.005), quantileOfSorted(sy, 0.005));
  const hi = Math.max(quantileOfSorted(sx, 0.995), quantileOfSorted(sy, 0.995));
  const width = hi > lo ? (hi - lo) / BINS : 1;
  const edges = Array.from({ length: BINS + 1 }, (_, i) => lo + i * width);
  const histogram = (v: Float64Array) => {
    const counts = new Array<number>(BINS).fill(0);
    for (const value of v) counts[Math.min(BINS - 1, Math.max(0, Math.floor((value - lo) / width)))]! += 1;
    return counts.map((c) => c / v.length);
  };
  return { kind: 'numeric', edges, reference: histogram(x), operational: histogram(y) };
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

/**
 * Per-feature drift. A feature counts as drifted only when its change is significant after Benjamini–Hochberg
 * across all tested features AND at least `minEffect` in size (KS statistic or total variation distance):
 * on large samples tiny, harmless differences are always "significant".
 */
export function featureDrift(reference: Dataset, operational: Dataset, roles: Roles, cfg: DriftConfig): CheckResult[] {
  const results: CheckResult[] = [];
  const tested: Tested[] = [];
  for (const name of roles.features) {
    const ref = reference.columns.get(name)!;
    const op = operational.columns.get(name);
    if (!op) continue; // reported by the schema gate
    let outcome: Tested | CheckResult;
    if (ref.type === 'numeric' && op.type === 'numeric') outcome = numericDrift(name, ref, op, cfg);
    else if (ref.type === 'categorical' && op.type === 'categorical') outcome = categoricalDrift(name, ref, op, cfg);
    else {
      outcome = {
        id: `drift.feature.${name}`,
        stage: 'analyze',
        kind: 'feature_drift',
        subject: name,
        status: 'skipped',
        figures: {},
        summary: ref.type === op.type ? `No univariate test for ${ref.type} columns in this version.` : `Kinds differ (${ref.type} vs ${op.type}); see the schema gate.`,
      };
    }
    if ('result' in outcome) tested.push(outcome);
    else results.push(outcome);
  }
  const usable = tested.filter((t) => Number.isFinite(t.pValue));
  const { adjusted } = benjaminiHochberg(usable.map((t) => t.pValue), cfg.alpha);
  usable.forEach((t, k) => {
    const q = adjusted[k]!;
    const significant = q <= cfg.alpha;
    const large = t.effect >= cfg.minEffect;
    const effectName = t.result.method === 'chi2_contingency' || t.result.method === 'single category' ? 'TVD' : 'KS statistic';
    t.result.status = significant && large ? 'fail' : significant ? 'warn' : 'pass';
    t.result.figures.adjustedPValue = q;
    t.result.figures.effect = t.effect;
    t.result.threshold = { alpha: cfg.alpha, minEffect: cfg.minEffect };
    t.result.summary = significant && large
      ? `Drifted: ${effectName} ${t.effect.toFixed(3)} ≥ ${cfg.minEffect}, BH-adjusted p = ${q.toExponential(2)}.`
      : significant
        ? `Statistically different (BH-adjusted p = ${q.toExponential(2)}) but small: ${effectName} ${t.effect.toFixed(3)} < ${cfg.minEffect}.`
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
