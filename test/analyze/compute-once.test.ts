// "Compute once" (issue 19) must not move a figure: the shared sort of each column, the merged median |x|, the
// column-major duplicate hash, the selection median of the encoders and the early stop of the beta-binomial tail
// are compared here, bit for bit, with the straightforward definitions they replaced (written out below as they
// were: sort a copy, filter, hash row by row, sum every term).
import { describe, expect, it } from '@jest/globals';
import { analyzeFeatures, analyzeGates, invalidRows } from '../../src/analyze/index.js';
import { duplicateShare } from '../../src/analyze/duplicates.js';
import { nearestDistances } from '../../src/analyze/novelty.js';
import { finiteValues } from '../../src/analyze/drift.js';
import { sampleIndices, sideRowSample } from '../../src/analyze/sampling.js';
import { tabularEncoder } from '../../src/analyze/encode.js';
import { finiteAt, finiteValueAtRank, medianAbsSorted, nonZeroSorted, sortedFinite, sortedFiniteIfKnown, valueAtRank } from '../../src/analyze/sorted-columns.js';
import { CHECKS, findAll } from '../../src/checks/index.js';
import type { Dataset } from '../../src/ingest/dataset.js';
import type { Column } from '../../src/ingest/table.js';
import { betaBinomialSf, generateSample, ks2samp, mulberry32, psi, wassersteinDistance } from '../../src/stats/index.js';
import gammaln from '@stdlib/math-base-special-gammaln';
import { categorical, config, datasetOf, numeric, resolved } from './support.js';

/** Values with what makes sorting and medians delicate: ±0, ties, NaN, ±Inf, negatives. */
function awkward(n: number, seed: number): Float64Array {
  const rng = mulberry32(seed);
  return Float64Array.from({ length: n }, () => {
    const u = rng.nextDouble53();
    if (u < 0.05) return 0;
    if (u < 0.1) return -0;
    if (u < 0.12) return NaN;
    if (u < 0.13) return u < 0.125 ? Infinity : -Infinity;
    if (u < 0.3) return Math.round(rng.nextDouble53() * 10) - 5; // ties
    return (rng.nextDouble53() - 0.4) * 100;
  });
}

const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) throw new Error(`index ${i}: ${a[i]} vs ${b[i]}`);
};

// The replaced definitions, as they were.
const oldSortedFinite = (v: Float64Array) => v.filter((x) => Number.isFinite(x)).sort();
const oldMedianAbs = (s: Float64Array) => {
  const abs = s.map(Math.abs).sort();
  const n = abs.length;
  return n === 0 ? NaN : n % 2 ? abs[(n - 1) / 2]! : (abs[n / 2 - 1]! + abs[n / 2]!) / 2;
};
const oldBetaBinomialSf = (x: number, n: number, a: number, b: number) => {
  if (x <= 0) return 1;
  if (x > n) return 0;
  const lbeta = (p: number, q: number) => gammaln(p) + gammaln(q) - gammaln(p + q);
  const base = lbeta(a, b);
  let sum = 0;
  for (let k = x; k <= n; k++) sum += Math.exp(gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1) + lbeta(k + a, n - k + b) - base);
  return Math.min(1, sum);
};

