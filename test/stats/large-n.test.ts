/**
 * Large-n pieces of the KS tail against SciPy 1.10.1 (fixtures/large-n.py → large-n.json): Loader's binomial
 * pmf, the one-sided Smirnov tail where it is summed from a sparse grid of terms, and kstwo.sf beyond n = 1e6
 * (where SciPy switches to an approximation). Tolerance: the README's relative 1e-9 for p-values; the pmf at
 * relative 1e-10 (a pmf from ln Γ is off by up to 3e-7 at n = 5e7 — that is why Loader's form is used).
 */
import { readFileSync } from 'node:fs';
import { describe, it, expect } from '@jest/globals';
import { binomialLogPmf } from '../../src/stats/binomial-log-pmf.js';
import { kstwoSf } from '../../src/stats/index.js';
import { smirnovSf } from '../../src/stats/smirnov-sf.js';

const fixtures = JSON.parse(readFileSync(new URL('./fixtures/large-n.json', import.meta.url), 'utf8')) as {
  binomial: { x: number; n: number; p: number; pmf: number }[];
  smirnov: { n: number; d: number; sf: number }[];
  kstwo: { n: number; d: number; sf: number }[];
};

const offBy = (rel: number) => (r: { got: number; want: number }) => !(Math.abs(r.got - r.want) <= rel * Math.abs(r.want));

describe('large-n KS tail pieces match SciPy', () => {
  it('binomialLogPmf matches scipy.stats.binom.pmf, n from 20 to 5e7', () => {
    const rows = fixtures.binomial.map((r) => ({ ...r, got: Math.exp(binomialLogPmf(r.x, r.n, r.p, 1 - r.p)), want: r.pmf }));
    expect(rows.filter(offBy(1e-10))).toEqual([]);
    expect(rows.filter((r) => r.n >= 1e6).length).toBeGreaterThan(30);
  });

  it('smirnovSf matches scipy.special.smirnov from n = 20001 (sparse sum) to 2e6 (SciPy approximation)', () => {
    const rows = fixtures.smirnov.map((r) => ({ ...r, got: smirnovSf(r.n, r.d), want: r.sf }));
    expect(rows.filter(offBy(1e-9))).toEqual([]);
    expect(rows.length).toBe(20);
  });

  it('kstwoSf matches scipy.stats.kstwo.sf at n = 2e6 and 5e6', () => {
    const rows = fixtures.kstwo.map((r) => ({ ...r, got: kstwoSf(r.d, r.n), want: r.sf }));
    expect(rows.filter(offBy(1e-9))).toEqual([]);
    expect(rows.length).toBe(10);
  });
});
