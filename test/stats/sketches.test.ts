/**
 * Mergeable sketches (src/stats/kll, hyperloglog, frequent-items, moments, fixed-histogram, bottom-k-sample):
 * error bounds measured against exact values on seeded data, and merges over random splits in random merge trees.
 */
import { describe, expect, it } from '@jest/globals';
import { mulberry32, type Mulberry32 } from '../../src/stats/mulberry32.js';
import { KllSketch, kllRankError, ksFromKll } from '../../src/stats/kll.js';
import { HyperLogLog, hllRelativeStandardError } from '../../src/stats/hyperloglog.js';
import { FrequentItems } from '../../src/stats/frequent-items.js';
import { addToMoments, emptyMoments, mergeMoments, momentsSummary, type Moments } from '../../src/stats/moments.js';
import { histogramCounts, mergeHistogramCounts } from '../../src/stats/fixed-histogram.js';
import { BottomK, bottomKIndices } from '../../src/stats/bottom-k-sample.js';
import { ks2samp } from '../../src/stats/ks2samp.js';
import { psi } from '../../src/stats/psi.js';

// Jest's VM context makes each `Math.` lookup cost ~1.5 µs; the hot loops below use these captured builtins.
const { abs, floor, log, max, min, tan, PI } = Math;

/** A skewed, tied, partly discrete sample: what real columns look like more than a uniform one does. */
function mixedSample(rng: Mulberry32, n: number, shift = 0): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.nextDouble53();
    const kind = rng.nextUint32() % 4;
    out[i] = shift + (kind === 0 ? floor(u * 20) : kind === 1 ? -log(1 - u) * 3 : kind === 2 ? u * 10 - 5 : tan(PI * (u - 0.5)));
  }
  return out;
}

/** Random cut points: `parts` contiguous pieces of random sizes (some may be empty). */
function randomSplit<T extends { subarray(a: number, b: number): T; length: number }>(rng: Mulberry32, data: T, parts: number): T[] {
  const cuts = Array.from({ length: parts - 1 }, () => floor(rng.nextDouble53() * (data.length + 1))).sort((a, b) => a - b);
  const bounds = [0, ...cuts, data.length];
  return bounds.slice(1).map((end, i) => data.subarray(bounds[i]!, end));
}

/** Merges items in a random binary tree (random pairs, random order). */
function mergeRandomTree<S>(rng: Mulberry32, items: S[], merge: (a: S, b: S) => S): S {
  const pool = [...items];
  while (pool.length > 1) {
    const i = rng.nextUint32() % pool.length;
    const a = pool.splice(i, 1)[0]!;
    const j = rng.nextUint32() % pool.length;
    const b = pool.splice(j, 1)[0]!;
    pool.push(rng.nextUint32() % 2 ? merge(a, b) : merge(b, a));
  }
  return pool[0]!;
}

/** Largest |F̂(x) − F(x)| over every x, left limits included, of a sketch against the exact data. */
function maxRankError(sketch: KllSketch, data: Float64Array): number {
  const sorted = Float64Array.from(data).sort();
  const { values, cumulative } = sketch.sortedView();
  const n = sorted.length;
  let i = 0; // exact: values <= x
  let j = 0; // sketch: retained <= x
  let worst = 0;
  // Walk the union of both jump sets; the error is largest just before or at a jump.
  while (i < n || j < values.length) {
    const x = min(i < n ? sorted[i]! : Infinity, j < values.length ? values[j]! : Infinity);
    const sketchBelow = j === 0 ? 0 : cumulative[j - 1]! / n;
    worst = max(worst, abs(i / n - sketchBelow));
    while (i < n && sorted[i]! <= x) i++;
    while (j < values.length && values[j]! <= x) j++;
    const sketchAt = j === 0 ? 0 : cumulative[j - 1]! / n;
    worst = max(worst, abs(i / n - sketchAt));
  }
  return worst;
}