describe('sorted-column helpers', () => {
  it.each([0, 1, 2, 3, 10, 999, 5000, 70_000])('equal the sort-based definitions bit for bit (n = %i)', (n) => {
    const values = awkward(n, n + 1);
    const sorted = oldSortedFinite(values);
    const column = numeric('x', values) as Extract<Column, { type: 'numeric' }>;
    sameBits(sortedFinite(column), sorted);
    sameBits(nonZeroSorted(sorted), sorted.filter((v) => v !== 0));
    expect(Object.is(medianAbsSorted(nonZeroSorted(sorted)), oldMedianAbs(sorted.filter((v) => v !== 0)))).toBe(true);
    expect(Object.is(medianAbsSorted(sorted), oldMedianAbs(sorted))).toBe(true);
    for (const rank of [0, Math.floor((sorted.length - 1) / 2), sorted.length - 1].filter((r) => r >= 0)) {
      expect(Object.is(valueAtRank(Float64Array.from(sorted).reverse(), rank), sorted[rank])).toBe(true);
    }
  });

  it('give the sign a sort gives to a zero median', () => {
    for (const values of [[-0, 0, 0], [0, -0, -0], [-1, 0, -0, 0, 2], [0, 0, -0, -0]]) {
      const sorted = Float64Array.from(values).sort();
      for (let rank = 0; rank < values.length; rank++) expect(Object.is(valueAtRank(Float64Array.from(values), rank), sorted[rank])).toBe(true);
    }
  });

  it('finiteValueAtRank is the sorted finite values at the rank (bracketed above 65 536 values, ties and ±Infinity included)', () => {
    const rng = mulberry32(12);
    const cases: Float64Array[][] = [
      [awkward(70_000, 3)],
      [awkward(120_000, 4), awkward(90_000, 5)], // two columns pooled, read one after the other
      [Float64Array.from({ length: 80_000 }, () => [0, -0, 3][Math.floor(rng.nextDouble53() * 3)]!)], // ties fill the bracket
      [Float64Array.from({ length: 80_000 }, (_, i) => (i % 3 === 0 ? -Infinity : i % 3 === 1 ? Infinity : rng.nextDouble53()))],
    ];
    for (const arrays of cases) {
      const sorted = Float64Array.from(arrays.flatMap((a) => Array.from(a).filter((v) => Number.isFinite(v)))).sort();
      const n = sorted.length;
      const ranks = [0, 1, Math.floor((n - 1) / 2), Math.floor(n / 3), n - 2, n - 1, ...Array.from({ length: 5 }, () => Math.floor(rng.nextDouble53() * n))];
      for (const rank of ranks) expect([rank, finiteValueAtRank(arrays, n, rank)]).toEqual([rank, sorted[rank]]);
    }
  });

  it('finiteAt keeps row order and skips nulls and non-finite values', () => {
    const values = Float64Array.from([1, NaN, 3, Infinity, 5, 6]);
    const nulls = Uint8Array.from([0, 0, 0, 0, 1, 0]);
    sameBits(finiteAt(values, nulls, null), [1, 3, 6]);
    sameBits(finiteAt(values, nulls, Int32Array.from([5, 0, 4, 2])), [6, 1, 3]);
  });

  it("drift's subsample is the values at the sampled ranks among the finite ones, with or without non-finite values", () => {
    const rng = mulberry32(5);
    for (const bad of [0, 0.1]) {
      const raw = Float64Array.from({ length: 5000 }, () => (rng.nextDouble53() < bad ? NaN : rng.nextDouble53()));
      const column = { name: 'x', type: 'numeric' as const, values: raw, nulls: null, integer: false };
      const finite = finiteAt(raw, null, null);
      const picks = sampleIndices(finite.length, 700, mulberry32(99));
      sameBits(finiteValues(column, 700, 99), Array.from(picks, (k) => finite[k]!));
    }
  });
});

describe('gates and drift above the row cap, on each side\'s shared row sample', () => {
  const n = 3000;
  const cfg = config({ seed: 13, drift: { maxRows: 1000 }, analyze: { quality: { maxRows: 1000 } } });
  const build = () => {
    const reference = datasetOf([numeric('z', generateSample({ dist: 'normal12', n, seed: 5, mu: 0, sigma: 1 })), numeric('w', awkward(n, 6))], 'reference');
    const operational = datasetOf([numeric('z', generateSample({ dist: 'normal12', n, seed: 6, mu: 0.2, sigma: 1 })), numeric('w', awkward(n, 7))], 'operational');
    return resolved(cfg, reference, operational);
  };

  it("tests a column with every value finite on the side's shared rows, whether or not the gates sorted them first", () => {
    const fresh = build();
    const alone = findAll(analyzeFeatures(fresh.reference, fresh.operational, fresh.roles, cfg), CHECKS.featureDrift);
    const shared = build();
    analyzeGates(shared.reference, shared.operational, shared.roles, cfg);
    expect(findAll(analyzeFeatures(shared.reference, shared.operational, shared.roles, cfg), CHECKS.featureDrift)).toEqual(alone);
    const at = (d: Dataset, rows: Int32Array) => Float64Array.from(rows, (i) => (d.columns.get('z') as Extract<Column, { type: 'numeric' }>).values[i]!);
    const xv = at(fresh.reference, sideRowSample(n, 1000, 13, 'ref'));
    const yv = at(fresh.operational, sideRowSample(n, 1000, 13, 'op'));
    const z = alone.find((c) => c.subject === 'z')!.figures;
    const ks = ks2samp(xv, yv);
    expect([z.nReference, z.nOperational, z.subsampled]).toEqual([1000, 1000, true]);
    expect(z.statistic).toBe(ks.statistic);
    expect(z.pValue).toBe(ks.pValue);
    expect(z.wasserstein).toBe(wassersteinDistance(xv, yv));
    expect(z.psi).toBe(psi(xv, yv).psi);
    // A column with non-finite values: 1000 of its finite values (a seeded sample of their ranks), as before.
    const w = alone.find((c) => c.subject === 'w')!.figures;
    expect([w.nReference, w.nOperational]).toEqual([1000, 1000]);
  });
});

