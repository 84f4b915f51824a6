import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { fitIsotonic, predictIsotonic } from '../../src/audit/isotonic.js';

/** Made by fixtures/make_isotonic_knots.py (scikit-learn IsotonicRegression, out_of_bounds='clip'). */
const ref = JSON.parse(readFileSync(new URL('./fixtures/isotonic_knots.json', import.meta.url), 'utf8')) as {
  cases: { x: number[]; y: number[]; w: number[] | null; knotsX: number[]; knotsY: number[]; queries: number[]; predicted: number[] }[];
};

describe('isotonic fit on binary outcomes against scikit-learn', () => {
  it.each(ref.cases.map((c) => [c.x.length, c.w ? 'weighted' : 'unweighted', c] as const))('%i rows, %s: the knots of X_thresholds_ and the same predictions', (_n, _w, c) => {
    const fit = fitIsotonic(c.x, c.y, c.w ?? undefined);
    // Knots inside a run of one fitted value are dropped, as scikit-learn drops them: a few dozen, not one per row.
    expect(Array.from(fit.x)).toEqual(c.knotsX);
    // Weighted means of ties and pooled blocks, summed in another order than NumPy's: equal to rounding.
    fit.y.forEach((v, j) => expect(Math.abs(v - c.knotsY[j]!)).toBeLessThan(1e-12));
    c.queries.forEach((q, j) => expect(Math.abs(predictIsotonic(fit, q) - c.predicted[j]!)).toBeLessThan(1e-12));
  });
});
