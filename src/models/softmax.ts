import { mulberry32 } from '../stats/index.js';

/**
 * Multinomial logistic (softmax) regression on typed arrays: the project's fast, deterministic classifier — the
 * domain classifier of ANALYZE, the proxy model of SELECT, the "production model" of benchmarks. Features are
 * standardised with the training mean and spread; training is mini-batch Adam with L2 and a cosine-decayed step
 * size (the last iterate converges to the weighted optimum), seeded, so the same inputs give the same model bit for bit.
 */
export interface SoftmaxModel {
  classes: number;
  features: number;
  /** Row-major `classes × features`. */
  weights: Float64Array;
  bias: Float64Array;
  mean: Float64Array;
  scale: Float64Array;
}

export interface SoftmaxOptions {
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** L2 penalty on the weights (not the bias), per sample. */
  l2?: number;
  seed?: number;
  /** Per-row weights (importance or class weights); default 1. */
  sampleWeight?: Float64Array;
}

/** Fit on `n` rows of `d` features (`x` row-major, length n·d) with labels 0..k-1. */
export function fitSoftmax(x: Float64Array, y: Int32Array, k: number, options: SoftmaxOptions = {}): SoftmaxModel {
  const n = y.length;
  const d = n === 0 ? 0 : x.length / n;
  if (!Number.isInteger(d)) throw new RangeError(`fitSoftmax: x has ${x.length} values, not a multiple of ${n} rows`);
  const { epochs = 30, batchSize = 256, learningRate = 0.05, l2 = 1e-4, seed = 42, sampleWeight } = options;
  const totalSteps = epochs * Math.ceil(n / batchSize);
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]! / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) scale[j]! += (x[i * d + j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < d; j++) scale[j] = Math.sqrt(scale[j]!) || 1;

  const model: SoftmaxModel = { classes: k, features: d, weights: new Float64Array(k * d), bias: new Float64Array(k), mean, scale };
  const params = [model.weights, model.bias];
  const m = params.map((p) => new Float64Array(p.length));
  const v = params.map((p) => new Float64Array(p.length));
  const grads = params.map((p) => new Float64Array(p.length));
  const rng = mulberry32(seed);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  // Standardised once, not once per epoch (the same values: the division is the same for every epoch).
  const zAll = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) zAll[i * d + j] = (x[i * d + j]! - mean[j]!) / scale[j]!;
  const gradWeights = grads[0]!;
  const gradBias = grads[1]!;
  const { weights, bias } = model;
  const p = new Float64Array(k);
  const beta1 = 0.9;
  const beta2 = 0.999;
  let t = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng.nextDouble53() * (i + 1));
      const swap = order[i]!;
      order[i] = order[j]!;
      order[j] = swap;
    }
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      gradWeights.fill(0);
      gradBias.fill(0);
      let totalWeight = 0;
      for (let b = start; b < end; b++) {
        const row = order[b]!;
        const w = sampleWeight ? sampleWeight[row]! : 1;
        if (w === 0) continue;
        totalWeight += w;
        const at = row * d;
        // logitsInto on the row's standardised values, in place (the same sums in the same order).
        for (let c = 0; c < k; c++) {
          let sum = bias[c]!;
          const off = c * d;
          for (let j = 0; j < d; j++) sum += weights[off + j]! * zAll[at + j]!;
          p[c] = sum;
        }
        softmaxInPlace(p);
        const label = y[row]!;
        for (let c = 0; c < k; c++) {
          const g = w * (p[c]! - (c === label ? 1 : 0));
          gradBias[c]! += g;
          const off = c * d;
          for (let j = 0; j < d; j++) gradWeights[off + j]! += g * zAll[at + j]!;
        }
      }
      if (totalWeight === 0) continue;
      t++;
      // Cosine decay of the step size to ~0 over the run: at a constant rate the last iterate keeps wandering around
      // the optimum (with weighted rows, by several points of accuracy from seed to seed); decayed, it settles on it.
      const rate = (learningRate * (1 + Math.cos((Math.PI * (t - 1)) / totalSteps))) / 2;
      const lrT = (rate * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
      params.forEach((param, q) => {
        const grad = grads[q]!;
        const mq = m[q]!;
        const vq = v[q]!;
        for (let i = 0; i < param.length; i++) {
          const g = grad[i]! / totalWeight + (q === 0 ? l2 * param[i]! : 0);
          mq[i] = beta1 * mq[i]! + (1 - beta1) * g;
          vq[i] = beta2 * vq[i]! + (1 - beta2) * g * g;
          param[i]! -= (lrT * mq[i]!) / (Math.sqrt(vq[i]!) + 1e-8);
        }
      });
    }
  }
  return model;
}

function logitsInto(model: SoftmaxModel, z: Float64Array, out: Float64Array): void {
  const d = model.features;
  const weights = model.weights;
  for (let c = 0; c < model.classes; c++) {
    let s = model.bias[c]!;
    const off = c * d;
    for (let j = 0; j < d; j++) s += weights[off + j]! * z[j]!;
    out[c] = s;
  }
}

function softmaxInPlace(p: Float64Array): void {
  let max = -Infinity;
  for (const v of p) if (v > max) max = v;
  let sum = 0;
  for (let c = 0; c < p.length; c++) sum += p[c] = Math.exp(p[c]! - max);
  for (let c = 0; c < p.length; c++) p[c]! /= sum;
}

/** Class probabilities for `n` rows: row-major `n × classes`. */
export function predictProba(model: SoftmaxModel, x: Float64Array): Float64Array {
  const d = model.features;
  const n = d === 0 ? 0 : x.length / d;
  const out = new Float64Array(n * model.classes);
  const z = new Float64Array(d);
  const p = new Float64Array(model.classes);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) z[j] = (x[i * d + j]! - model.mean[j]!) / model.scale[j]!;
    logitsInto(model, z, p);
    softmaxInPlace(p);
    out.set(p, i * model.classes);
  }
  return out;
}

/** Most probable class per row of a row-major `n × k` probability matrix (the first on ties). */
export function argmaxRows(proba: Float64Array, k: number): Int32Array {
  const out = new Int32Array(proba.length / k);
  for (let i = 0; i < out.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (proba[i * k + c]! > proba[i * k + best]!) best = c;
    out[i] = best;
  }
  return out;
}

/** Most probable class per row. */
export function predictClass(model: SoftmaxModel, x: Float64Array): Int32Array {
  return argmaxRows(predictProba(model, x), model.classes);
}