describe('KLL quantile sketch', () => {
  it('is exact while it holds every value', () => {
    const data = mixedSample(mulberry32(1), 150);
    const sketch = new KllSketch(200);
    sketch.updateAll(data);
    expect(maxRankError(sketch, data)).toBe(0);
    expect(sketch.quantile(0)).toBe(Math.min(...data));
    expect(sketch.quantile(1)).toBe(Math.max(...data));
  });

  for (const k of [50, 200]) {
    it(`k = ${k}: the max rank error over all queries exceeds kllRankError(k) = ${kllRankError(k).toFixed(4)} in at most 3 of 100 seeded streams (99 % bound)`, () => {
      let over = 0;
      let worst = 0;
      for (let seed = 0; seed < 100; seed++) {
        const data = mixedSample(mulberry32(1000 + seed), k === 50 ? 5000 : 10_000);
        const sketch = new KllSketch(k, seed + 1);
        sketch.updateAll(data);
        expect(sketch.n).toBe(data.length);
        const e = maxRankError(sketch, data);
        worst = Math.max(worst, e);
        if (e > kllRankError(k)) over++;
      }
      expect(over).toBeLessThanOrEqual(3);
      // The bound is not loose by orders of magnitude either: the measured errors reach a fair part of it.
      expect(worst).toBeGreaterThan(kllRankError(k) / 4);
    });
  }

  it('merged over random splits in random merge trees, stays within the same bound', () => {
    let over = 0;
    for (let seed = 0; seed < 40; seed++) {
      const rng = mulberry32(7000 + seed);
      const data = mixedSample(rng, 20_000);
      const pieces = randomSplit(rng, data, 2 + (rng.nextUint32() % 15));
      const sketches = pieces.map((p, i) => {
        const s = new KllSketch(200, seed * 100 + i + 1);
        s.updateAll(p);
        return s;
      });
      const merged = mergeRandomTree(rng, sketches, KllSketch.merge);
      expect(merged.n).toBe(data.length);
      expect(merged.min).toBe(Math.min(...data));
      expect(merged.max).toBe(Math.max(...data));
      if (maxRankError(merged, data) > kllRankError(200)) over++;
    }
    expect(over).toBeLessThanOrEqual(2);
  });

  it('merges commutatively (bit for bit) and round-trips through its state', () => {
    const rng = mulberry32(5);
    const a = new KllSketch(100, 3);
    const b = new KllSketch(100, 4);
    a.updateAll(mixedSample(rng, 5000));
    b.updateAll(mixedSample(rng, 7000));
    expect(KllSketch.merge(a, b).state()).toEqual(KllSketch.merge(b, a).state());
    expect(KllSketch.fromState(a.state()).state()).toEqual(a.state());
    expect(() => KllSketch.merge(a, new KllSketch(200))).toThrow(/k = 100 and k = 200/);
  });

  it('KS statistic from two sketches is within the summed rank bounds of the exact ks2samp statistic', () => {
    for (let seed = 0; seed < 15; seed++) {
      const rng = mulberry32(300 + seed);
      const x = mixedSample(rng, 10_000);
      const y = mixedSample(rng, 8000, (seed % 5) * 0.2);
      const a = new KllSketch(200, 1 + seed);
      const b = new KllSketch(200, 99 + seed);
      a.updateAll(x);
      b.updateAll(y);
      const fromSketch = ksFromKll(a, b);
      const exact = ks2samp(x, y).statistic;
      expect(Math.abs(fromSketch.statistic - exact)).toBeLessThanOrEqual(fromSketch.errorBound);
    }
  });
});

describe('HyperLogLog', () => {
  /** Relative errors of `trials` seeded streams of n distinct values (each third one added twice). */
  function hllErrors(precision: number, n: number, trials: number): number[] {
    return Array.from({ length: trials }, (_, t) => {
      const rng = mulberry32(n * 31 + t);
      const h = new HyperLogLog(precision);
      for (let i = 0; i < n; i++) {
        const v = rng.nextDouble53() * 1e6;
        h.addNumber(v);
        if (i % 3 === 0) h.addNumber(v);
      }
      return h.estimate() / n - 1;
    });
  }

  it('p = 10: relative error RMS within 1.15 × 1.04/√m over 40 streams, every error within 4 standard errors, 10 to 20k distinct', () => {
    const rse = hllRelativeStandardError(10);
    for (const n of [10, 100, 1000, 2500, 5000, 20_000]) {
      const errors = hllErrors(10, n, 40);
      const rms = Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / errors.length);
      expect(rms).toBeLessThanOrEqual(1.15 * rse);
      expect(errors.filter((e) => Math.abs(e) > 4 * rse)).toEqual([]);
    }
  });

  it('p = 12 (the profile default, 1.6 %): every error within 4 standard errors up to 100k distinct', () => {
    const rse = hllRelativeStandardError(12);
    for (const n of [100, 10_000, 100_000]) expect(hllErrors(12, n, 8).filter((e) => Math.abs(e) > 4 * rse)).toEqual([]);
  });

  it('counts strings and numbers, and -0 as 0', () => {
    const h = new HyperLogLog(12);
    for (let i = 0; i < 500; i++) h.addString(`user-${i}`);
    expect(Math.abs(h.estimate() / 500 - 1)).toBeLessThan(0.05);
    const z = new HyperLogLog(12);
    z.addNumber(0);
    z.addNumber(-0);
    expect(z.estimate()).toBeCloseTo(1, 2);
    expect(new HyperLogLog(12).estimate()).toBe(0);
  });

  it('merges exactly: any split in any merge tree gives the registers of the whole stream', () => {
    const rng = mulberry32(77);
    const data = mixedSample(rng, 50_000);
    const whole = new HyperLogLog(11);
    for (const v of data) whole.addNumber(v);
    for (let t = 0; t < 5; t++) {
      const parts = randomSplit(rng, data, 2 + (rng.nextUint32() % 10)).map((p) => {
        const h = new HyperLogLog(11);
        for (const v of p) h.addNumber(v);
        return h;
      });
      expect(mergeRandomTree(rng, parts, HyperLogLog.merge).registers).toEqual(whole.registers);
    }
  });
});

