import type { Column } from '../ingest/table.js';
import type { Dataset, Roles } from '../ingest/dataset.js';
import { benjaminiHochberg, twoProportionZTest, welchZTest } from '../stats/index.js';
import { bootstrapBase, quantileSorted } from './bootstrap.js';
import { classOutcomes, labelledRows, regressionOutcomes } from './outcomes.js';
import { auditDefaults, type AuditOptions } from './performance.js';
import { CHECKS, type CheckOf, type FiguresOf } from '../checks/index.js';

type SliceDegradationCheck = CheckOf<typeof CHECKS.sliceDegradation>;


/** One condition on one feature; a slice is a conjunction of them. */
export type SlicePredicate =
  | { feature: string; op: 'eq'; value: string }
  /** lo ≤ x < hi; −Infinity / Infinity for open ends. */
  | { feature: string; op: 'range'; lo: number; hi: number }
  | { feature: string; op: 'missing' };

export interface WeakSlice {
  predicates: SlicePredicate[];
  /** The predicates as text, e.g. `age in [38, 47)`, `sex = Female`. */
  text: string[];
  /** Every operational row in the slice, labelled or not: SELECT's targeted rows and label queue. */
  operationalRows: Int32Array;
  /** Labelled operational rows in the slice, and their error rate (regression: mean absolute error). */
  rows: number;
  errorRate: number;
  baselineRows: number;
  baselineErrorRate: number;
  /** SliceLine's lift: the slice's error rate over the overall operational error rate. */
  lift: number;
  /** errorRate − baselineErrorRate: how much worse the same slice got. */
  increase: number;
  /** One-sided two-proportion z-test on the held-out half, and its Benjamini–Hochberg adjustment. */
  pValue: number;
  adjustedPValue: number;
  score: number;
}

export interface WeakSliceResult {
  check: SliceDegradationCheck;
  slices: WeakSlice[];
}

/**
 * A feature reduced to small integer codes, one per predicate it can take (-1 = none: a value unseen in the
 * operational sample), for the sampled operational rows (`op`) and sampled baseline rows (`base`) only, so memory
 * is features × maxRows whatever the input size.
 */
interface Encoded {
  name: string;
  predicates: SlicePredicate[];
  op: Int32Array;
  base: Int32Array;
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(4).replace(/\.?0+$/, ''));

export function predicateText(p: SlicePredicate): string {
  if (p.op === 'eq') return `${p.feature} = ${p.value}`;
  if (p.op === 'missing') return `${p.feature} is missing`;
  if (p.lo === -Infinity) return `${p.feature} < ${fmt(p.hi)}`;
  if (p.hi === Infinity) return `${p.feature} >= ${fmt(p.lo)}`;
  return `${p.feature} in [${fmt(p.lo)}, ${fmt(p.hi)})`;
}

/** Does a column value satisfy a predicate? (For SELECT and tests applying a reported slice to other data.) */
export function matches(p: SlicePredicate, column: Column, row: number): boolean {
  if (column.type === 'numeric') {
    const missing = (column.nulls && column.nulls[row]) || Number.isNaN(column.values[row]!);
    if (p.op === 'missing') return !!missing;
    return p.op === 'range' && !missing && column.values[row]! >= p.lo && column.values[row]! < p.hi;
  }
  if (column.type === 'categorical') {
    const code = column.codes[row]!;
    if (p.op === 'missing') return code < 0;
    return p.op === 'eq' && code >= 0 && column.categories[code] === p.value;
  }
  return false;
}

function encode(name: string, op: Column | undefined, base: Column | undefined, opRows: Int32Array, baseRows: Int32Array, bins: number): Encoded | null {
  if (!op || !base) return null;
  if (op.type === 'numeric' && base.type === 'numeric') {
    const values = Float64Array.from(opRows, (i) => op.values[i]!).filter((v) => !Number.isNaN(v)).sort();
    const edges = [...new Set(Array.from({ length: bins - 1 }, (_, i) => quantileSorted(values, (i + 1) / bins)))].filter((e) => e > values[0]!);
    const predicates: SlicePredicate[] = [];
    const bounds = [-Infinity, ...edges, Infinity];
    for (let b = 0; b + 1 < bounds.length; b++) predicates.push({ feature: name, op: 'range', lo: bounds[b]!, hi: bounds[b + 1]! });
    predicates.push({ feature: name, op: 'missing' });
    const missing = predicates.length - 1;
    const code = (c: typeof op, i: number) => {
      const v = c.values[i]!;
      if ((c.nulls && c.nulls[i]) || Number.isNaN(v)) return missing;
      let b = 0;
      while (b < edges.length && v >= edges[b]!) b++;
      return b;
    };
    return { name, predicates, op: Int32Array.from(opRows, (i) => code(op, i)), base: Int32Array.from(baseRows, (i) => code(base, i)) };
  }
  if (op.type === 'categorical' && base.type === 'categorical') {
    const predicates: SlicePredicate[] = op.categories.map((value) => ({ feature: name, op: 'eq', value }));
    predicates.push({ feature: name, op: 'missing' });
    const missing = predicates.length - 1;
    const index = new Map(op.categories.map((c, i) => [c, i]));
    const baseCode = (c: number) => (c < 0 ? missing : (index.get(base.categories[c]!) ?? -1));
    return { name, predicates, op: Int32Array.from(opRows, (i) => (op.codes[i]! < 0 ? missing : op.codes[i]!)), base: Int32Array.from(baseRows, (i) => baseCode(base.codes[i]!)) };
  }
  return null;
}

