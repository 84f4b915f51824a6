// Bootstraps on sufficient statistics (issue 19) against the row bootstrap they replace, on simulated classifiers
// whose population figures are known: the binomial and multinomial draws against the exact law, the replicate
// distributions against row resampling (two-sample KS), and the intervals' coverage of the population value.
import { describe, expect, it } from '@jest/globals';
import { percentileInterval, resampleInto } from '../../src/audit/bootstrap.js';
import { confusionReplicate, probaCells, probaReplicates } from '../../src/audit/cell-bootstrap.js';
import { confusionCounts, metricsFromConfusion, probaMetrics, probaScores } from '../../src/audit/class-metrics.js';
import type { ClassOutcomes } from '../../src/audit/outcomes.js';
import { binomialCdf, binomialSample, chi2Sf, ks2samp, mulberry32, multinomialSample, normQuantile, type Mulberry32 } from '../../src/stats/index.js';

const BINS = 10;

/**
 * A 3-class problem: x ~ N(0, 1)³, true P(y | x) = softmax(Wx), the model's probabilities softmax(1.6·Wx)
 * (over-confident, so ECE is well above 0), its prediction the argmax.
 */
function simulate(n: number, rng: Mulberry32): ClassOutcomes {
  const W = [
    [1.2, -0.4, 0.3],
    [-0.5, 1.0, 0.2],
    [0.1, 0.3, -1.1],
  ];
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.nextDouble53())) * Math.cos(2 * Math.PI * rng.nextDouble53());
  const y = new Int32Array(n);
  const yhat = new Int32Array(n);
  const proba = new Float64Array(3 * n);
  const softmax = (z: number[]) => {
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  };
  for (let i = 0; i < n; i++) {
    const x = [normal(), normal(), normal()];
    const z = W.map((w) => w[0]! * x[0]! + w[1]! * x[1]! + w[2]! * x[2]!);
    const truth = softmax(z);
    const model = softmax(z.map((v) => 1.6 * v));
    const u = rng.nextDouble53();
    y[i] = u < truth[0]! ? 0 : u < truth[0]! + truth[1]! ? 1 : 2;
    yhat[i] = model.indexOf(Math.max(...model));
    proba.set(model, 3 * i);
  }
  return { classes: ['a', 'b', 'c'], y, yhat, proba };
}

const allRows = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

type Replicates = Record<'accuracy' | 'macroF1' | 'logLoss' | 'brier' | 'ece', Float64Array>;
const METRICS = ['accuracy', 'macroF1', 'logLoss', 'brier', 'ece'] as const;

/** B replicates of every metric, by resampling rows (the definition) or by drawing cells. */
function replicates(o: ClassOutcomes, B: number, method: 'rows' | 'cells', rng: Mulberry32): Replicates {
  const n = o.y.length;
  const rows = allRows(n);
  const scores = probaScores(o, rows, BINS);
  const out = Object.fromEntries(METRICS.map((m) => [m, new Float64Array(B)])) as Replicates;
  const cm = new Float64Array(9);
  const draw = new Int32Array(n);
  const counts = confusionCounts(o, rows);
  const replicate = probaReplicates(scores, probaCells(scores, BINS), rng);
  const uniform = () => rng.nextDouble53();
  for (let b = 0; b < B; b++) {
    let m;
    let p;
    if (method === 'rows') {
      resampleInto(rows, draw, rng);
      m = metricsFromConfusion(confusionCounts(o, draw, cm), o.classes);
      p = probaMetrics(scores, draw, BINS);
    } else {
      m = metricsFromConfusion(confusionReplicate(counts, n, uniform, cm), o.classes);
      p = replicate();
    }
    out.accuracy[b] = m.accuracy;
    out.macroF1[b] = m.macroF1;
    out.logLoss[b] = p.logLoss;
    out.brier[b] = p.brier;
    out.ece[b] = p.ece;
  }
  return out;
}

/** The metrics of a whole sample. */
function metricsOf(o: ClassOutcomes): Record<(typeof METRICS)[number], number> {
  const rows = allRows(o.y.length);
  const m = metricsFromConfusion(confusionCounts(o, rows), o.classes);
  const p = probaMetrics(probaScores(o, rows, BINS), null, BINS);
  return { accuracy: m.accuracy, macroF1: m.macroF1, logLoss: p.logLoss, brier: p.brier, ece: p.ece };
}

