/**
 * Per-feature drift from two profiles, through the same registry and Benjamini–Hochberg step as the row path
 * (analyze/drift.ts), each result saying what it ran on (`basis`):
 * - categorical and binary categorical columns: the profiles' exact category counts give the same chi-square or
 *   two-proportion test as the rows (while both counts are exact, i.e. at most `--category-capacity` values);
 * - numeric columns: KS between the two KLL sketches. The sketch statistic D̂ is within ε (the sum of both rank-error
 *   bounds, each at 99 %) of the exact D, so the p-value is taken at D̂ − ε: whenever both bounds hold it is at
 *   least the exact p-value, and the false-alarm rate is at most α + 2 % (the chance that a bound fails). The
 *   sketch cannot see a change smaller than ε, so before looking at the data the test is chosen by the smallest
 *   change each can detect at α: ε plus the KS critical value at the full row counts, against the critical value
 *   at the uniform sample's sizes. At k = 200 (ε = 2.7 %) the 10,000-row sample is the more sensitive one; from
 *   about k = 1,000 the sketch is.
 *   The effect (Wasserstein distance in reference standard deviations) is computed between the two sketches, the
 *   standard deviation from the exact moments; PSI on the shared histogram edges is exact.
 * - anything else (binary numeric columns, counts past the capacity, kinds that differ): the registry test on the
 *   uniform samples.
 */
import { countsDrift, judgeFeatures, testFeature, type DriftConfig, type Tested } from '../analyze/drift.js';
import { DRIFT_TESTS } from '../analyze/registry.js';
import { CHECKS, type Basis, type CheckOf } from '../checks/index.js';
import type { Dataset, Roles } from '../ingest/dataset.js';
import type { Column } from '../ingest/table.js';
import type { CategoricalProfile, NumericProfile, Profile } from '../schema/profile.js';
import { alignCategoryCounts } from '../stats/category-counts.js';
import { HyperLogLog } from '../stats/hyperloglog.js';
import { ksFromKll, type KllSketch } from '../stats/kll.js';
import { kstwoSf } from '../stats/kstwo-sf.js';
import { psiFromCounts } from '../stats/psi.js';
import { roundHalfEven } from '../stats/round-half-even.js';
import { hllFromJson, kllFromJson, momentsFromJson } from './sketches.js';

type FeatureDriftCheck = CheckOf<typeof CHECKS.featureDrift>;
type Outcome = (Tested | FeatureDriftCheck) & { basis?: Basis };

export interface ProfilePair {
  reference: Profile;
  operational: Profile;
}

/** Two-sided asymptotic KS critical value at level α for effective size en: the D with Pr(D_en > D) ≈ α. */
export function ksCritical(alpha: number, en: number): number {
  return Math.sqrt(-0.5 * Math.log(alpha / 2) / en);
}

const effectiveSize = (n: number, m: number) => (n * m) / (n + m);

const percent = (x: number) => `${(100 * x).toFixed(2)} %`;

/** Feature drift for every feature, from the profiles where they suffice and from the samples otherwise. */
export function profileFeatureDrift(profiles: ProfilePair, samples: { reference: Dataset; operational: Dataset }, roles: Roles, cfg: DriftConfig, seed: number): FeatureDriftCheck[] {
  const column = (p: Profile, name: string) => p.columns.find((c) => c.name === name);
  const outcomes: Outcome[] = [];
  for (const name of roles.features) {
    const opSample = samples.operational.columns.get(name);
    if (!opSample) continue; // a missing column: the schema gate
    const refSample = samples.reference.columns.get(name)!;
    const onSample = (why: string, extra: Partial<Basis> = {}): Outcome => ({ ...testFeature(name, refSample, opSample, cfg, seed), basis: sampleBasis(why, refSample, opSample, profiles, extra) });
    const r = column(profiles.reference, name);
    const o = column(profiles.operational, name);
    if (r?.kind === 'categorical' && o?.kind === 'categorical') {
      outcomes.push(r.frequent.errorBound === 0 && o.frequent.errorBound === 0 ? categoricalFromCounts(name, r, o, cfg) : onSample(`more distinct values than the profile counts exactly (--category-capacity ${r.frequent.capacity})`));
    } else if (r?.kind === 'numeric' && o?.kind === 'numeric') {
      const distinct = HyperLogLog.merge(hllFromJson(r.distinct), hllFromJson(o.distinct)).estimate();
      // The row path tests a column with exactly two values (both sides together) by their proportions.
      if (Math.round(distinct) === 2) outcomes.push(onSample('a two-valued numeric column: the two-proportion test needs exact counts of each value'));
      else outcomes.push(numericFromSketches(name, r, o, { reference: refSample, operational: opSample }, cfg, seed, onSample));
    } else {
      outcomes.push(onSample(`the profiles hold this column as ${r?.kind ?? 'absent'} and ${o?.kind ?? 'absent'}`));
    }
  }
  const bases = new Map(outcomes.map((o) => [('result' in o ? o.result : o).id, o.basis]));
  return judgeFeatures(outcomes, roles, cfg).map((check) => {
    const basis = bases.get(check.id);
    if (!basis) return check;
    const note = basis.on === 'sketch' ? ` On KLL sketches: KS within ±${basis.bound!.toFixed(4)} of the exact statistic; p-value taken at the low end.` : basis.on === 'counts' ? ' On the profiles’ exact counts.' : ' On the profiles’ uniform samples.';
    return { ...check, summary: check.summary + note, basis };
  });
}

