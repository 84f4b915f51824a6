import { mulberry32 } from '../stats/index.js';
import { isSparseRows, type SparseRows } from '../stats/sparse-rows.js';

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

/**
 * Fit on `n` rows of `d` features with labels 0..k-1: `x` row-major (length n·d), or its non-zero entries
 * (SparseRows) when most are zero — the same model up to rounding, at the cost of the non-zeros (see `sparseDesign`).
 */
export function fitSoftmax(x: Float64Array | SparseRows, y: Int32Array, k: number, options: SoftmaxOptions = {}): SoftmaxModel {
  const n = y.length;
  const sparse = isSparseRows(x);
  const d = sparse ? x.cols : n === 0 ? 0 : x.length / n;
  if (sparse ? x.rows !== n : !Number.isInteger(d)) throw new RangeError(`fitSoftmax: x has ${sparse ? x.rows : x.length} ${sparse ? 'rows' : 'values'}, not ${sparse ? n : `a multiple of ${n} rows`}`);
  const { epochs = 30, batchSize = 256, learningRate = 0.05, l2 = 1e-4, seed = 42, sampleWeight } = options;
  const totalSteps = epochs * Math.ceil(n / batchSize);
  const { mean, scale } = sparse ? sparseMoments(x) : denseMoments(x, n, d);

  const model: SoftmaxModel = { classes: k, features: d, weights: new Float64Array(k * d), bias: new Float64Array(k), mean, scale };
  const params = [model.weights, model.bias];
  const m = params.map((p) => new Float64Array(p.length));
  const v = params.map((p) => new Float64Array(p.length));
  const grads = params.map((p) => new Float64Array(p.length));
  const rng = mulberry32(seed);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const gradWeights = grads[0]!;
  const gradBias = grads[1]!;
  const design = sparse ? sparseDesign(model, x, gradWeights) : denseDesign(model, x, gradWeights);
  const p = new Float64Array(k);
  const g = new Float64Array(k);
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
      design.startBatch();
      let totalWeight = 0;
      for (let b = start; b < end; b++) {
        const row = order[b]!;
        const w = sampleWeight ? sampleWeight[row]! : 1;
        if (w === 0) continue;
        totalWeight += w;
        design.logits(row, p);
        softmaxInPlace(p);
        const label = y[row]!;
        for (let c = 0; c < k; c++) {
          g[c] = w * (p[c]! - (c === label ? 1 : 0));
          gradBias[c]! += g[c]!;
        }
        design.addGradient(row, g);
      }
      if (totalWeight === 0) continue;
      design.finishGradient(gradBias);
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

/** How a training row meets the model: its logits, and its share `g` (per class) of the batch gradient. */
interface Design {
  startBatch(): void;
  logits(row: number, out: Float64Array): void;
  addGradient(row: number, g: Float64Array): void;
  finishGradient(gradBias: Float64Array): void;
}

function denseMoments(x: Float64Array, n: number, d: number): { mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]! / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) scale[j]! += (x[i * d + j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < d; j++) scale[j] = Math.sqrt(scale[j]!) || 1;
  return { mean, scale };
}

/** The dense moments bit for bit: zeros add nothing to the mean, and μ²/n each to the spread in their row-order place. */
function sparseMoments(x: SparseRows): { mean: Float64Array; scale: Float64Array } {
  const { rows: n, cols: d, start, index, value } = x;
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (let t = 0; t < value.length; t++) mean[index[t]!]! += value[t]! / n;
  for (let i = 0; i < n; i++) {
    let t = start[i]!;
    for (let j = 0; j < d; j++) {
      const v = t < start[i + 1]! && index[t] === j ? value[t++]! : 0;
      scale[j]! += (v - mean[j]!) ** 2 / n;
    }
  }
  for (let j = 0; j < d; j++) scale[j] = Math.sqrt(scale[j]!) || 1;
  return { mean, scale };
}

function denseDesign(model: SoftmaxModel, x: Float64Array, gradWeights: Float64Array): Design {
  const { classes: k, features: d, weights, bias, mean, scale } = model;
  const n = d === 0 ? 0 : x.length / d;
  // Standardised once, not once per epoch (the same values: the division is the same for every epoch).
  const zAll = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) zAll[i * d + j] = (x[i * d + j]! - mean[j]!) / scale[j]!;
  return {
    startBatch() {},
    logits(row, out) {
      const at = row * d;
      for (let c = 0; c < k; c++) {
        let sum = bias[c]!;
        const off = c * d;
        for (let j = 0; j < d; j++) sum += weights[off + j]! * zAll[at + j]!;
        out[c] = sum;
      }
    },
    addGradient(row, g) {
      const at = row * d;
      for (let c = 0; c < k; c++) {
        const gc = g[c]!;
        const off = c * d;
        for (let j = 0; j < d; j++) gradWeights[off + j]! += gc * zAll[at + j]!;
      }
    },
    finishGradient() {},
  };
}

