import { describe, expect, it } from '@jest/globals';
import { tabularEncoder } from '../../src/analyze/encode.js';
import type { Dataset } from '../../src/ingest/dataset.js';
import type { Column } from '../../src/ingest/table.js';
import { fitSoftmax, predictProba, softmaxRows } from '../../src/models/softmax.js';
import { mulberry32 } from '../../src/stats/index.js';
import { sparseRows } from '../../src/stats/sparse-rows.js';
import { relativeGap } from '../support/one-hot.js';

/**
 * Two numeric columns (nulls, ±Inf, a shifted operational side) and two categorical ones (30 categories, skewed;
 * nulls; the operational side lists its categories in another order and has some the reference never saw).
 */
function datasets() {
  const rng = mulberry32(21);
  const u = () => rng.nextDouble53();
  const make = (n: number, operational: boolean): Dataset => {
    const numeric = (shift: number): Column => {
      const values = Float64Array.from({ length: n }, () => {
        const r = u();
        return r < 0.05 ? NaN : r < 0.06 ? (u() < 0.5 ? Infinity : -Infinity) : shift + 3 * Math.log(1 / (1 - u()));
      });
      return { name: '', type: 'numeric', values, nulls: Uint8Array.from(values, (v) => (Number.isNaN(v) ? 1 : 0)), integer: false };
    };
    const categorical = (k: number): Column => {
      const names = Array.from({ length: k + (operational ? 5 : 0) }, (_, i) => `c${i}`);
      const categories = operational ? [...names].reverse() : names;
      const codes = Int32Array.from({ length: n }, () => {
        if (u() < 0.04) return -1;
        const name = names[Math.min(names.length - 1, Math.floor(-Math.log(1 - u()) * 6))]!;
        return categories.indexOf(name);
      });
      return { name: '', type: 'categorical', codes, categories, boolean: false };
    };
    const columns: [string, Column][] = [
      ['a', numeric(operational ? 0.5 : 0)],
      ['b', numeric(0)],
      ['city', categorical(30)],
      ['shop', categorical(30)],
    ];
    return { role: operational ? 'operational' : 'reference', uri: 'memory:', rows: n, columns: new Map(columns.map(([name, c]) => [name, { ...c, name } as Column])) };
  };
  return { reference: make(3000, false), operational: make(2000, true) };
}

describe('rows encoded straight into their non-zero entries (encoder.encodeSparse)', () => {
  const { reference, operational } = datasets();
  const rows = Int32Array.of(0, 7, 1999, 7, 3, 1500, 42);
  const without: Dataset = { ...operational, columns: new Map([...operational.columns].filter(([name]) => name !== 'shop')) };
  for (const squares of [true, false]) {
    it(`equal sparseRows of encode bit for bit (squares: ${squares})`, () => {
      const encoder = tabularEncoder(reference, ['a', 'city', 'b', 'shop'], { squares, pooledWith: operational });
      // One entry per categorical feature, every numeric column: 2 + 2·(2 or 3) of 2·22 + 2·(2 or 3) columns.
      expect(encoder.nonZerosPerRow).toBe(2 + 2 * (squares ? 3 : 2));
      for (const dataset of [reference, operational, without]) {
        const all = Int32Array.from({ length: Math.min(dataset.rows, 2000) }, (_, i) => i);
        for (const picked of [rows, all]) expect(encoder.encodeSparse(dataset, picked)).toEqual(sparseRows(encoder.encode(dataset, picked), picked.length, encoder.width));
      }
    });
  }
});

describe('linear models scored from the columns (encoder.linearLogits)', () => {
  const { reference, operational } = datasets();
  const refRows = Int32Array.from({ length: reference.rows }, (_, i) => i);
  const opRows = Int32Array.from({ length: operational.rows }, (_, i) => i);
  const some = Int32Array.of(5, 1999, 0, 5, 17);

  for (const squares of [true, false]) {
    it(`scores numeric features bit for bit as the encoded rows (squares: ${squares})`, () => {
      const encoder = tabularEncoder(reference, ['a', 'b'], { squares, pooledWith: operational });
      const x = encoder.encode(reference, refRows);
      const model = fitSoftmax(x, Int32Array.from(refRows, (i) => (x[i * encoder.width]! > 0.3 ? 1 : 0)), 2, { epochs: 3, seed: 2 });
      for (const [dataset, rows] of [
        [operational, opRows],
        [reference, some],
      ] as const) {
        const fromColumns = softmaxRows(encoder.linearLogits(dataset, rows, model), 2);
        expect(Array.from(fromColumns)).toEqual(Array.from(predictProba(model, encoder.encode(dataset, rows))));
      }
    });
  }

  it('scores categorical features as the encoded rows, to rounding', () => {
    const features = ['a', 'city', 'b', 'shop'];
    const encoder = tabularEncoder(reference, features, { squares: true, pooledWith: operational });
    const x = new Float64Array([...encoder.encode(reference, refRows), ...encoder.encode(operational, opRows)]);
    const [city] = encoder.groups.filter((g) => g.feature === 'city');
    const w = encoder.width;
    // Labels that depend on the city's second most frequent category and on a.
    const y = Int32Array.from({ length: x.length / w }, (_, i) => (x[i * w + city!.start + 1] === 1 || x[i * w]! > 1 ? 1 : 0));
    const model = fitSoftmax(x, y, 2, { epochs: 5, seed: 3 });
    // The model uses the categories (a weight on some one-hot column is not small).
    expect(Math.max(...model.weights.subarray(city!.start, city!.end).map(Math.abs))).toBeGreaterThan(0.05);
    for (const [dataset, rows] of [
      [operational, opRows],
      [reference, refRows],
    ] as const) {
      const logits = encoder.linearLogits(dataset, rows, model);
      const dense = predictProba(model, encoder.encode(dataset, rows));
      expect(relativeGap(softmaxRows(logits, 2), dense)).toBeLessThan(1e-12);
    }
    // A feature missing from a dataset scores as encode's all-null rows do.
    const without: Dataset = { ...operational, columns: new Map([...operational.columns].filter(([name]) => name !== 'shop')) };
    expect(relativeGap(softmaxRows(encoder.linearLogits(without, some, model), 2), predictProba(model, encoder.encode(without, some)))).toBeLessThan(1e-12);
  });

  it('refuses a model of another width', () => {
    const encoder = tabularEncoder(reference, ['a'], { squares: false });
    const model = fitSoftmax(encoder.encode(reference, refRows), new Int32Array(refRows.length), 2, { epochs: 1 });
    const other = tabularEncoder(reference, ['a', 'b'], { squares: false });
    expect(() => other.linearLogits(reference, some, model)).toThrow(RangeError);
  });
});