function sampleBasis(why: string, ref: Column, op: Column, profiles: ProfilePair, extra: Partial<Basis>): Basis {
  const size = (c: Column) => ('values' in c ? c.values.length : 'codes' in c ? c.codes.length : 0);
  return {
    on: 'sample',
    text: `Ran on the uniform samples (${size(ref)} of ${profiles.reference.rows} reference rows, ${size(op)} of ${profiles.operational.rows} operational rows): ${why}.`,
    ...extra,
  };
}

function categoricalFromCounts(name: string, r: CategoricalProfile, o: CategoricalProfile, cfg: DriftConfig): Outcome {
  // The categories in the row path's order (reference first-seen, then new operational ones) do not change a test.
  const { categories, a: rc, b: oc } = alignCategoryCounts(r.frequent.items, o.frequent.items);
  const test = rc.length === 2 ? DRIFT_TESTS.binary : DRIFT_TESTS.categorical;
  return { ...countsDrift(name, test, categories, rc, oc, cfg), basis: { on: 'counts', text: `Exact category counts of ${r.count} reference and ${o.count} operational values: the same test as on the rows.` } };
}

function numericFromSketches(
  name: string,
  r: NumericProfile,
  o: NumericProfile,
  samples: { reference: Column; operational: Column },
  cfg: DriftConfig,
  seed: number,
  onSample: (why: string, extra?: Partial<Basis>) => Outcome,
): Outcome {
  const a = kllFromJson(r.quantiles);
  const b = kllFromJson(o.quantiles);
  const [n, m] = [a.n, b.n];
  const test = DRIFT_TESTS.numeric;
  if (n < cfg.minRows || m < cfg.minRows) return testFeature(name, samples.reference, samples.operational, cfg, seed);
  const ks = ksFromKll(a, b);
  const finite = (c: Column) => (c.type === 'numeric' ? c.values.reduce((k, v) => k + (Number.isFinite(v) ? 1 : 0), 0) : 0);
  const [ns, ms] = [finite(samples.reference), finite(samples.operational)];
  // Chosen before the statistic is looked at: the smallest change each test detects at the features' α.
  const sketchDetects = ks.errorBound + ksCritical(cfg.alpha, effectiveSize(n, m));
  const sampleDetects = ns > 0 && ms > 0 ? ksCritical(cfg.alpha, effectiveSize(ns, ms)) : Infinity;
  if (sampleDetects < sketchDetects) {
    return onSample(
      `at k = ${r.quantiles.k} the sketch KS bound ${ks.errorBound.toFixed(4)} leaves it unable to see changes below ${sketchDetects.toFixed(4)}, the sample sees ${sampleDetects.toFixed(4)} (raise --kll-k to use the sketch)`,
      { bound: ks.errorBound, sketchStatistic: ks.statistic },
    );
  }
  const en = roundHalfEven(effectiveSize(n, m));
  const low = Math.max(0, ks.statistic - ks.errorBound);
  const pValue = Math.min(1, Math.max(0, kstwoSf(low, en)));
  const moments = momentsFromJson(r.moments);
  const count = moments.count;
  const mean = (moments.sum[0] + moments.sum[1]) / count;
  const variance = Math.max(0, ((moments.sumSquares[0] + moments.sumSquares[1]) - count * mean * mean) / Math.max(1, count - 1));
  const sd = Math.sqrt(variance);
  const w = wassersteinOfSketches(a, b);
  const scale = sd > 0 ? sd : Math.abs(mean) > 0 ? Math.abs(mean) : 1;
  const effect = w / scale;
  const result: FeatureDriftCheck = {
    id: `drift.feature.${name}`,
    stage: CHECKS.featureDrift.stage,
    kind: CHECKS.featureDrift.kind,
    subject: name,
    status: 'pass',
    method: `ks from KLL sketches (asymp, p at D − ${ks.errorBound.toFixed(4)})`,
    figures: { statistic: ks.statistic, pValue, wassersteinNorm: effect, wasserstein: w, referenceSd: sd, psi: sketchPsi(r, o, a, b), nReference: n, nOperational: m, subsampled: false },
    summary: '',
    details: { test, distribution: sketchDistribution(a, b) },
  };
  const exactPsi = r.histogram && o.histogram && JSON.stringify(r.histogram.edges) === JSON.stringify(o.histogram.edges);
  return {
    pValue,
    effect,
    result,
    basis: {
      on: 'sketch',
      bound: ks.errorBound,
      sketchStatistic: ks.statistic,
      text:
        `KS from KLL sketches (k = ${r.quantiles.k} and ${o.quantiles.k}) of ${n} and ${m} values: the exact statistic lies within ±${ks.errorBound.toFixed(4)} ` +
        `(${percent(r.quantiles.rankError)} + ${percent(o.quantiles.rankError)} rank error, each at 99 %); the p-value is taken at D − ${ks.errorBound.toFixed(4)}, ` +
        `so the false-alarm rate stays at most α + 2 %. Wasserstein between the sketches, the reference SD from exact moments; PSI ${exactPsi ? 'exact on the shared histogram edges' : 'from the sketches'}.`,
    },
  };
}

