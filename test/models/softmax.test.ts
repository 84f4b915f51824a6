import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import { fitSoftmax, predictClass, predictProba, type SoftmaxModel } from '../../src/models/softmax.js';
import { mulberry32 } from '../../src/stats/index.js';
import { SKLEARN_DIGITS } from '../support/data.js';

/** scikit-learn's digits (Debian python3-sklearn; 8×8 images, 10 classes): rows of 64 pixels then the label. */
function digits() {
  const text = gunzipSync(readFileSync(SKLEARN_DIGITS)).toString('utf8');
  const rows = text.trim().split('\n').map((l) => l.split(',').map(Number));
  const d = rows[0]!.length - 1;
  const x = new Float64Array(rows.length * d);
  const y = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    x.set(r.slice(0, d), i * d);
    y[i] = r[d]!;
  });
  return { x, y, d, n: rows.length };
}

/**
 * Largest |partial derivative| of the objective fitSoftmax minimises — weighted mean cross-entropy plus (l2/2)·|W|²
 * on standardised features — over every weight and bias: 0 at the optimum, whatever the seed.
 */
function gradientMax(m: SoftmaxModel, x: Float64Array, y: Int32Array, w: Float64Array, l2: number): number {
  const { classes: k, features: d } = m;
  const g = new Float64Array(k * d + k);
  const p = new Float64Array(k);
  const z = new Float64Array(d);
  let weightSum = 0;
  for (let i = 0; i < y.length; i++) {
    for (let j = 0; j < d; j++) z[j] = (x[i * d + j]! - m.mean[j]!) / m.scale[j]!;
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let s = m.bias[c]!;
      for (let j = 0; j < d; j++) s += m.weights[c * d + j]! * z[j]!;
      p[c] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += p[c] = Math.exp(p[c]! - max);
    for (let c = 0; c < k; c++) {
      const e = w[i]! * (p[c]! / sum - (c === y[i] ? 1 : 0));
      for (let j = 0; j < d; j++) g[c * d + j]! += e * z[j]!;
      g[k * d + c]! += e;
    }
    weightSum += w[i]!;
  }
  let out = 0;
  for (let q = 0; q < g.length; q++) out = Math.max(out, Math.abs(g[q]! / weightSum + (q < k * d ? l2 * m.weights[q]! : 0)));
  return out;
}

/** 5000 rows of 4 Gaussian features, 3 classes drawn from a softmax of them (not separable); half the rows weigh 5. */
function weightedProblem() {
  const rng = mulberry32(5);
  const u = () => rng.nextDouble53();
  const n = 5000;
  const d = 4;
  const x = new Float64Array(n * d);
  const y = new Int32Array(n);
  const a = [
    [1.0, -0.5, 0.3, 0],
    [-0.8, 0.9, 0, 0.4],
    [0, 0, -0.6, 0.7],
  ];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) x[i * d + j] = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
    const e = a.map((row) => Math.exp(row.reduce((s, v, j) => s + v * x[i * d + j]!, 0)));
    const t = (e[0]! + e[1]! + e[2]!) * u();
    y[i] = e[0]! > t ? 0 : e[0]! + e[1]! > t ? 1 : 2;
  }
  return { x, y, w: Float64Array.from({ length: n }, (_, i) => (x[i * d]! > 0 ? 5 : 1)) };
}

const accuracy = (a: Int32Array, b: Int32Array) => a.reduce((s, v, i) => s + (v === b[i] ? 1 : 0), 0) / a.length;

describe('softmax regression', () => {
  const { x, y, d, n } = digits();
  const split = Math.floor(n * 0.7);
  const train = { x: x.subarray(0, split * d), y: y.subarray(0, split) };
  const test = { x: x.subarray(split * d), y: y.subarray(split) };

  it('learns handwritten digits well above chance on held-out rows', () => {
    const model = fitSoftmax(train.x, train.y, 10, { epochs: 40, seed: 1 });
    // Published linear baselines on this split are ~0.93–0.96; chance is 0.1.
    expect(accuracy(predictClass(model, test.x), test.y)).toBeGreaterThan(0.9);
    const proba = predictProba(model, test.x.subarray(0, 5 * d));
    for (let i = 0; i < 5; i++) expect(proba.subarray(i * 10, i * 10 + 10).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = fitSoftmax(train.x, train.y, 10, { epochs: 3, seed: 5 });
    const b = fitSoftmax(train.x, train.y, 10, { epochs: 3, seed: 5 });
    const c = fitSoftmax(train.x, train.y, 10, { epochs: 3, seed: 6 });
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    expect(Array.from(a.weights)).not.toEqual(Array.from(c.weights));
  });

  it('converges with weighted rows: the returned model is near the optimum at every seed (decayed step size)', () => {
    const { x, y, w } = weightedProblem();
    // Measured at seeds 1–3: 0.0010–0.0016 with the cosine decay; 0.008–0.024 at a constant step size, whose last
    // iterate keeps wandering — what made the scenario benchmark's weighted retrainings swing by 0.03 with the seed.
    for (const seed of [1, 2, 3]) expect(gradientMax(fitSoftmax(x, y, 3, { seed, sampleWeight: w }), x, y, w, 1e-4)).toBeLessThan(0.003);
  });

  it('honours sample weights: a class with zero weight is not learned', () => {
    const weight = Float64Array.from(train.y, (label) => (label === 3 ? 0 : 1));
    const model = fitSoftmax(train.x, train.y, 10, { epochs: 20, seed: 2, sampleWeight: weight });
    const predicted = predictClass(model, test.x);
    const threes = test.y.reduce((s, v, i) => s + (v === 3 && predicted[i] === 3 ? 1 : 0), 0);
    expect(threes).toBe(0);
  });
});