describe('null share of a numeric column', () => {
  it('counts null flags, NaN and ±Infinity as invalidRows does, row by row', () => {
    const n = 4000;
    const rng = mulberry32(31);
    const values = awkward(n, 8);
    const nulls = Uint8Array.from({ length: n }, () => +(rng.nextDouble53() < 0.07)); // some over finite values
    const reference = datasetOf([{ name: 'x', type: 'numeric', values: awkward(n, 9), nulls: null, integer: false }], 'reference');
    const operational = datasetOf([{ name: 'x', type: 'numeric', values, nulls, integer: false }], 'operational');
    const cfg = config({ seed: 3 });
    const { roles } = resolved(cfg, reference, operational);
    const check = findAll(analyzeGates(reference, operational, roles, cfg), CHECKS.dataQuality).find((c) => c.subject === 'x')!;
    expect(check.figures.nullShareOperational).toBe(invalidRows(operational, 'x').length / n);
    expect(check.figures.nullShareReference).toBe(invalidRows(reference, 'x').length / n);
  });
});

describe('nearest-reference distances', () => {
  it('equal the full sums of squares in column order, minimised over every other row, bit for bit', () => {
    const rng = mulberry32(41);
    for (const k of [1, 3, 4, 7, 20]) {
      const index = Float64Array.from({ length: 300 * k }, () => (rng.nextDouble53() < 0.1 ? 0 : rng.nextDouble53() * 4 - 2));
      const queries = Float64Array.from({ length: 200 * k }, () => rng.nextDouble53() * 4 - 2);
      const definition = (qs: Float64Array, selfOffset: number) =>
        Array.from({ length: qs.length / k }, (_, i) => {
          let best = Infinity;
          for (let j = 0; j < index.length / k; j++) {
            if (j === i + selfOffset) continue;
            let s = 0;
            for (let c = 0; c < k; c++) s += (qs[i * k + c]! - index[j * k + c]!) ** 2;
            best = Math.min(best, s);
          }
          return Math.sqrt(best);
        });
      sameBits(nearestDistances(queries, index, k, -1), definition(queries, -1));
      sameBits(nearestDistances(index.subarray(100 * k), index, k, 100), definition(index.subarray(100 * k), 100)); // leave-one-out
    }
  });
});

describe('beta-binomial tail with early stop', () => {
  it('equals the full sum bit for bit', () => {
    const cases: [number, number, number, number][] = [
      [1, 10, 1, 1],
      [3, 50, 2.5, 7],
      [400, 200_000, 380, 199_621],
      [2, 200_000, 1, 200_000],
      [150, 1000, 3, 809],
      [60_000, 200_000, 60_500, 139_501],
      [5, 1000, 0.5, 0.5], // not log-concave: summed in full
      [999, 1000, 1, 1],
    ];
    for (const [x, n, a, b] of cases) expect(Object.is(betaBinomialSf(x, n, a, b), oldBetaBinomialSf(x, n, a, b))).toBe(true);
  });
});