/** W1 between the two distributions the sketches estimate: ∫ |F̂a − F̂b| over the union of their retained items. */
export function wassersteinOfSketches(a: KllSketch, b: KllSketch): number {
  const points = Float64Array.from([...a.sortedView().values, ...b.sortedView().values]).sort();
  let w = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const x = points[i]!;
    const width = points[i + 1]! - x;
    if (width > 0) w += Math.abs(a.cdf(x) - b.cdf(x)) * width;
  }
  return w;
}

/** PSI on the shared histogram edges (exact counts), else on the reference sketch's deciles. */
function sketchPsi(r: NumericProfile, o: NumericProfile, a: KllSketch, b: KllSketch): number {
  if (r.histogram && o.histogram && JSON.stringify(r.histogram.edges) === JSON.stringify(o.histogram.edges)) return psiFromCounts(r.histogram.counts, o.histogram.counts);
  const edges: number[] = [];
  for (let d = 1; d <= 9; d++) {
    const e = a.quantile(d / 10);
    if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e);
  }
  const counts = (s: KllSketch) => [...edges, Infinity].map((e, i) => (s.cdf(e) - (i === 0 ? 0 : s.cdf(edges[i - 1]!))) * s.n);
  return psiFromCounts(counts(a), counts(b));
}

/** The report's chart: 30 equal-width bins over the 0.5–99.5 % range of both, as the row path draws it. */
function sketchDistribution(a: KllSketch, b: KllSketch) {
  const BINS = 30;
  const lo = Math.min(a.quantile(0.005), b.quantile(0.005));
  const hi = Math.max(a.quantile(0.995), b.quantile(0.995));
  const width = hi > lo ? (hi - lo) / BINS : 1;
  const edges = Array.from({ length: BINS + 1 }, (_, i) => lo + i * width);
  const shares = (s: KllSketch) => Array.from({ length: BINS }, (_, i) => (i === BINS - 1 ? 1 : s.cdf(edges[i + 1]!)) - (i === 0 ? 0 : s.cdf(edges[i]!)));
  return { kind: 'numeric' as const, edges, reference: shares(a), operational: shares(b) };
}

