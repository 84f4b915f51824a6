import { describe, expect, it } from '@jest/globals';
import { finiteArgsort } from '../../src/stats/argsort.js';
import { mulberry32 } from '../../src/stats/index.js';

/** The definition it replaces in driftOnset, evidence over time and the label queue. */
const byComparator = (x: Float64Array) => {
  const order = Int32Array.from({ length: x.length }, (_, i) => i).filter((i) => Number.isFinite(x[i]!));
  return order.sort((a, b) => x[a]! - x[b]! || a - b);
};

describe('finiteArgsort', () => {
  const rng = mulberry32(8);
  const special = [NaN, Infinity, -Infinity, 0, -0];
  const cases: [string, () => number][] = [
    // Epoch milliseconds with many ties and some negative times.
    ['times', () => 1.7e12 + Math.floor(rng.nextDouble53() * 5000) * 1000 - (rng.nextDouble53() < 0.1 ? 2e12 : 0)],
    // Margins of probabilities: in [0, 1], ties at 0 and 1.
    ['margins', () => Math.min(1, Math.max(0, Math.round(rng.nextDouble53() * 1.2e4) / 1e4 - 0.1))],
  ];
  // Rows in time order (as files often hold them), with ties, ±0 and non-finite values; then one step back at the end.
  const ordered = () => {
    const x = Float64Array.from({ length: 50_000 }, (_, i) => (i < 10 ? (i % 2 ? -0 : 0) : 1.7e12 + Math.floor(i / 3) * 1000));
    for (let i = 100; i < x.length; i += 997) x[i] = special[i % 3]!;
    return x;
  };
  it('values already in order: their finite indices as they come', () => {
    const x = ordered();
    expect(Array.from(finiteArgsort(x))).toEqual(Array.from(byComparator(x)));
    x[x.length - 1] = 1.7e12;
    expect(Array.from(finiteArgsort(x))).toEqual(Array.from(byComparator(x)));
  });
  it.each(cases)('%s: the comparator sort of the finite values, ties in index order (NaN, ±Infinity left out, −0 equal to +0)', (_, draw) => {
    const x = Float64Array.from({ length: 50_000 }, () => (rng.nextDouble53() < 0.02 ? special[Math.floor(rng.nextDouble53() * 5)]! : draw()));
    expect(Array.from(finiteArgsort(x))).toEqual(Array.from(byComparator(x)));
  });
});
