// sampleIndices against Knuth's Algorithm S as the book states it (one double per row examined), computed in
// Python (fixtures/selection-sampling.py): the same rows, and the generator left where the plain walk leaves it.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { sampleIndices, sampleWhere } from '../../src/analyze/sampling.js';
import { mulberry32 } from '../../src/stats/index.js';

interface Case {
  n: number;
  cap: number;
  seed: number;
  size: number;
  sum: number;
  sumSquaresMod32: number;
  head: number[];
  tail: number[];
  nextUint32: number;
}
const { cases } = JSON.parse(readFileSync(new URL('./fixtures/selection-sampling.json', import.meta.url), 'utf8')) as { cases: Case[] };

describe('sampleIndices', () => {
  it.each(cases.map((c) => [c.n, c.cap, c.seed, c] as const))('n = %i, cap = %i, seed %i: the rows and the draws of Algorithm S', (_n, _cap, _seed, c) => {
    const rng = mulberry32(c.seed);
    const picks = sampleIndices(c.n, c.cap, rng);
    let sum = 0;
    let sumSquaresMod32 = 0; // each term below 2^32: the sum stays exact
    for (let k = 0; k < picks.length; k++) {
      if (k > 0 && picks[k]! <= picks[k - 1]!) throw new Error(`not ascending at ${k}`);
      sum += picks[k]!;
      sumSquaresMod32 += (picks[k]! * picks[k]!) % 4294967296;
    }
    expect({ size: picks.length, sum, sumSquaresMod32, head: Array.from(picks.subarray(0, 5)), tail: Array.from(picks.subarray(-5)) }).toEqual({ size: c.size, sum: c.sum, sumSquaresMod32: c.sumSquaresMod32, head: c.head, tail: c.tail });
    expect(rng.nextUint32()).toBe(c.nextUint32);
  });
});

describe('sampleWhere', () => {
  it.each([
    ['every row kept', () => true],
    ['every third row dropped', (i: number) => i % 3 !== 0],
    ['no row kept', () => false],
  ] as const)('is sampleIndices over the kept rows (%s), with the same draws', (_label, keep) => {
    for (const [n, cap] of [[5000, 700], [300, 1000]] as const) {
      const kept = Array.from({ length: n }, (_, i) => i).filter(keep);
      const a = mulberry32(77);
      const b = mulberry32(77);
      expect(Array.from(sampleWhere(n, cap, a, keep))).toEqual(Array.from(sampleIndices(kept.length, cap, b), (k) => kept[k]!));
      expect(a.nextUint32()).toBe(b.nextUint32());
    }
  });
});
