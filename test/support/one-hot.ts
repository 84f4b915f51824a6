import { mulberry32 } from '../../src/stats/index.js';

/**
 * Seeded rows shaped like the tabular encoding of mostly categorical data: `groups` one-hot blocks of `width`
 * slots (skewed category frequencies, one slot standing for "other" on most rows), then one standardised numeric
 * column and its null flag (10 % nulls). Labels 0..classes-1 depend on a few slots and the numeric column, with
 * noise. About 90 % of the entries are zero.
 */
export function oneHotRows(n: number, seed: number, options: { groups?: number; width?: number; classes?: number } = {}) {
  const { groups = 8, width = 12, classes = 3 } = options;
  const rng = mulberry32(seed);
  const u = () => rng.nextDouble53();
  const d = groups * width + 2;
  const x = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    let signal = 0;
    for (let g = 0; g < groups; g++) {
      // Slot 0 ("other") on ~60 % of rows, the rest geometric-ish: some slots are rare, none is constant.
      const r = u();
      const slot = r < 0.6 ? 0 : Math.min(width - 1, 1 + Math.floor(-Math.log(1 - (r - 0.6) / 0.4) * 2));
      x[row + g * width + slot] = 1;
      if (g < 3 && slot === 1) signal += 1;
    }
    const missing = u() < 0.1;
    const v = missing ? 0 : Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
    x[row + d - 2] = v;
    x[row + d - 1] = missing ? 1 : 0;
    y[i] = Math.min(classes - 1, Math.floor(Math.max(0, signal + v * 0.7 + u() * 1.5)));
  }
  return { x, y, d, n };
}

/** Largest |a − b| over the largest |b|: agreement of two computations of the same array, relative to its scale. */
export function relativeGap(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return Infinity;
  let gap = 0;
  let size = 0;
  for (let i = 0; i < a.length; i++) {
    gap = Math.max(gap, Math.abs(a[i]! - b[i]!));
    size = Math.max(size, Math.abs(b[i]!));
  }
  return size === 0 ? gap : gap / size;
}
