import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { fitSoftmax, predictClass, predictProba } from '../../src/models/softmax.js';
import { sharedDir } from '../support/shared.js';

/** scikit-learn's digits (8×8 images, 10 classes): rows of 64 pixels then the label. */
function digits() {
  const text = gunzipSync(readFileSync(path.join(sharedDir(), 'datasets/sklearn-bundled/digits.csv.gz'))).toString('utf8');
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

  it('honours sample weights: a class with zero weight is not learned', () => {
    const weight = Float64Array.from(train.y, (label) => (label === 3 ? 0 : 1));
    const model = fitSoftmax(train.x, train.y, 10, { epochs: 20, seed: 2, sampleWeight: weight });
    const predicted = predictClass(model, test.x);
    const threes = test.y.reduce((s, v, i) => s + (v === 3 && predicted[i] === 3 ? 1 : 0), 0);
    expect(threes).toBe(0);
  });
});
