import { describe, expect, it } from '@jest/globals';
import { analyzeFeatures, analyzeMultivariate, analyzeOutputs } from '../../src/analyze/index.js';
import { sampleIndices, shuffle } from '../../src/analyze/sampling.js';
import { mulberry32 } from '../../src/stats/index.js';
import { adultWithModel, config, resolved, rowsOf } from './support.js';

/**
 * Null cases: 50 seeded random splits of UCI Adult into reference and operational halves (same population).
 * Every alarm is false, so the dataset-level false-alarm rate must stay at α plus sampling error:
 * with 50 splits, α = 0.05 and a binomial sd of 0.031, at most 0.05 + 2·0.031 → 5 of 50.
 */
const SPLITS = 50;
const ROWS = 2000;
const ALPHA = 0.05;
const MAX_ALARMS = Math.floor(SPLITS * (ALPHA + 2 * Math.sqrt((ALPHA * (1 - ALPHA)) / SPLITS)));

describe('null cases: 50 seeded splits of one dataset', () => {
  const table = adultWithModel();
  const pool = Int32Array.from({ length: table.rows - 5000 }, (_, i) => 5000 + i);
  const cfg = config({
    columns: { label: 'income', prediction: 'prediction', proba: 'proba_', categorical: [], ignore: [], types: {} },
    // Every family at α explicitly (the plan would give each only its share of one budget).
    drift: { alpha: ALPHA },
    // The multivariate checks run on a 400-row subsample per side (their own cap) to keep the 50 splits fast.
    analyze: { outputDrift: { alpha: ALPHA }, multivariate: { maxRows: 400, epochs: 5, chunks: 100, alpha: ALPHA } },
  });

  it(`keeps the dataset-level false-alarm rate near α (at most ${MAX_ALARMS} of ${SPLITS})`, () => {
    const alarms = { features: 0, featuresSignificant: 0, outputs: 0, domain: 0, reconstruction: 0, any: 0 };
    for (let s = 0; s < SPLITS; s++) {
      const rng = mulberry32(1000 + s);
      const picked = shuffle(sampleIndices(pool.length, 2 * ROWS, rng), rng).map((i) => pool[i]!);
      const { roles, reference, operational } = resolved({ ...cfg, seed: s }, rowsOf(table, picked.subarray(0, ROWS), 'reference'), rowsOf(table, picked.subarray(ROWS), 'operational'));
      const runCfg = { ...cfg, seed: s };
      const feat = analyzeFeatures(reference, operational, roles, runCfg);
      const out = analyzeOutputs(reference, operational, roles, runCfg);
      const multi = analyzeMultivariate(reference, operational, roles, runCfg).results;
      const f = feat.some((r) => r.status === 'fail');
      const fs = feat.some((r) => r.status === 'fail' || r.status === 'warn');
      const o = out.some((r) => r.status === 'fail' || r.status === 'warn');
      const d = multi[0]!.status === 'fail' || multi[0]!.status === 'warn';
      const rc = multi[1]!.status === 'fail' || multi[1]!.status === 'warn';
      alarms.features += +f;
      alarms.featuresSignificant += +fs;
      alarms.outputs += +o;
      alarms.domain += +d;
      alarms.reconstruction += +rc;
      alarms.any += +(f || o || multi.some((r) => r.status === 'fail'));
      expect(feat.length).toBe(roles.features.length);
    }
    const rates = Object.fromEntries(Object.entries(alarms).map(([key, v]) => [key, v / SPLITS]));
    console.log(`null splits (${SPLITS} × ${ROWS}+${ROWS} rows of UCI Adult) — dataset-level alarm rates: ${JSON.stringify(rates)}`);
    // Significance alone (BH across 14 features; Bonferroni over outputs; each multivariate test) is what α bounds.
    expect(alarms.featuresSignificant).toBeLessThanOrEqual(MAX_ALARMS);
    expect(alarms.outputs).toBeLessThanOrEqual(MAX_ALARMS);
    expect(alarms.domain).toBeLessThanOrEqual(MAX_ALARMS);
    expect(alarms.reconstruction).toBeLessThanOrEqual(MAX_ALARMS);
    expect(alarms.features).toBeLessThanOrEqual(alarms.featuresSignificant);
  });
});
