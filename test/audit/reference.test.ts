import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { confusionCounts, metricsFromConfusion, probaMetrics, probaScores } from '../../src/audit/class-metrics.js';
import { fitIsotonic, predictIsotonic } from '../../src/audit/isotonic.js';
import { rocCurve } from '../../src/audit/roc.js';
import { classificationFloor, floorTest, regressionFloor } from '../../src/audit/floor.js';
import { normQuantile } from '../../src/stats/index.js';
import { measuredPerformance } from '../../src/audit/index.js';
import { PerformanceConfigSchema } from '../../src/schema/config.js';
import { argmaxRows, dataset, numeric } from './support/datasets.js';
import { mulberry32 } from '../../src/stats/mulberry32.js';

/** Made by fixtures/make_reference.py (SciPy lsq_linear, scipy.stats.norm.ppf, scikit-learn definitions in NumPy). */
const ref = JSON.parse(readFileSync(new URL('./fixtures/reference.json', import.meta.url), 'utf8')) as {
  isotonic: { x: number[]; y: number[]; w: number[] | null; fit: number[] }[];
  norm_ppf: { p: number; x: number }[];
  floor: { task: string; k?: number; margin: number; y: number[]; yhat: number[]; majority?: number; median?: number; floorError: number; modelError: number; z: number; pValue: number }[];
  roc: {
    y: number[];
    score: number[];
    fpr: number[];
    tpr: number[];
    thresholds: number[];
    auc: number;
    pr: { thresholds: number[]; precision: number[]; recall: number[] };
    averagePrecision: number;
  }[];
  metrics: { k: number; y: number[]; proba: number[]; accuracy: number; balancedAccuracy: number; macroF1: number; logLoss: number; brier: number; ece: number }[];
};

describe('isotonic regression (pool-adjacent-violators) against the exact constrained least squares', () => {
  it.each(ref.isotonic.map((c, i) => [i, c] as const))('case %i', (_, c) => {
    const fit = fitIsotonic(c.x, c.y, c.w ?? undefined);
    const at = c.x.map((v) => predictIsotonic(fit, v));
    // lsq_linear solves to ~1e-10; PAV is exact up to rounding.
    at.forEach((v, i) => expect(v).toBeCloseTo(c.fit[i]!, 7));
    for (let i = 1; i < at.length; i++) expect(at[i]!).toBeGreaterThanOrEqual(at[i - 1]!);
  });

  it('pools ties, interpolates between knots and clips outside them', () => {
    const fit = fitIsotonic([0, 0, 1, 2], [0, 1, 0, 2]);
    // Ties at x = 0 pool to 0.5, which violates against 0 at x = 1: both become 1/3.
    expect(predictIsotonic(fit, 0)).toBeCloseTo(1 / 3, 12);
    expect(predictIsotonic(fit, 1.5)).toBeCloseTo((1 / 3 + 2) / 2, 12);
    expect(predictIsotonic(fit, -5)).toBeCloseTo(1 / 3, 12);
    expect(predictIsotonic(fit, 9)).toBe(2);
  });
});

describe('normal quantile', () => {
  it.each(ref.norm_ppf.map((c) => [c.p, c.x] as const))('Φ⁻¹(%p) = %p', (p, x) => {
    // Bisection to double precision: relative 1e-12 except near 0 where absolute 1e-12 applies.
    expect(Math.abs(normQuantile(p) - x)).toBeLessThan(1e-12 * Math.max(1, Math.abs(x)));
  });
});

describe('classification metrics against scikit-learn definitions', () => {
  it.each(ref.metrics.map((m) => [m.k, m] as const))('k = %i', (k, m) => {
    const n = m.y.length;
    const proba = Float64Array.from(m.proba);
    const o = { classes: Array.from({ length: k }, (_, i) => `c${i}`), y: Int32Array.from(m.y), yhat: argmaxRows(proba, k), proba };
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    const cm = metricsFromConfusion(confusionCounts(o, rows), o.classes);
    expect(cm.accuracy).toBeCloseTo(m.accuracy, 12);
    expect(cm.balancedAccuracy).toBeCloseTo(m.balancedAccuracy, 12);
    expect(cm.macroF1).toBeCloseTo(m.macroF1, 12);
    const pm = probaMetrics(probaScores(o, rows, 10), null, 10);
    expect(pm.logLoss).toBeCloseTo(m.logLoss, 10);
    expect(pm.brier).toBeCloseTo(m.brier, 10);
    expect(pm.ece).toBeCloseTo(m.ece, 10);
  });
});

