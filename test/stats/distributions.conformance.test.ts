/**
 * Distribution tails against SciPy 1.10.1 (chi2.sf, kstwo.sf, norm.sf grids in scipy-vectors.json).
 * Tolerance: relative 1e-9 for p >= 1e-300 (README). Below 1e-300 (subnormal territory, where SciPy itself only
 * has a few significant bits) we require absolute 1e-300.
 */
import { describe, it, expect } from '@jest/globals';
import { chi2Sf, kstwoSf, normSf } from '../../src/stats/index.js';
import { loadVectors, Mismatches, type Tolerance } from './vectors.js';

// Generous per-test limit: the n = 200000 vectors under a loaded CI machine (jest's VM context is slow).
const SLOW = 300_000;
const v = loadVectors();
const tailTol = (expected: number): Tolerance => (Math.abs(expected) >= 1e-300 ? { rel: 1e-9 } : { abs: 1e-300 });

describe('distribution tails match SciPy', () => {
  it('chi2Sf matches scipy.stats.chi2.sf on every grid row', () => {
    const m = new Mismatches();
    for (const r of v.chi2_sf) m.check(`chi2Sf(${r.x}, ${r.df})`, chi2Sf(r.x, r.df), r.sf, tailTol(r.sf));
    expect(m.items).toEqual([]);
    expect(m.checked).toBeGreaterThan(3);
    expect(v.chi2_sf.length).toBeGreaterThan(100);
  }, SLOW);

  it('normSf matches scipy.stats.norm.sf on every grid row', () => {
    const m = new Mismatches();
    for (const r of v.norm_sf) m.check(`normSf(${r.x})`, normSf(r.x), r.sf, tailTol(r.sf));
    expect(m.items).toEqual([]);
    expect(m.checked).toBeGreaterThan(3);
  }, SLOW);

  it('kstwoSf matches scipy.stats.kstwo.sf on every grid row', () => {
    const m = new Mismatches();
    for (const r of v.kstwo_sf) m.check(`kstwoSf(${r.d}, ${r.n})`, kstwoSf(r.d, r.n), r.sf, tailTol(r.sf));
    expect(m.items).toEqual([]);
    expect(m.checked).toBeGreaterThan(3);
  }, SLOW);
});