/** A Zipf-like stream over `distinct` values. */
function zipfStream(rng: Mulberry32, n: number, distinct: number): string[] {
  return Array.from({ length: n }, () => `v${Math.floor(distinct ** rng.nextDouble53()) - 1}`);
}

function exactCounts(items: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const v of items) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

function expectWithinBound(sketch: FrequentItems, exact: Map<string, number>): void {
  const s = sketch.state();
  expect(s.items.length).toBeLessThanOrEqual(s.capacity);
  const held = s.items.reduce((a, [, c]) => a + c, 0);
  expect(s.errorBound).toBeLessThanOrEqual((s.total - held) / (s.capacity + 1) + 1e-9);
  const outside = [...exact].filter(([v, c]) => !(sketch.estimate(v) <= c && c <= sketch.estimate(v) + s.errorBound));
  expect(outside).toEqual([]);
}

describe('frequent items (exact up to the capacity, then Misra–Gries)', () => {
  it('is exact while the distinct values fit, through any merge tree', () => {
    const rng = mulberry32(11);
    const stream = zipfStream(rng, 20_000, 80);
    const exact = exactCounts(stream);
    const parts = [0, 3000, 9000, 9001, 20_000].slice(1).map((end, i, ends) => stream.slice(i === 0 ? 0 : ends[i - 1], end));
    const sketches = parts.map((p) => {
      const f = new FrequentItems(100);
      for (const v of p) f.add(v);
      return f;
    });
    const merged = mergeRandomTree(rng, sketches, FrequentItems.merge);
    expect(merged.state().errorBound).toBe(0);
    expect(new Map(merged.state().items)).toEqual(exact);
  });

  it('past the capacity, every estimate lies within [true − errorBound, true] on one stream and on random merges', () => {
    for (let seed = 0; seed < 6; seed++) {
      const rng = mulberry32(400 + seed);
      const stream = zipfStream(rng, 20_000, 3000);
      const exact = exactCounts(stream);
      const single = new FrequentItems(100);
      for (const v of stream) single.add(v);
      expectWithinBound(single, exact);
      const cuts = [0, ...Array.from({ length: 6 }, () => Math.floor(rng.nextDouble53() * stream.length)).sort((a, b) => a - b), stream.length];
      const parts = cuts.slice(1).map((end, i) => {
        const f = new FrequentItems(100);
        for (const v of stream.slice(cuts[i], end)) f.add(v);
        return f;
      });
      const merged = mergeRandomTree(rng, parts, FrequentItems.merge);
      expect(merged.total).toBe(stream.length);
      expectWithinBound(merged, exact);
      // The heavy hitters (above total / capacity) are always held.
      expect([...exact].filter(([v, c]) => c > stream.length / 101 && merged.estimate(v) === 0)).toEqual([]);
    }
  });

  it('merges commutatively', () => {
    const rng = mulberry32(3);
    const a = new FrequentItems(50);
    const b = new FrequentItems(50);
    for (const v of zipfStream(rng, 5000, 2000)) a.add(v);
    for (const v of zipfStream(rng, 5000, 2000)) b.add(v, 2);
    expect(FrequentItems.merge(a, b).state()).toEqual(FrequentItems.merge(b, a).state());
  });
});

