import { describe, expect, it } from '@jest/globals';
import { dataQuality } from '../../src/analyze/quality.js';
import { validateConfig } from '../../src/config/load.js';
import type { Dataset, Roles } from '../../src/ingest/dataset.js';
import { mulberry32 } from '../../src/stats/index.js';

const config = validateConfig({ reference: 'r', operational: 'o', out: 'x' }, 'test');
const roles: Roles = { task: null, proba: [], features: ['x'], excluded: [] };
const dataset = (role: 'reference' | 'operational', values: Float64Array): Dataset => ({
  role,
  uri: role,
  rows: values.length,
  columns: new Map([['x', { name: 'x', type: 'numeric', values, nulls: null, integer: false }]]),
});
const gate = (ref: Float64Array, op: Float64Array) =>
  dataQuality(dataset('reference', ref), dataset('operational', op), roles, config.analyze.quality, 1).find((c) => c.id === 'quality.column.x')!;

describe('unit-change gate', () => {
  const rng = mulberry32(9);
  // Bike Sharing's temp: normalised t/41 in training, °C in the broken feed.
  const celsius = Float64Array.from({ length: 3000 }, () => 2 + 33 * rng.nextDouble53());
  const normalised = Float64Array.from({ length: 3000 }, () => (2 + 33 * rng.nextDouble53()) / 41);

  it('fails a ×41 unit change: values out of range, same shape once rescaled', () => {
    const check = gate(normalised, celsius);
    expect(check.status).toBe('fail');
    expect(check.summary).toMatch(/unit change/);
    expect(Number(check.figures.rescaledKs)).toBeLessThan(0.1);
  });

  it('does not fail a magnitude jump that stays inside the reference range (a sparse pixel gaining ink)', () => {
    const ref = Float64Array.from({ length: 3000 }, (_, i) => (i % 20 === 0 ? 40 * rng.nextDouble53() : 0));
    const op = Float64Array.from({ length: 3000 }, (_, i) => (i % 2 === 0 ? 40 * rng.nextDouble53() : 0));
    const check = gate(ref, op);
    expect(check.status).not.toBe('fail');
  });

  it('does not fail ordinary drift of a few standard deviations', () => {
    const ref = Float64Array.from({ length: 3000 }, () => 10 + rng.nextDouble53());
    const op = Float64Array.from({ length: 3000 }, () => 13 + rng.nextDouble53());
    expect(gate(ref, op).status).not.toBe('fail');
  });
});