describe('ROC curve against scikit-learn (roc_curve with every threshold, roc_auc_score)', () => {
  it.each(ref.roc.map((c) => [c.y.length, c] as const))('n = %i', (n, c) => {
    const proba = Float64Array.from(c.score.flatMap((s) => [1 - s, s]));
    const o = { classes: ['neg', 'pos'], y: Int32Array.from(c.y), yhat: argmaxRows(proba, 2), proba };
    const roc = rocCurve(o)!;
    expect(roc.positive).toBe('pos');
    expect(roc.auc).toBeCloseTo(c.auc, 12);
    // scikit-learn's first point is (0, 0) at threshold +inf; ours is at 1, the highest a probability can be.
    const points = roc.points.slice(1);
    if (c.thresholds.length <= 100) {
      expect(points.map((p) => p.threshold)).toEqual(c.thresholds);
      points.forEach((p, i) => {
        expect(p.fpr).toBeCloseTo(c.fpr[i + 1]!, 12);
        expect(p.tpr).toBeCloseTo(c.tpr[i + 1]!, 12);
      });
    } else {
      // Thinned to 101 points, both ends kept: every kept point is one of scikit-learn's.
      expect(roc.points).toHaveLength(101);
      const at = new Map(c.thresholds.map((t, i) => [t, i + 1]));
      for (const p of points) {
        const i = at.get(p.threshold)!;
        expect(p.fpr).toBeCloseTo(c.fpr[i]!, 12);
        expect(p.tpr).toBeCloseTo(c.tpr[i]!, 12);
      }
      const positives = c.y.filter((v) => v === 1).length;
      expect(points.at(-1)).toEqual({ threshold: c.thresholds.at(-1), tpr: 1, fpr: 1, precision: positives / c.y.length });
    }
    expect(n).toBe(c.score.length);
  });

  it.each(ref.roc.map((c) => [c.y.length, c] as const))('precision–recall, n = %i: precision_recall_curve and average_precision_score', (n, c) => {
    const proba = Float64Array.from(c.score.flatMap((s) => [1 - s, s]));
    const roc = rocCurve({ classes: ['neg', 'pos'], y: Int32Array.from(c.y), yhat: argmaxRows(proba, 2), proba })!;
    // The area is taken over the full curve, before thinning.
    expect(roc.averagePrecision).toBeCloseTo(c.averagePrecision, 12);
    expect(roc.positives + roc.negatives).toBe(n);
    expect(roc.positives).toBe(c.y.filter((v) => v === 1).length);
    // scikit-learn lists thresholds up to full recall; every point of ours at one of them matches it, and (unthinned)
    // every one of them is a point of ours.
    const at = new Map(c.pr.thresholds.map((t, i) => [t, i]));
    // (Our first point is "nothing positive", written at threshold 1: not scikit-learn's point at a score of 1.)
    const matched = roc.points.slice(1).filter((p) => at.has(p.threshold));
    for (const p of matched) {
      const i = at.get(p.threshold)!;
      expect(p.precision).toBeCloseTo(c.pr.precision[i]!, 12);
      expect(p.tpr).toBeCloseTo(c.pr.recall[i]!, 12);
    }
    if (c.thresholds.length <= 100) expect(matched).toHaveLength(c.pr.thresholds.length);
    else expect(matched.length).toBeGreaterThan(50);
    // Nothing predicted positive: precision 1 by scikit-learn's convention, recall 0.
    expect(roc.points[0]).toMatchObject({ tpr: 0, fpr: 0, precision: 1 });
  });

  it('needs two classes with labelled rows and probabilities', () => {
    const proba = Float64Array.from([0.2, 0.8, 0.6, 0.4]);
    expect(rocCurve({ classes: ['a', 'b'], y: Int32Array.from([1, 1]), yhat: Int32Array.from([1, 0]), proba })).toBeNull();
    expect(rocCurve({ classes: ['a', 'b'], y: Int32Array.from([1, 0]), yhat: Int32Array.from([1, 0]), proba: null })).toBeNull();
  });
});