describe('binomial and multinomial draws', () => {
  it.each([
    [20, 0.3],
    [1000, 0.004],
    [1000, 0.3],
    [100_000, 0.62],
    [1_000_000, 0.0001],
    [1_000_000, 0.5],
  ])('Binomial(%i, %f) matches the exact law (χ² goodness of fit, mean, variance)', (n, p) => {
    const rng = mulberry32(n + Math.round(p * 1e6));
    const draws = 20_000;
    const x = Float64Array.from({ length: draws }, () => binomialSample(n, p, () => rng.nextDouble53()));
    const mean = x.reduce((a, b) => a + b, 0) / draws;
    const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / (draws - 1);
    const sd = Math.sqrt(n * p * (1 - p));
    expect(Math.abs(mean - n * p) / (sd / Math.sqrt(draws))).toBeLessThan(4.5);
    expect(Math.abs(variance / (sd * sd) - 1)).toBeLessThan(4.5 * Math.sqrt(2 / draws) + 0.01);
    // χ² over cells cut near the 2 %-quantiles of the normal approximation; each cell's expected count is exact
    // (binomialCdf is checked against SciPy), and cells expecting fewer than 5 draws are merged with the next.
    const cuts = [...new Set(Array.from({ length: 49 }, (_, j) => Math.floor(n * p + sd * normQuantile((j + 1) / 50))).filter((e) => e >= 0 && e < n))].sort((a, b) => a - b);
    const edges: number[] = [];
    const probabilities: number[] = [];
    let previous = 0;
    for (const e of [...cuts, n]) {
      const cdf = e >= n ? 1 : binomialCdf(e, n, p);
      if ((cdf - previous) * draws < 5 && e < n) continue;
      edges.push(e);
      probabilities.push(cdf - previous);
      previous = cdf;
    }
    const observed = new Array<number>(edges.length).fill(0);
    for (const v of x) {
      let lo = 0;
      let hi = edges.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (v <= edges[mid]!) hi = mid;
        else lo = mid + 1;
      }
      observed[lo]!++;
    }
    let chi2 = 0;
    probabilities.forEach((q, j) => (chi2 += (observed[j]! - q * draws) ** 2 / (q * draws)));
    expect(chi2Sf(chi2, edges.length - 1)).toBeGreaterThan(1e-4);
  });

  it('Multinomial counts add up and have the cells’ means', () => {
    const rng = mulberry32(9);
    const weights = [0, 5, 1, 0, 994, 0];
    const sums = new Float64Array(weights.length);
    for (let t = 0; t < 5000; t++) {
      const c = multinomialSample(1000, weights, () => rng.nextDouble53());
      expect(c.reduce((a, b) => a + b, 0)).toBe(1000);
      expect(c[0]! + c[3]! + c[5]!).toBe(0);
      c.forEach((v, j) => (sums[j]! += v));
    }
    expect(sums[1]! / 5000).toBeCloseTo(5, 0);
    expect(sums[2]! / 5000).toBeCloseTo(1, 0);
  });
});

describe('cell bootstrap against the row bootstrap', () => {
  it('draws the same replicate distribution of every metric (two-sample KS)', () => {
    const o = simulate(5000, mulberry32(1));
    const rows = replicates(o, 2000, 'rows', mulberry32(2));
    const cells = replicates(o, 2000, 'cells', mulberry32(3));
    for (const m of METRICS) {
      const ks = ks2samp(rows[m], cells[m]);
      // Same law: KS p-values are uniform; 1e-3 for five metrics is a 0.5 % false-failure rate at most (fixed seeds).
      expect({ metric: m, p: ks.pValue > 1e-3 }).toEqual({ metric: m, p: true });
    }
  });

  it('covers the population value as often as the row bootstrap does', () => {
    // Population figures from one large sample (their own error, ~1/√400,000 of the samples' spread × √(1,000), is
    // 5 % of an interval's half-width); 200 samples of 1,000 rows, 200 replicates each, 95 % intervals.
    const truth = metricsOf(simulate(400_000, mulberry32(7)));
    const R = 200;
    const covered = { rows: Object.fromEntries(METRICS.map((m) => [m, 0])), cells: Object.fromEntries(METRICS.map((m) => [m, 0])) };
    const width = { rows: Object.fromEntries(METRICS.map((m) => [m, 0])), cells: Object.fromEntries(METRICS.map((m) => [m, 0])) };
    const rng = mulberry32(11);
    for (let r = 0; r < R; r++) {
      const o = simulate(1000, rng);
      const estimate = metricsOf(o);
      for (const method of ['rows', 'cells'] as const) {
        const reps = replicates(o, 200, method, rng);
        for (const m of METRICS) {
          const ci = percentileInterval(reps[m], estimate[m], 0.95);
          covered[method][m]! += +(ci.lo <= truth[m] && truth[m] <= ci.hi);
          width[method][m]! += (ci.hi - ci.lo) / R;
        }
      }
    }
    const report = METRICS.map((m) => `${m}: rows ${(covered.rows[m]! / R).toFixed(3)} cells ${(covered.cells[m]! / R).toFixed(3)}; width ${width.rows[m]!.toPrecision(3)} / ${width.cells[m]!.toPrecision(3)}`);
    console.log(`coverage of the population value (200 samples of 1,000 rows):\n${report.join('\n')}`);
    for (const m of METRICS) {
      // Two coverage rates near 0.95 over the same 200 samples: a gap beyond 0.07 is over 3 standard errors.
      expect({ m, gap: Math.abs(covered.rows[m]! - covered.cells[m]!) / R <= 0.07 }).toEqual({ m, gap: true });
      expect({ m, width: Math.abs(width.cells[m]! / width.rows[m]! - 1) < 0.05 }).toEqual({ m, width: true });
    }
    // The smooth metrics' percentile intervals are near nominal (ECE's are not: it is biased upwards at n = 1,000).
    for (const m of ['accuracy', 'logLoss', 'brier'] as const) expect(covered.cells[m]! / R).toBeGreaterThan(0.9);
    // 80,000 row-bootstrap replicates: ~40 s alone, minutes on a loaded machine; a hang guard, not a speed bound.
  }, 600_000);
});