describe('duplicate share', () => {
  /** The definition: a row repeats an earlier one when every feature value (nulls alike) is the same. */
  function definition(d: Dataset, features: string[], rows: number): number {
    const seen = new Set<string>();
    let dup = 0;
    for (let i = 0; i < rows; i++) {
      const key = features
        .map((f) => {
          const c = d.columns.get(f)!;
          if (c.type === 'categorical') return c.codes[i]! < 0 ? 'null' : `c:${c.categories[c.codes[i]!]}`;
          if (c.type === 'numeric') return c.nulls?.[i] ? 'NaN' : Object.is(c.values[i], -0) ? '-0' : String(c.values[i]);
          return '';
        })
        .join('|');
      if (seen.has(key)) dup++;
      else seen.add(key);
    }
    return rows ? dup / rows : 0;
  }

  it('counts rows repeating an earlier row as the row-by-row definition does', () => {
    const n = 30_000;
    const rng = mulberry32(5);
    // Few distinct values per column, so that many rows repeat; −0 and 0 hash apart, as they always did.
    const x = Float64Array.from({ length: n }, () => [0, -0, 1, NaN, 2.5][Math.floor(rng.nextDouble53() * 5)]!);
    const k = Array.from({ length: n }, () => [null, 'a', 'b', 'c'][Math.floor(rng.nextDouble53() * 4)]!);
    const y = Float64Array.from({ length: n }, () => Math.floor(rng.nextDouble53() * 30));
    const d = datasetOf([numeric('x', x), categorical('k', k), numeric('y', y)], 'operational');
    for (const rows of [0, 1, 100, n]) expect(duplicateShare(d, ['x', 'k', 'y'], rows)).toBe(definition(d, ['x', 'k', 'y'], rows));
  });

  it('reads numeric bits through a view of the column: offsets, NaN without a null flag, a null over a value, ±Infinity', () => {
    const n = 5000; // not a multiple of the 2048-row block
    const rng = mulberry32(8);
    const backing = Float64Array.from({ length: n + 3 }, () => [0, -0, 1.1, NaN, Infinity, -Infinity, 7.3][Math.floor(rng.nextDouble53() * 7)]!);
    const values = backing.subarray(3); // a column that starts inside a larger buffer
    const nulls = Uint8Array.from({ length: n }, () => +(rng.nextDouble53() < 0.1)); // some over finite values, NaN rows mostly unflagged
    const y = Float64Array.from({ length: n }, () => [0.1, 1.3, 2.7][Math.floor(rng.nextDouble53() * 3)]!);
    const d = datasetOf([{ name: 'x', type: 'numeric', values, nulls, integer: false }, numeric('y', y)], 'operational');
    for (const rows of [1, 2048, 2049, n]) expect(duplicateShare(d, ['x', 'y'], rows)).toBe(definition(d, ['x', 'y'], rows));
  });

  it('does not take integer-coded rows for duplicates: values that differ only in their top bits (3 and 6, ±0, ±Infinity) in several columns', () => {
    // Every row distinct: seven integer columns whose values are powers of two times 3 (their doubles differ only in
    // the exponent, the top bits of the high word), a column of ±0 and ±Infinity, and a category.
    const n = 60_000;
    const rng = mulberry32(12);
    const digits = Array.from({ length: 7 }, () => new Float64Array(n));
    const signs = new Float64Array(n);
    const level: string[] = [];
    for (let i = 0; i < n; i++) {
      let r = i;
      for (const column of digits) (column[i] = 3 * 2 ** (r % 4)), (r = Math.floor(r / 4));
      signs[i] = [0, -0, Infinity, -Infinity][r % 4]!;
      level.push(`L${Math.floor(r / 4) % 3}`);
    }
    const order = Array.from({ length: n }, (_, i) => i).sort(() => rng.nextDouble53() - 0.5);
    const numbers = [...digits, signs].map((a) => Float64Array.from(order, (i) => a[i]!));
    const levels = order.map((i) => level[i]!);
    const features = [...digits.map((_, j) => `d${j}`), 's', 'k'];
    const dataset = (times: number) =>
      datasetOf([...numbers.map((a, j) => numeric(features[j]!, Float64Array.from({ length: times * n }, (_, i) => a[i % n]!))), categorical('k', Array.from({ length: times * n }, (_, i) => levels[i % n]!))], 'operational');
    const d = dataset(1);
    expect(definition(d, features, n)).toBe(0);
    expect(duplicateShare(d, features, n)).toBe(0);
    // And every row twice: exactly half are duplicates.
    expect(duplicateShare(dataset(2), features, 2 * n)).toBe(0.5);
  });
});