describe('moments, histograms', () => {
  it('count, nulls, min, max merge exactly and sums agree with the exact sum to 1e-15 relative, over random splits', () => {
    for (let seed = 0; seed < 5; seed++) {
      const rng = mulberry32(900 + seed);
      const n = 20_000;
      // Multiples of 2^-10 below 2^30: their exact sum is an integer count of 2^-10 that BigInt holds.
      const values = Float64Array.from({ length: n }, () => Math.floor((rng.nextDouble53() - 0.3) * 2 ** 40) / 1024);
      const nulls = Uint8Array.from({ length: n }, () => (rng.nextUint32() % 10 === 0 ? 1 : 0));
      let exact = 0n;
      let exactSq = 0n;
      let count = 0;
      for (let i = 0; i < n; i++) {
        if (nulls[i]) continue;
        const scaled = BigInt(values[i]! * 1024);
        exact += scaled;
        exactSq += scaled * scaled;
        count++;
      }
      const cuts = [0, ...Array.from({ length: 5 }, () => Math.floor(rng.nextDouble53() * n)).sort((a, b) => a - b), n];
      const parts = cuts.slice(1).map((end, i) => {
        const m = emptyMoments();
        addToMoments(m, values.subarray(cuts[i], end), nulls.subarray(cuts[i], end));
        return m;
      });
      const merged: Moments = mergeRandomTree(rng, parts, mergeMoments);
      expect(merged.count).toBe(count);
      expect(merged.nulls).toBe(n - count);
      const kept = values.filter((_, i) => !nulls[i]);
      expect(merged.min).toBe(Math.min(...kept));
      expect(merged.max).toBe(Math.max(...kept));
      const sum = merged.sum[0] + merged.sum[1];
      expect(Math.abs(sum - Number(exact) / 1024)).toBeLessThanOrEqual(1e-15 * Math.abs(Number(exact) / 1024));
      const sq = merged.sumSquares[0] + merged.sumSquares[1];
      expect(Math.abs(sq - Number(exactSq) / 2 ** 20) / (Number(exactSq) / 2 ** 20)).toBeLessThanOrEqual(1e-15);
    }
  });

  it('compensated sums keep what a plain sum loses', () => {
    const m = emptyMoments();
    addToMoments(m, [1e16, 1, 1, 1, 1, -1e16], null);
    expect(m.sum[0] + m.sum[1]).toBe(4);
    expect(momentsSummary(m).mean).toBeCloseTo(4 / 6, 12);
  });

  it('histogram bins are the PSI bins (right-closed on the reference deciles) and merge by adding', () => {
    const rng = mulberry32(21);
    const ref = mixedSample(rng, 5000);
    const cur = mixedSample(rng, 8000, 0.5);
    const fromPsi = psi(ref, cur);
    const edges = Float64Array.from(fromPsi.edges);
    expect(Array.from(histogramCounts(cur, edges))).toEqual(fromPsi.countsCur);
    const halves = [cur.subarray(0, 3001), cur.subarray(3001)].map((p) => histogramCounts(p, edges));
    expect(Array.from(mergeHistogramCounts(halves[0]!, halves[1]!))).toEqual(fromPsi.countsCur);
    expect(() => histogramCounts(cur, Float64Array.from([1, 1]))).toThrow(/strictly increasing/);
  });
});

describe('bottom-k sample', () => {
  it('merging the shards’ samples gives exactly the sample of the whole stream', () => {
    const rng = mulberry32(8);
    const keys = Float64Array.from({ length: 10_000 }, () => rng.nextDouble53());
    const whole = bottomKIndices(keys, 100);
    const pieces = randomSplit(rng, Int32Array.from(keys, (_, i) => i), 7);
    const shardSamples = pieces.map((ids) => Array.from(bottomKIndices(Float64Array.from(ids, (i) => keys[i]!), 100), (j) => ids[j]!));
    const union = shardSamples.flat();
    const merged = Array.from(bottomKIndices(Float64Array.from(union, (i) => keys[i]!), 100), (j) => union[j]!);
    expect(merged).toEqual(Array.from(whole));
  });

  it('is uniform across shards of unequal size: every row is kept with probability k/n', () => {
    const n = 100;
    const k = 10;
    const trials = 3000;
    const kept = new Float64Array(n);
    for (let t = 0; t < trials; t++) {
      const rng = mulberry32(50_000 + t);
      // shard A = rows 0..9 and shard B = rows 10..99, sampled apart and merged
      const a = new BottomK(k);
      const b = new BottomK(k);
      for (let i = 0; i < n; i++) (i < 10 ? a : b).offer(rng.nextDouble53(), i);
      const ra = a.result();
      const rb = b.result();
      const keys = Float64Array.from([...ra.keys, ...rb.keys]);
      const ids = [...ra.ids, ...rb.ids];
      for (const j of bottomKIndices(keys, k)) kept[ids[j]!]!++;
    }
    const expected = (trials * k) / n;
    const sd = Math.sqrt(trials * (k / n) * (1 - k / n));
    const small = kept.slice(0, 10).reduce((a, c) => a + c, 0);
    for (const c of kept) expect(Math.abs(c - expected)).toBeLessThan(5 * sd);
    // The small shard holds 10 % of the rows and gets 10 % of the sample, not half of it.
    expect(Math.abs(small / (trials * k) - 0.1)).toBeLessThan(0.01);
  });
});