interface Candidate {
  /** Pairs (feature index, code), sorted by feature index. */
  items: [number, number][];
  /** Positions into the labelled operational sample. */
  members: Int32Array;
  score: number;
}

/** Per-row loss (0/1 error, or absolute error for regression) and the rows that have one. */
function losses(d: Dataset, roles: Roles): { loss: Float64Array; rows: Int32Array } | null {
  if (roles.task === 'classification') {
    const o = classOutcomes(d, roles);
    if (!o) return null;
    return { loss: Float64Array.from(o.y, (y, i) => (y === o.yhat[i] ? 0 : 1)), rows: labelledRows(o) };
  }
  const o = regressionOutcomes(d, roles);
  if (!o) return null;
  const loss = Float64Array.from(o.y, (y, i) => Math.abs(o.yhat[i]! - y));
  const rows: number[] = [];
  for (let i = 0; i < loss.length; i++) if (Number.isFinite(loss[i]!)) rows.push(i);
  return { loss, rows: Int32Array.from(rows) };
}

const keyOf = (items: [number, number][]) => items.map(([f, c]) => `${f}:${c}`).join('&');

/**
 * Weak slices that got worse (SliceLine-style, Sagadeeva & Boehm 2021): conjunctions of up to `maxPredicates`
 * predicates (quantile bins of numeric features, categorical values, missing) over labelled operational rows,
 * scored by SliceLine's α·(slice error / overall error − 1) − (1 − α)·(n / slice size − 1) among slices holding at
 * least `minSupport` labelled rows, searched level by level keeping the best `beam`. To keep the p-values honest
 * the labelled rows are split at random: one half searches and ranks, the other half tests each of the `beam` best
 * slices against the same slice on the baseline (one-sided two-proportion z-test, Benjamini–Hochberg at `fdr`).
 * A slice is degraded when it survives the correction and its error rose by at least `minIncrease`; a slice whose
 * generalisation (a subset of its predicates) is reported with a higher score is left out as redundant unless its
 * own error is clearly higher (by `minIncrease`) — then it locates the damage more precisely.
 * Classification uses 0/1 errors (error rate, pooled two-proportion z-test, `minIncrease` absolute); regression the
 * absolute error (MAE, Welch z-test, `minIncrease` relative to the slice's baseline MAE).
 */
