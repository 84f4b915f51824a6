import { describe, expect, it } from '@jest/globals';
import type { Dataset, Roles } from '../../src/ingest/dataset.js';
import type { Column } from '../../src/ingest/table.js';
import { mulberry32 } from '../../src/stats/index.js';
import { buildDesign } from '../../src/select/design.js';

/** `n` rows of a `size`-value tensor whose values mix `rank` latent factors, plus noise. */
function tensorDataset(n: number, size: number, rank: number, seed: number): Dataset {
  const rng = mulberry32(seed);
  const loadings = Float64Array.from({ length: rank * size }, () => rng.nextDouble53() * 2 - 1);
  const values = new Float32Array(n * size);
  for (let i = 0; i < n; i++) {
    const f = Array.from({ length: rank }, () => rng.nextDouble53() * 4 - 2);
    for (let j = 0; j < size; j++) {
      let v = 3 + 0.01 * (rng.nextDouble53() - 0.5);
      for (let r = 0; r < rank; r++) v += f[r]! * loadings[r * size + j]!;
      values[i * size + j] = v;
    }
  }
  const image: Column = { name: 'image', type: 'tensor', size, values, nulls: null };
  return { role: 'reference', uri: 'mem', rows: n, columns: new Map([['image', image]]) } as Dataset;
}

const roles = { features: ['image'], label: 'y', task: 'classification' } as unknown as Roles;

describe('proxy design of a tensor column', () => {
  it('is its principal-component scores: all of ‖x − mean‖² when the tensor has at most 32 values', () => {
    const data = tensorDataset(600, 16, 16, 1);
    const design = buildDesign(data, roles);
    expect(design.width).toBe(16);
    const rows = Int32Array.from({ length: 600 }, (_, i) => i);
    const x = design.encode(data, rows);
    const column = data.columns.get('image') as Extract<Column, { type: 'tensor' }>;
    const mean = new Float64Array(16);
    for (let i = 0; i < 600; i++) for (let j = 0; j < 16; j++) mean[j]! += column.values[i * 16 + j]! / 600;
    for (let i = 0; i < 600; i++) {
      let total = 0;
      let kept = 0;
      for (let j = 0; j < 16; j++) total += (column.values[i * 16 + j]! - mean[j]!) ** 2;
      for (let r = 0; r < 16; r++) kept += x[i * 16 + r]! ** 2;
      expect(kept).toBeCloseTo(total, 6);
    }
  });

  it('keeps 32 components of a wide tensor, ordered by the variance they carry, the same for a row however often it is encoded', () => {
    const data = tensorDataset(1500, 200, 5, 2);
    const design = buildDesign(data, roles);
    expect(design.width).toBe(32);
    expect(design.names.slice(0, 2)).toEqual(['image.pc1', 'image.pc2']);
    const rows = Int32Array.from({ length: 1500 }, (_, i) => i);
    const x = design.encode(data, rows);
    const variance = (r: number) => {
      let s = 0;
      for (let i = 0; i < 1500; i++) s += x[i * 32 + r]! ** 2;
      return s / 1500;
    };
    // Five latent factors: the first five components hold the variance, the rest only the noise.
    for (let r = 1; r < 5; r++) expect(variance(r)).toBeLessThanOrEqual(variance(r - 1) * 1.0001);
    expect(variance(5)).toBeLessThan(1e-3 * variance(4));
    expect(Array.from(design.encode(data, Int32Array.of(7, 7, 3)))).toEqual([...x.subarray(7 * 32, 8 * 32), ...x.subarray(7 * 32, 8 * 32), ...x.subarray(3 * 32, 4 * 32)]);
  });

  it('reads non-finite values as the reference mean (finite scores)', () => {
    const data = tensorDataset(300, 40, 3, 3);
    const design = buildDesign(data, roles);
    const column = data.columns.get('image') as Extract<Column, { type: 'tensor' }>;
    column.values[5 * 40 + 2] = NaN;
    column.values[6 * 40] = Infinity;
    const x = design.encode(data, Int32Array.of(5, 6));
    expect(x.every(Number.isFinite)).toBe(true);
  });
});