describe('absolute floor (paired z-test against the best constant predictor) against NumPy/SciPy', () => {
  it.each(ref.floor.map((c, i) => [i, c.task, c.y.length, c] as const))('case %i: %s, n = %i', (_, task, n, c) => {
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    const got =
      task === 'classification'
        ? classificationFloor(Int32Array.from(c.y), Int32Array.from(c.yhat), rows, Array.from({ length: c.k! }, (_, i) => `c${i}`), c.margin)
        : regressionFloor(Float64Array.from(c.y), Float64Array.from(c.yhat), rows, c.margin);
    expect(got.constant).toBe(task === 'classification' ? `c${c.majority}` : c.median);
    expect(got.floorError).toBeCloseTo(c.floorError, 12);
    expect(got.modelError).toBeCloseTo(c.modelError, 12);
    expect(got.z).toBeCloseTo(c.z, 9);
    expect(Math.abs(got.pValue - c.pValue)).toBeLessThanOrEqual(1e-9 * Math.max(c.pValue, 1e-300) + 1e-300);
  });

  it('a zero spread decides by the sign of the mean, with a finite z', () => {
    const same = floorTest(Float64Array.from([1, 1, 1]), Float64Array.from([1, 1, 1]), 0);
    expect(same).toMatchObject({ pValue: 1, z: 0 });
    const worse = floorTest(Float64Array.from([1, 1, 1]), Float64Array.from([0, 0, 0]), 0);
    expect(worse.pValue).toBe(0);
    expect(Number.isFinite(worse.z)).toBe(true);
  });
});

describe('regression metrics against NumPy', () => {
  const cases = (JSON.parse(readFileSync(new URL('./fixtures/reference.json', import.meta.url), 'utf8')) as { regression: { y: number[]; yhat: number[]; mae: number; rmse: number; r2: number; bias: number }[] }).regression;
  it.each(cases.map((c) => [c.y.length, c] as const))('n = %i', (_, c) => {
    const d = (role: 'operational' | 'validation') => dataset(role, [numeric('target', Float64Array.from(c.y)), numeric('predicted', Float64Array.from(c.yhat)), numeric('x', new Float64Array(c.y.length))]);
    const roles = { task: 'regression' as const, label: 'target', prediction: 'predicted', proba: [], features: ['x'], excluded: [] };
    const check = measuredPerformance(d('operational'), d('validation'), roles, { ...PerformanceConfigSchema.parse(undefined), alpha: 0.05 })!;
    expect(check.id).toBe('audit.performance.mae');
    for (const name of ['mae', 'rmse', 'r2', 'bias'] as const) expect(Number(check.figures[name])).toBeCloseTo(c[name], 10);
    // Same data on both sides: no drop.
    expect(check.status).toBe('pass');
    expect(Number(check.figures.drop)).toBe(0);
  });
});

describe('isotonic prediction by bucket index', () => {
  /** The definition it replaced: clip, then a binary search over every knot. */
  const byBinarySearch = (x: Float64Array, y: Float64Array, v: number) => {
    const n = x.length;
    if (v <= x[0]!) return y[0]!;
    if (v >= x[n - 1]!) return y[n - 1]!;
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (x[mid]! <= v) lo = mid;
      else hi = mid;
    }
    return y[lo]! + ((v - x[lo]!) / (x[hi]! - x[lo]!)) * (y[hi]! - y[lo]!);
  };
  const rng = mulberry32(11);
  const shapes: [string, () => number][] = [
    ['uniform', () => rng.nextDouble53()],
    ['crowded near 1', () => 1 - rng.nextDouble53() ** 6 * 0.9],
    ['a far outlier', () => (rng.nextDouble53() < 0.001 ? 1e6 : rng.nextDouble53())],
    ['few distinct', () => Math.floor(rng.nextDouble53() * 5) / 4],
  ];
  it.each(shapes)('%s: the same values as a binary search over the knots, at knots, between them and outside', (_, draw) => {
    const n = 20000;
    const x = Float64Array.from({ length: n }, draw);
    const y = Float64Array.from(x, (v) => (rng.nextDouble53() < Math.min(1, Math.abs(v)) ? 1 : 0));
    const fit = fitIsotonic(x, y);
    const queries = [...fit.x, ...Array.from({ length: 20000 }, draw), -1, 2e6, NaN, fit.x[0]!, fit.x[fit.x.length - 1]!];
    for (const v of queries) expect(Object.is(predictIsotonic(fit, v), byBinarySearch(fit.x, fit.y, v))).toBe(true);
  });
});
