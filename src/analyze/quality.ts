import type { Dataset, Roles } from '../ingest/dataset.js';
import { columnLength, type Column } from '../ingest/table.js';
import type { AnalyzeConfig } from '../schema/config.js';
import type { CheckStatus } from '../schema/results.js';
import type { QualityFinding } from '../checks/shapes.js';
import { mulberry32 } from '../stats/index.js';
import { sampleIndices, subSeed } from './sampling.js';
import { CHECKS, type CheckOf, type DetailsOf, type FiguresOf } from '../checks/index.js';

type DataQualityCheck = CheckOf<typeof CHECKS.dataQuality>;

type QualityConfig = AnalyzeConfig['quality'];

/** Rows hashed for the duplicate count (a Set of 2 000 000 hashes is ~100 MB; beyond, only the first rows). */
const DUPLICATE_ROWS = 2_000_000;

/** One finding on one column; the column's status is the worst of its findings. */
export type { QualityFinding } from '../checks/shapes.js';

const rank: Record<CheckStatus, number> = { pass: 0, skipped: 0, insufficient_data: 1, warn: 2, error: 3, fail: 4 };
const worst = (findings: QualityFinding[]): CheckStatus => findings.reduce<CheckStatus>((s, f) => (rank[f.status] > rank[s] ? f.status : s), 'pass');

/** Whether row i of a column is null, NaN or ±Inf (invalid for analysis). */
function invalidAt(c: Column, i: number): boolean {
  if (c.type === 'numeric') return !!c.nulls?.[i] || !Number.isFinite(c.values[i]!);
  if (c.type === 'categorical') return c.codes[i]! < 0;
  if (c.type === 'tensor' || c.type === 'timestamp') return !!c.nulls?.[i];
  return c.type === 'null';
}

/** Share of rows that are null, NaN or ±Inf (invalid for analysis) within the sampled rows. */
function invalidShare(c: Column, rows: Int32Array): number {
  if (rows.length === 0) return 0;
  let bad = 0;
  for (const i of rows) if (invalidAt(c, i)) bad++;
  return bad / rows.length;
}

/** Rows of `dataset` whose value in `column` is null, NaN or ±Inf (what a failed null-rate gate excludes from training). */
export function invalidRows(dataset: Dataset, column: string): number[] {
  const c = dataset.columns.get(column);
  if (!c) return [];
  const rows: number[] = [];
  for (let i = 0; i < dataset.rows; i++) if (invalidAt(c, i)) rows.push(i);
  return rows;
}

function finiteSorted(c: Extract<Column, { type: 'numeric' }>, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  let n = 0;
  for (const i of rows) {
    const v = c.values[i]!;
    if (!c.nulls?.[i] && Number.isFinite(v)) out[n++] = v;
  }
  return out.subarray(0, n).sort();
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

const quantile = (s: Float64Array, q: number) => s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))]!;

/** Typical magnitude: median |x|, or mean |x| when more than half the values are zero. */
function magnitude(s: Float64Array): number {
  const abs = new Float64Array(s.length);
  for (let i = 0; i < s.length; i++) abs[i] = Math.abs(s[i]!);
  abs.sort();
  const med = quantile(abs, 0.5);
  if (med > 0) return med;
  let sum = 0;
  for (const v of abs) sum += v;
  return sum / Math.max(1, abs.length);
}