/**
 * Standardisation is affine: with m_j = μ_j/σ_j, z_j = x_j/σ_j − m_j, so a row's logit is
 * (b_c − Σ_j w_cj m_j) + Σ_{x_j≠0} w_cj x_j/σ_j, and the batch gradient Σ_b g_bc z_bj is
 * Σ_b g_bc x_bj/σ_j (over non-zeros) − m_j Σ_b g_bc. A row costs its non-zeros; the intercepts and the m_j
 * correction cost k·d once per batch.
 */
function sparseDesign(model: SoftmaxModel, x: SparseRows, gradWeights: Float64Array): Design {
  const { classes: k, features: d, weights } = model;
  const { start, index, value } = x;
  const scaled = Float64Array.from(value, (v, t) => v / model.scale[index[t]!]!);
  const shift = Float64Array.from(model.mean, (mu, j) => mu / model.scale[j]!);
  const intercepts = new Float64Array(k);
  return {
    startBatch() {
      sparseIntercepts(model, shift, intercepts);
    },
    logits(row, out) {
      const from = start[row]!;
      const to = start[row + 1]!;
      for (let c = 0; c < k; c++) {
        let sum = intercepts[c]!;
        const off = c * d;
        for (let t = from; t < to; t++) sum += weights[off + index[t]!]! * scaled[t]!;
        out[c] = sum;
      }
    },
    addGradient(row, g) {
      const from = start[row]!;
      const to = start[row + 1]!;
      for (let c = 0; c < k; c++) {
        const gc = g[c]!;
        const off = c * d;
        for (let t = from; t < to; t++) gradWeights[off + index[t]!]! += gc * scaled[t]!;
      }
    },
    finishGradient(gradBias) {
      for (let c = 0; c < k; c++) {
        const gc = gradBias[c]!;
        const off = c * d;
        for (let j = 0; j < d; j++) gradWeights[off + j]! -= shift[j]! * gc;
      }
    },
  };
}

/** b_c − Σ_j w_cj μ_j/σ_j: the logit of an all-zero row. */
function sparseIntercepts(model: SoftmaxModel, shift: Float64Array, out: Float64Array): void {
  const d = model.features;
  for (let c = 0; c < model.classes; c++) {
    let sum = model.bias[c]!;
    const off = c * d;
    for (let j = 0; j < d; j++) sum -= model.weights[off + j]! * shift[j]!;
    out[c] = sum;
  }
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

/** Class probabilities for `n` rows (dense row-major, or their non-zero entries): row-major `n × classes`. */
export function predictProba(model: SoftmaxModel, x: Float64Array | SparseRows): Float64Array {
  if (isSparseRows(x)) return predictProbaSparse(model, x);
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

/** The sums of `sparseDesign`, with x_j/σ_j formed as in training. */
function predictProbaSparse(model: SoftmaxModel, x: SparseRows): Float64Array {
  const { classes: k, features: d, weights, scale } = model;
  if (x.cols !== d) throw new RangeError(`predictProba: rows have ${x.cols} columns, the model ${d} features`);
  const { start, index, value } = x;
  const intercepts = new Float64Array(k);
  sparseIntercepts(model, Float64Array.from(model.mean, (mu, j) => mu / scale[j]!), intercepts);
  const out = new Float64Array(x.rows * k);
  const p = new Float64Array(k);
  for (let i = 0; i < x.rows; i++) {
    for (let c = 0; c < k; c++) {
      let sum = intercepts[c]!;
      const off = c * d;
      for (let t = start[i]!; t < start[i + 1]!; t++) sum += weights[off + index[t]!]! * (value[t]! / scale[index[t]!]!);
      p[c] = sum;
    }
    softmaxInPlace(p);
    out.set(p, i * k);
  }
  return out;
}

/** Class probabilities from row-major `n × k` logits (as `predictProba` turns them), in place. */
export function softmaxRows(logits: Float64Array, k: number): Float64Array {
  for (let at = 0; at < logits.length; at += k) softmaxInPlace(logits.subarray(at, at + k));
  return logits;
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
export function predictClass(model: SoftmaxModel, x: Float64Array | SparseRows): Int32Array {
  return argmaxRows(predictProba(model, x), model.classes);
}