export function weakSlices(operational: Dataset, baseline: Dataset | undefined, roles: Roles, options: AuditOptions & { fdr: number }): WeakSliceResult {
  const { fdr } = options;
  const { audit, rng } = auditDefaults(options);
  const sc = audit.slices;
  const base = { id: 'audit.slices', stage: CHECKS.sliceDegradation.stage, kind: CHECKS.sliceDegradation.kind, method: `SliceLine-style search (≤ ${sc.maxPredicates} predicates), split-sample one-sided z-test, Benjamini–Hochberg` };
  const none = (status: SliceDegradationCheck['status'], summary: string, figures: FiguresOf<typeof CHECKS.sliceDegradation> = {}): WeakSliceResult => ({ check: { ...base, status, figures, threshold: { minSupport: sc.minSupport }, summary }, slices: [] });
  const op = losses(operational, roles);
  const bl = baseline ? losses(baseline, roles) : null;
  if (!op || !bl) return none('skipped', 'The slice search needs predictions and labels on the operational data and a labelled baseline with predictions.');
  const regression = roles.task === 'regression';
  const all = op.rows;
  const baseLabelled = bl.rows;
  if (all.length < 2 * sc.minSupport || baseLabelled.length < sc.minSupport) {
    return none('insufficient_data', `The slice search needs ${2 * sc.minSupport} labelled operational rows and ${sc.minSupport} labelled baseline rows (has ${all.length} and ${baseLabelled.length}).`, { labelled: all.length, baselineRows: baseLabelled.length });
  }
  const sample = bootstrapBase(all, sc.maxRows, rng).rows;
  const baseRows = bootstrapBase(baseLabelled, sc.maxRows, rng).rows;
  const n = sample.length;
  const err = Float64Array.from(sample, (i) => op.loss[i]!);
  // Random half for the search; the rest tests.
  const inSearch = new Uint8Array(n);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.nextDouble53() * (i + 1));
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  for (let i = 0; i < n >> 1; i++) inSearch[perm[i]!] = 1;
  let nS = 0;
  let eS = 0;
  let eAll = 0;
  for (let r = 0; r < n; r++) {
    eAll += err[r]!;
    if (inSearch[r]) (nS++, (eS += err[r]!));
  }
  const overallS = eS / nS;
  const overall = eAll / n;
  let baseErrors = 0;
  for (const i of baseRows) baseErrors += bl.loss[i]!;
  const baseOverall = baseErrors / baseRows.length;
  const figures: FiguresOf<typeof CHECKS.sliceDegradation> = { labelled: all.length, searched: n, errorRate: overall, baselineErrorRate: baseOverall, metric: regression ? 'mean absolute error' : 'error rate' };
  if (eS === 0) return { check: { ...base, status: 'pass', figures, summary: 'No errors among the labelled operational rows: no weak slice.' }, slices: [] };

  const features = roles.features.map((f) => encode(f, operational.columns.get(f), baseline!.columns.get(f), sample, baseRows, sc.bins)).filter((e): e is Encoded => e !== null);
  const score = (size: number, errors: number) => (size === 0 ? -Infinity : sc.scoreAlpha * (errors / size / overallS - 1) - (1 - sc.scoreAlpha) * (nS / size - 1));

  /** Extend a slice (its members) by one predicate on each feature after its last: counts per code in one pass. */
  const extend = (parent: Candidate | null, featureIdx: number[]): Candidate[] => {
    const out: Candidate[] = [];
    const members = parent?.members ?? null;
    const m = members ? members.length : n;
    const used = new Set(parent?.items.map(([f]) => f));
    for (const f of featureIdx) {
      if (used.has(f)) continue;
      const enc = features[f]!;
      const k = enc.predicates.length;
      const size = new Int32Array(k);
      const sizeS = new Int32Array(k);
      const errS = new Float64Array(k);
      for (let t = 0; t < m; t++) {
        const r = members ? members[t]! : t;
        const c = enc.op[r]!;
        if (c < 0) continue;
        size[c]!++;
        if (inSearch[r]) (sizeS[c]!++, (errS[c]! += err[r]!));
      }
      for (let c = 0; c < k; c++) {
        if (size[c]! < sc.minSupport || size[c] === m) continue; // too small, or no narrower than the parent
        const s = score(sizeS[c]!, errS[c]!);
        if (Number.isNaN(s)) continue;
        const items = [...(parent?.items ?? []), [f, c] as [number, number]].sort((a, b) => a[0] - b[0]);
        out.push({ items, members: new Int32Array(0), score: s });
      }
    }
    return out;
  };
  const membersOf = (items: [number, number][]): Int32Array => {
    const rows: number[] = [];
    for (let r = 0; r < n; r++) if (items.every(([f, c]) => features[f]!.op[r] === c)) rows.push(r);
    return Int32Array.from(rows);
  };

  // Level 1 over every feature; then only the features of the best single predicates are searched further.
  const everyFeature = features.map((_, i) => i);
  // A feature is kept by its best single predicate even when that scores ≤ 0: it may still sharpen a conjunction.
  const scored = extend(null, everyFeature).sort((a, b) => b.score - a.score);
  const bestOf = new Map<number, number>();
  for (const c of scored) if (!bestOf.has(c.items[0]![0])) bestOf.set(c.items[0]![0], c.score);
  const kept = [...bestOf.entries()].sort((a, b) => b[1] - a[1]).slice(0, sc.maxFeatures).map(([f]) => f);
  const positive = (list: Candidate[]) => list.filter((c) => c.score > 0);
  const pool = new Map<string, Candidate>();
  let beam = positive(scored).slice(0, sc.beam);
  for (const c of beam) pool.set(keyOf(c.items), c);
  for (let level = 2; level <= sc.maxPredicates && beam.length > 0; level++) {
    const next = new Map<string, Candidate>();
    for (const parent of beam) {
      parent.members = parent.members.length ? parent.members : membersOf(parent.items);
      for (const child of extend(parent, kept)) {
        const key = keyOf(child.items);
        if (!next.has(key) && !pool.has(key)) next.set(key, child);
      }
    }
    beam = positive([...next.values()]).sort((a, b) => b.score - a.score).slice(0, sc.beam);
    for (const c of beam) pool.set(keyOf(c.items), c);
  }

  // Test the best `beam` slices on the held-out half against the baseline.
  const tested = [...pool.values()].sort((a, b) => b.score - a.score).slice(0, sc.beam);
  const results = tested.map((c) => {
    const members = c.members.length ? c.members : membersOf(c.items);
    let size = 0;
    let errors = 0;
    let sizeT = 0;
    let errT = 0;
    let sqT = 0;
    for (const r of members) {
      size++;
      errors += err[r]!;
      if (!inSearch[r]) (sizeT++, (errT += err[r]!), (sqT += err[r]! ** 2));
    }
    let bSize = 0;
    let bErr = 0;
    let bSq = 0;
    for (let t = 0; t < baseRows.length; t++) {
      if (c.items.every(([f, code]) => features[f]!.base[t] === code)) {
        const e = bl.loss[baseRows[t]!]!;
        bSize++;
        bErr += e;
        bSq += e * e;
      }
    }
    let pValue = NaN;
    if (sizeT >= 10 && bSize >= 10) {
      const p1 = errT / sizeT;
      const p0 = bErr / bSize;
      // Regression: Welch on the absolute errors (each side's own variance); classification: 0/1 errors, pooled.
      pValue = regression
        ? welchZTest({ mean: p1, variance: (sqT - sizeT * p1 * p1) / (sizeT - 1), n: sizeT }, { mean: p0, variance: (bSq - bSize * p0 * p0) / (bSize - 1), n: bSize }, 'greater').pValue
        : twoProportionZTest(errT, sizeT, bErr, bSize, 'greater').pValue;
    }
    return { c, size, errorRate: errors / size, bSize, bRate: bSize ? bErr / bSize : NaN, pValue };
  });
  const testable = results.filter((r) => Number.isFinite(r.pValue));
  const bh = testable.length ? benjaminiHochberg(testable.map((r) => r.pValue), fdr) : null;
  const degraded = testable
    .map((r, i) => ({ ...r, adjusted: bh!.adjusted[i]! }))
    .filter((r) => r.adjusted <= fdr && (regression ? r.errorRate - r.bRate >= sc.minIncrease * r.bRate : r.errorRate - r.bRate >= sc.minIncrease))
    .sort((a, b) => b.c.score - a.c.score);
  const reported: typeof degraded = [];
  for (const r of degraded) {
    // A refinement of a reported slice adds nothing unless its error is clearly higher (by minIncrease) than there.
    const clearlyWorse = (g: (typeof degraded)[number]) => (regression ? r.errorRate >= g.errorRate * (1 + sc.minIncrease) : r.errorRate >= g.errorRate + sc.minIncrease);
    const redundant = reported.some((g) => g.c.items.every(([f, code]) => r.c.items.some(([f2, c2]) => f2 === f && c2 === code)) && !clearlyWorse(g));
    if (!redundant) reported.push(r);
    if (reported.length >= sc.top) break;
  }
  const slices: WeakSlice[] = reported.map((r) => {
    const predicates = r.c.items.map(([f, code]) => features[f]!.predicates[code]!);
    const columns = predicates.map((p) => operational.columns.get(p.feature)!);
    const rows: number[] = [];
    for (let i = 0; i < operational.rows; i++) if (predicates.every((p, j) => matches(p, columns[j]!, i))) rows.push(i);
    return {
      predicates,
      text: predicates.map(predicateText),
      operationalRows: Int32Array.from(rows),
      rows: r.size,
      errorRate: r.errorRate,
      baselineRows: r.bSize,
      baselineErrorRate: r.bRate,
      lift: overall > 0 ? r.errorRate / overall : NaN,
      increase: r.errorRate - r.bRate,
      pValue: r.pValue,
      adjustedPValue: r.adjusted,
      score: r.c.score,
    };
  });
  Object.assign(figures, { candidates: pool.size, tested: testable.length, degraded: degraded.length, reported: slices.length });
  const status = slices.length ? 'fail' : 'pass';
  const show = (v: number) => (regression ? v.toPrecision(4) : `${(v * 100).toFixed(1)}%`);
  return {
    check: {
      ...base,
      status,
      figures,
      threshold: { fdr, minSupport: sc.minSupport, minIncrease: sc.minIncrease, maxPredicates: sc.maxPredicates, beam: sc.beam },
      details: {
        slices: slices.map((s) => ({ predicates: s.text, rows: s.rows, operationalRows: s.operationalRows.length, errorRate: s.errorRate, baselineRows: s.baselineRows, baselineErrorRate: s.baselineErrorRate, lift: s.lift, increase: s.increase, pValue: s.pValue, adjustedPValue: s.adjustedPValue })),
      },
      summary: slices.length
        ? `${slices.length} slice(s) got worse than on the baseline; worst: ${slices[0]!.text.join(' and ')} — ${regression ? 'MAE' : 'error'} ${show(slices[0]!.baselineErrorRate)} → ${show(slices[0]!.errorRate)} on ${slices[0]!.rows} labelled rows.`
        : `No slice got significantly worse than on the baseline (${testable.length} tested at FDR ${fdr}).`,
    },
    slices,
  };
}
