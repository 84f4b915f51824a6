import { describe, expect, it } from '@jest/globals';
import { featureDrift } from '../../src/analyze/drift.js';
import { CHECKS, findAll } from '../../src/checks/index.js';
import { validateConfig } from '../../src/config/load.js';
import { MoaError } from '../../src/errors.js';
import { generateSample } from '../../src/stats/index.js';
import { categorical, config, datasetOf, numeric, resolved } from './support.js';

const N = 4000;
const normal = (shift: number, seed: number) => generateSample({ dist: 'normal12', n: N, seed, mu: shift, sigma: 1 });
const mix = (share: number) => Array.from({ length: N }, (_, i) => (i < share * N ? 'a' : 'b'));

describe('effect thresholds, one per measure', () => {
  // Regression: one `drift.minEffect` (0.1) was applied to a Wasserstein distance in SDs, a Jensen–Shannon distance
  // and a difference of proportions alike.
  it('compares each feature’s effect with the threshold of its own measure', () => {
    const cfg = config({ drift: { minEffect: { wassersteinNorm: 0.05, jensenShannon: 0.5, proportionDiff: 0.1 } } });
    const { roles, reference, operational } = resolved(
      cfg,
      datasetOf([numeric('x', normal(0, 1)), categorical('c', mix(0.5).map((v, i) => (i % 3 === 0 ? 'c' : v)))], 'reference'),
      datasetOf([numeric('x', normal(0.3, 2)), categorical('c', mix(0.8).map((v, i) => (i % 3 === 0 ? 'c' : v)))], 'operational'),
    );
    const [x, c] = findAll(featureDrift(reference, operational, roles, { ...cfg.drift, alpha: 0.05 }), CHECKS.featureDrift);
    expect(x!.threshold!.minEffect).toBe(0.05);
    expect(c!.threshold!.minEffect).toBe(0.5);
    expect(x!.figures.effect).toBeGreaterThan(0.05);
    expect(x!.status).toBe('fail');
    // Significant, but a Jensen–Shannon distance well below its own 0.5: only a warning.
    expect(c!.figures.effect).toBeGreaterThan(0.1);
    expect(c!.figures.effect).toBeLessThan(0.5);
    expect(c!.status).toBe('warn');
  });

  it('rejects a single number for drift.minEffect with a message naming the measures (exit 2)', () => {
    const raw = { reference: 'r', operational: 'o', out: 'x', drift: { minEffect: 0.1 } };
    let error: unknown;
    try {
      validateConfig(raw, 'test');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MoaError);
    expect((error as MoaError).exitCode).toBe(2);
    expect((error as MoaError).message).toContain('drift.minEffect');
    expect((error as MoaError).message).toContain('wassersteinNorm, jensenShannon, proportionDiff');
  });
});