describe('gates, drift and encoders with one sort per column', () => {
  const n = 3000;
  const cfg = config({ seed: 11 });
  const build = () => {
    const ref = awkward(n, 21);
    const op = awkward(n, 22).map((v) => v * 1.3 + 2);
    const reference = datasetOf([numeric('x', ref), numeric('z', generateSample({ dist: 'normal12', n, seed: 3, mu: 0, sigma: 1 }))], 'reference');
    const operational = datasetOf([numeric('x', op), numeric('z', generateSample({ dist: 'normal12', n, seed: 4, mu: 0.3, sigma: 1 }))], 'operational');
    return resolved(cfg, reference, operational);
  };

  it('gives the same figures whether or not another step sorted the column first', () => {
    const shared = build();
    const gates = analyzeGates(shared.reference, shared.operational, shared.roles, cfg);
    expect(sortedFiniteIfKnown(shared.reference.columns.get('x') as Extract<Column, { type: 'numeric' }>)).toBeDefined();
    const driftAfterGates = analyzeFeatures(shared.reference, shared.operational, shared.roles, cfg);
    const fresh = build();
    const driftAlone = analyzeFeatures(fresh.reference, fresh.operational, fresh.roles, cfg);
    expect(driftAfterGates).toEqual(driftAlone);
    const again = build();
    expect(analyzeGates(again.reference, again.operational, again.roles, cfg)).toEqual(gates);
  });

  it('drift figures equal the statistics on the plain finite values', () => {
    const { reference, operational, roles } = build();
    const drift = Object.fromEntries(findAll(analyzeFeatures(reference, operational, roles, cfg), CHECKS.featureDrift).map((c) => [c.subject, c]));
    for (const name of ['x', 'z']) {
      const xv = (reference.columns.get(name) as Extract<Column, { type: 'numeric' }>).values.filter((v) => Number.isFinite(v));
      const yv = (operational.columns.get(name) as Extract<Column, { type: 'numeric' }>).values.filter((v) => Number.isFinite(v));
      const f = drift[name]!.figures;
      const ks = ks2samp(xv, yv);
      expect(f.statistic).toBe(ks.statistic);
      expect(f.pValue).toBe(ks.pValue);
      expect(f.wasserstein).toBe(wassersteinDistance(xv, yv));
      expect(f.psi).toBe(psi(xv, yv).psi);
      // The histogram as it was computed: sorted copies for the range, counts over the samples.
      const sx = Float64Array.from(xv).sort();
      const sy = Float64Array.from(yv).sort();
      const q = (s: Float64Array, p: number) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))]!;
      const lo = Math.min(q(sx, 0.005), q(sy, 0.005));
      const hi = Math.max(q(sx, 0.995), q(sy, 0.995));
      const width = hi > lo ? (hi - lo) / 30 : 1;
      const histogram = (v: Float64Array) => {
        const counts = new Array<number>(30).fill(0);
        for (const value of v) counts[Math.min(29, Math.max(0, Math.floor((value - lo) / width)))]! += 1;
        return counts.map((c) => c / v.length);
      };
      expect(drift[name]!.details!.distribution).toEqual({ kind: 'numeric', edges: Array.from({ length: 31 }, (_, i) => lo + i * width), reference: histogram(xv), operational: histogram(yv) });
    }
  });

  it('encoders impute the lower median of the finite values, with or without the shared sort', () => {
    const { reference } = build();
    const values = (reference.columns.get('x') as Extract<Column, { type: 'numeric' }>).values;
    const finite = Array.from(values).filter((v) => Number.isFinite(v));
    const mid = Float64Array.from(finite).sort()[Math.floor((finite.length - 1) / 2)]!;
    let mean = 0;
    for (const v of finite) mean += v / finite.length;
    let sd = 0;
    for (const v of finite) sd += (v - mean) ** 2 / finite.length;
    sd = Math.sqrt(sd) || 1;
    const nullRow = values.findIndex((v) => Number.isNaN(v));
    const before = tabularEncoder(reference, ['x'], { squares: false }).encode(reference, Int32Array.of(nullRow));
    expect(before[0]).toBe(Math.max(-10, Math.min(10, (mid - mean) / sd)));
    sortedFinite(reference.columns.get('x') as Extract<Column, { type: 'numeric' }>);
    sameBits(tabularEncoder(reference, ['x'], { squares: false }).encode(reference, Int32Array.of(nullRow)), before);
  });
});
