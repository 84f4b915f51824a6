/**
 * classShareChangeTest (did the class shares change?) against SciPy 1.10.1 (fixtures/class-share.py →
 * class-share.json), its false-alarm rate under "no change" by simulation, and the power it adds over the
 * chi-square alone when one class of many surges.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { chi2Contingency, classShareChangeTest, mulberry32 } from '../../src/stats/index.js';

interface Case {
  baseline: number[];
  window: number[];
  pvalue: number;
  omnibus: number;
  classPValues: number[];
  mostChanged: number;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/class-share.json', import.meta.url), 'utf8')) as { cases: Case[] };
const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1e-300, Math.abs(expected)) + 1e-15);

/** One multinomial draw of n rows over the shares. */
function multinomial(shares: number[], n: number, next: () => number): number[] {
  const counts = shares.map(() => 0);
  const cdf = shares.map(((s) => (v: number) => (s += v))(0));
  for (let i = 0; i < n; i++) {
    const u = next() * cdf[cdf.length - 1]!;
    let j = 0;
    while (j < cdf.length - 1 && u >= cdf[j]!) j++;
    counts[j]!++;
  }
  return counts;
}

describe('classShareChangeTest', () => {
  it.each(fixture.cases.map((c) => [c.baseline.join(','), c] as const))('matches SciPy on baseline %s', (_, c) => {
    const r = classShareChangeTest(c.baseline, c.window);
    close(r.pValue, c.pvalue);
    close(r.omnibusPValue, c.omnibus);
    r.classPValues.forEach((p, j) => close(p, c.classPValues[j]!));
    expect(r.mostChanged).toBe(c.mostChanged);
  });

  it('keeps its false-alarm rate at α under "no change" (simulated, baseline and window from the same shares)', () => {
    const rng = mulberry32(11);
    const next = () => rng.nextDouble53();
    const alpha = 0.05;
    for (const { shares, m, n } of [
      { shares: [0.5, 0.3, 0.2], m: 60, n: 40 },
      { shares: Array.from({ length: 10 }, () => 0.1), m: 700, n: 350 },
      { shares: [0.02, 0.18, 0.3, 0.5], m: 600, n: 250 },
      { shares: [0.9, 0.1], m: 5000, n: 2000 },
    ]) {
      const draws = 2000;
      let alarms = 0;
      for (let d = 0; d < draws; d++) if (classShareChangeTest(multinomial(shares, m, next), multinomial(shares, n, next)).pValue <= alpha) alarms++;
      // α plus three Monte Carlo standard errors.
      expect(alarms / draws).toBeLessThanOrEqual(alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / draws));
    }
  });

  it('finds one class of ten tripling where the chi-square alone misses it more often', () => {
    const rng = mulberry32(5);
    const next = () => rng.nextDouble53();
    const before = Array.from({ length: 10 }, () => 0.1);
    const after = before.map((_, j) => (j === 4 ? 0.25 : (1 - 0.25) / 9));
    let combined = 0;
    let omnibus = 0;
    const draws = 400;
    for (let d = 0; d < draws; d++) {
      const a = multinomial(before, 700, next);
      const b = multinomial(after, 120, next);
      if (classShareChangeTest(a, b).pValue <= 0.005) combined++;
      if (chi2Contingency([a, b], { correction: false }).pValue <= 0.005) omnibus++;
    }
    expect(combined).toBeGreaterThan(omnibus);
    expect(combined / draws).toBeGreaterThan(0.5);
  });

  it('says NaN when fewer than two classes have rows, and refuses mismatched lengths', () => {
    expect(classShareChangeTest([10, 0], [5, 0]).pValue).toBeNaN();
    expect(classShareChangeTest([0, 0], [0, 0]).mostChanged).toBe(-1);
    expect(() => classShareChangeTest([1, 2], [1])).toThrow(RangeError);
  });
});