function categoryShares(c: Extract<Column, { type: 'categorical' }>, rows: Int32Array): { shares: Map<string, number>; n: number } {
  const counts = new Float64Array(c.categories.length);
  let n = 0;
  for (const i of rows) {
    const code = c.codes[i]!;
    if (code >= 0) (counts[code]! += 1), n++;
  }
  const shares = new Map<string, number>();
  c.categories.forEach((name, k) => counts[k]! > 0 && shares.set(name, (shares.get(name) ?? 0) + counts[k]! / n));
  return { shares, n };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function columnFindings(ref: Column, op: Column, refRows: Int32Array, opRows: Int32Array, cfg: QualityConfig, figures: FiguresOf<typeof CHECKS.dataQuality>, details: DetailsOf<typeof CHECKS.dataQuality>): QualityFinding[] {
  const findings: QualityFinding[] = [];
  const nullRef = invalidShare(ref, refRows);
  const nullOp = invalidShare(op, opRows);
  figures.nullShareReference = nullRef;
  figures.nullShareOperational = nullOp;
  const rise = nullOp - nullRef;
  if (nullOp === 1 && opRows.length > 0 && nullRef < 1) findings.push({ check: 'empty', status: 'fail', text: 'every operational value is null, NaN or ±Inf' });
  else if (rise >= cfg.maxNullIncrease) findings.push({ check: 'null_rate', status: 'fail', text: `null / NaN / ±Inf share rose from ${pct(nullRef)} to ${pct(nullOp)}` });
  else if (rise >= cfg.warnNullIncrease) findings.push({ check: 'null_rate', status: 'warn', text: `null / NaN / ±Inf share rose from ${pct(nullRef)} to ${pct(nullOp)}` });
  if (ref.type === 'null' && op.type === 'null') findings.push({ check: 'empty', status: 'warn', text: 'the column is empty in both datasets' });

  if (ref.type === 'numeric' && op.type === 'numeric') {
    const r = finiteSorted(ref, refRows);
    const o = finiteSorted(op, opRows);
    if (r.length > 0 && o.length > 0) {
      const lo = quantile(r, 0.001);
      const hi = quantile(r, 0.999);
      let outside = 0;
      for (const v of o) if (v < lo || v > hi) outside++;
      const share = outside / o.length;
      figures.outOfRangeShare = share;
      details.referenceRange = [lo, hi];
      if (share > cfg.maxOutOfRange) findings.push({ check: 'out_of_range', status: 'warn', text: `${pct(share)} of operational values lie outside the reference 0.1–99.9 percentiles [${lo}, ${hi}]` });
      const mr = magnitude(r);
      const mo = magnitude(o);
      const ratio = mr > 0 && mo > 0 ? Math.max(mr / mo, mo / mr) : 1;
      figures.magnitudeRatio = ratio;
      // A unit change moves most values out of the reference range, and undoing the factor gives the reference
      // shape back. A magnitude jump with nearly every value still in range (a sparse pixel that gains ink, a
      // new class) is drift, not a unit change.
      const shapeAfterRescale = mr > 0 && mo > 0 ? sortedKs(r, o, mr / mo) : 1;
      figures.rescaledKs = shapeAfterRescale;
      const mostlyOutside = share >= cfg.unitOutsideShare;
      const text = `typical magnitude changed ${ratio.toPrecision(3)}× (median |x| ${mr.toPrecision(3)} → ${mo.toPrecision(3)}), ${pct(share)} of values outside the reference range`;
      if (mostlyOutside && ratio >= cfg.unitRatio && shapeAfterRescale <= cfg.unitShapeKs) {
        findings.push({ check: 'scale_change', status: 'fail', text: `${text}, same shape once rescaled (KS ${shapeAfterRescale.toFixed(3)}): a likely unit change` });
      } else if (mostlyOutside && ratio >= cfg.scaleRatio) {
        findings.push({ check: 'scale_change', status: 'fail', text: `${text}: a likely unit or scale change` });
      } else if (ratio >= cfg.unitRatio) {
        findings.push({ check: 'scale_change', status: 'warn', text: `${text}: large, but not the signature of a unit change` });
      }
      const refConstant = r[0] === r[r.length - 1];
      const opConstant = o[0] === o[o.length - 1];
      if (opConstant && !refConstant && o.length >= 30) findings.push({ check: 'constant', status: 'fail', text: `every operational value is ${o[0]} while the reference varies (a stuck source?)` });
      else if (refConstant && opConstant) findings.push({ check: 'constant', status: 'warn', text: 'the column is constant in both datasets' });
    }
  }
  if (ref.type === 'categorical' && op.type === 'categorical') {
    const r = categoryShares(ref, refRows);
    const o = categoryShares(op, opRows);
    if (r.n > 0 && o.n > 0) {
      const fresh = [...o.shares].filter(([k]) => !r.shares.has(k)).sort((a, b) => b[1] - a[1]);
      const gone = [...r.shares].filter(([k]) => !o.shares.has(k)).sort((a, b) => b[1] - a[1]);
      const freshShare = fresh.reduce((a, [, s]) => a + s, 0);
      const goneShare = gone.reduce((a, [, s]) => a + s, 0);
      figures.newCategories = fresh.length;
      figures.newCategoryShare = freshShare;
      figures.vanishedCategories = gone.length;
      figures.vanishedCategoryShare = goneShare;
      details.newCategories = fresh.slice(0, 20).map(([category, share]) => ({ category, share }));
      details.vanishedCategories = gone.slice(0, 20).map(([category, share]) => ({ category, share }));
      const list = (xs: [string, number][]) => xs.slice(0, 3).map(([k, s]) => `${JSON.stringify(k)} ${pct(s)}`).join(', ');
      if (freshShare >= cfg.maxNewCategoryShare) findings.push({ check: 'new_categories', status: 'fail', text: `${pct(freshShare)} of operational values are categories never seen in training (${list(fresh)}): a likely re-encoding` });
      else if (freshShare >= cfg.warnNewCategoryShare) findings.push({ check: 'new_categories', status: 'warn', text: `${fresh.length} new categor${fresh.length === 1 ? 'y' : 'ies'} hold ${pct(freshShare)} of operational values (${list(fresh)})` });
      if (goneShare >= cfg.warnNewCategoryShare) findings.push({ check: 'vanished_categories', status: 'warn', text: `${gone.length} reference categor${gone.length === 1 ? 'y' : 'ies'} (${pct(goneShare)} of reference values) never appear (${list(gone)})` });
      if (o.shares.size === 1 && r.shares.size > 1 && o.n >= 30) findings.push({ check: 'constant', status: 'fail', text: `every operational value is ${JSON.stringify([...o.shares.keys()][0])} while the reference varies` });
    }
  }
  return findings;
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

function stringHash(text: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193) >>> 0;
  return h;
}

/** Share of rows (of `rows`) that repeat an earlier row, by a 53-bit hash of all feature values (nulls hash alike). */
function duplicateShare(d: Dataset, features: string[], rows: Int32Array): number {
  const columns = features.map((f) => d.columns.get(f)).filter((c): c is Column => c !== undefined);
  // Category names are hashed once per category, not once per row.
  const categoryHashes = columns.map((c) => (c.type === 'categorical' ? Uint32Array.from(c.categories, stringHash) : null));
  // Hashes sorted and compared with their neighbour: far faster than a Set of millions of doubles.
  const hashes = new Float64Array(rows.length);
  rows.forEach((i, r) => {
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    const mix = (x: number) => {
      h1 = Math.imul(h1 ^ x, 0x01000193) >>> 0;
      h2 = Math.imul(h2 ^ x, 0x5bd1e995) >>> 0;
    };
    columns.forEach((c, k) => {
      if (c.type === 'numeric' || c.type === 'timestamp') {
        F64[0] = c.nulls?.[i] ? NaN : c.values[i]!;
        mix(U32[0]!);
        mix(U32[1]!);
      } else if (c.type === 'categorical') {
        const code = c.codes[i]!;
        mix(code < 0 ? 0x9e3779b9 : categoryHashes[k]![code]!);
      } else if (c.type === 'tensor') {
        for (let j = 0; j < c.size; j += Math.max(1, Math.floor(c.size / 64))) {
          F64[0] = c.values[i * c.size + j]!;
          mix(U32[0]!);
          mix(U32[1]!);
        }
      }
    });
    hashes[r] = (h1 & 0x1fffff) * 4294967296 + h2;
  });
  hashes.sort();
  let dup = 0;
  for (let r = 1; r < hashes.length; r++) if (hashes[r] === hashes[r - 1]) dup++;
  return rows.length ? dup / rows.length : 0;
}

/**
 * Data-quality gates, one result per feature (`quality.column.<name>`, kind `data_quality`) plus duplicates
 * (`quality.duplicates`) and, for classification, the label set (`quality.labels`). Status `fail` means the
 * operational data looks broken (a column emptied, a unit or re-encoding change, a stuck source, mass
 * duplication); natural drift such as values beyond the reference range only warns.
 */
export function dataQuality(reference: Dataset, operational: Dataset, roles: Roles, cfg: QualityConfig, seed = 42): DataQualityCheck[] {
  const refRows = sampleIndices(reference.rows, cfg.maxRows, mulberry32(subSeed(seed, 'quality:ref')));
  const opRows = sampleIndices(operational.rows, cfg.maxRows, mulberry32(subSeed(seed, 'quality:op')));
  const results: DataQualityCheck[] = [];
  const threshold = { maxNullIncrease: cfg.maxNullIncrease, warnNullIncrease: cfg.warnNullIncrease, maxOutOfRange: cfg.maxOutOfRange, scaleRatio: cfg.scaleRatio, unitRatio: cfg.unitRatio, unitOutsideShare: cfg.unitOutsideShare, unitShapeKs: cfg.unitShapeKs, maxNewCategoryShare: cfg.maxNewCategoryShare };
  for (const name of roles.features) {
    const ref = reference.columns.get(name)!;
    const op = operational.columns.get(name);
    if (!op) continue; // the schema gate reports missing columns
    const figures: FiguresOf<typeof CHECKS.dataQuality> = { nReference: refRows.length, nOperational: opRows.length };
    const details: DetailsOf<typeof CHECKS.dataQuality> = {};
    const findings = columnLength(op) === 0 ? [] : columnFindings(ref, op, refRows, opRows, cfg, figures, details);
    const status = opRows.length === 0 ? 'insufficient_data' : worst(findings);
    results.push({
      id: `quality.column.${name}`,
      stage: CHECKS.dataQuality.stage,
      kind: CHECKS.dataQuality.kind,
      subject: name,
      status,
      method: 'null share, reference range, magnitude, categories, constancy',
      figures,
      threshold,
      summary: opRows.length === 0 ? 'No operational rows.' : findings.length ? findings.map((f) => f.text).join('; ') + '.' : 'No data-quality issue.',
      details: { ...details, findings },
    });
  }
  const features = roles.features.filter((f) => operational.columns.has(f));
  // Duplicates need every row: in a sample of a fraction f, a repeated row's twin is present only with chance f.
  const firstRows = (n: number) => Int32Array.from({ length: Math.min(n, DUPLICATE_ROWS) }, (_, i) => i);
  const dupRefRows = firstRows(reference.rows);
  const dupOpRows = firstRows(operational.rows);
  const dupRef = duplicateShare(reference, features, dupRefRows);
  const dupOp = duplicateShare(operational, features, dupOpRows);
  // Duplicated rows are only suspicious beyond what the reference itself shows (e.g. few discrete features).
  const excess = dupOp - dupRef;
  const dupStatus: CheckStatus = dupOpRows.length < 2 ? 'insufficient_data' : dupOp >= cfg.maxDuplicateShare && excess >= cfg.maxDuplicateShare / 2 ? 'fail' : excess >= 0.05 ? 'warn' : 'pass';
  results.push({
    id: 'quality.duplicates',
    stage: CHECKS.dataQuality.stage,
    kind: CHECKS.dataQuality.kind,
    status: dupStatus,
    method: 'rows repeating an earlier row (hash of all feature values)',
    figures: { duplicateShareReference: dupRef, duplicateShareOperational: dupOp, nReference: dupRefRows.length, nOperational: dupOpRows.length },
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
