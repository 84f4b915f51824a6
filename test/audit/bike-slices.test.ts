import { describe, expect, it } from '@jest/globals';
import { weakSlices } from '../../src/audit/index.js';
import type { Roles } from '../../src/ingest/dataset.js';
import { fitRidge, predictRidge } from '../../src/models/ridge.js';
import { AuditConfigSchema } from '../../src/schema/config.js';
import { mulberry32 } from '../../src/stats/index.js';
import { testDataText } from '../support/data.js';
import { categorical, dataset, numeric } from './support/datasets.js';

/**
 * Regression slices on UCI bike sharing (hourly rentals, 2011): a ridge model of the count, validation and
 * operational rows a random split of 2011; then the operational counts of one subgroup are raised, as if demand
 * changed there only.
 */
const text = testDataText('bike-sharing/hour.csv.gz').trim().split(/\r?\n/);
const header = text[0]!.split(',');
const rows = text.slice(1).map((l) => l.split(','));
const col = (name: string) => header.indexOf(name);
const year2011 = rows.filter((r) => r[col('yr')] === '0');
const NUMERIC = ['hr', 'temp', 'atemp', 'hum', 'windspeed'];
const CATEGORICAL = ['season', 'weathersit', 'workingday', 'weekday'];

const rng = mulberry32(3);
const isOperational = year2011.map(() => rng.nextDouble53() < 0.5);
const part = (operational: boolean) => year2011.filter((_, i) => isOperational[i] === operational);
const fitRows = part(false);
const d = NUMERIC.length + CATEGORICAL.length;
const design = (rs: string[][]) => Float64Array.from(rs.flatMap((r) => [...NUMERIC, ...CATEGORICAL].map((f) => Number(r[col(f)]))));
// Hour enters through bumps at the rush hours, as a linear model cannot bend.
const withRush = (rs: string[][]) => {
  const base = design(rs);
  const out = new Float64Array(rs.length * (d + 2));
  rs.forEach((r, i) => {
    out.set(base.subarray(i * d, (i + 1) * d), i * (d + 2));
    const hr = Number(r[col('hr')]);
    out[i * (d + 2) + d] = hr >= 7 && hr <= 9 ? 1 : 0;
    out[i * (d + 2) + d + 1] = hr >= 16 && hr <= 19 ? 1 : 0;
  });
  return out;
};
const model = fitRidge(withRush(fitRows), Float64Array.from(fitRows, (r) => Number(r[col('cnt')])), { lambda: 1 });

function toDataset(role: 'validation' | 'operational', rs: string[][], bump?: (r: string[]) => number) {
  const predictions = predictRidge(model, withRush(rs));
  const codes = (f: string) => {
    const values = [...new Set(year2011.map((r) => r[col(f)]!))].sort();
    return categorical(f, Int32Array.from(rs, (r) => values.indexOf(r[col(f)]!)), values);
  };
  return dataset(role, [
    ...NUMERIC.map((f) => numeric(f, Float64Array.from(rs, (r) => Number(r[col(f)])))),
    ...CATEGORICAL.map(codes),
    numeric('cnt', Float64Array.from(rs, (r) => Number(r[col('cnt')]) + (bump ? bump(r) : 0))),
    numeric('predicted', predictions),
  ]);
}

const roles: Roles = { task: 'regression', label: 'cnt', prediction: 'predicted', proba: [], features: [...NUMERIC, ...CATEGORICAL], excluded: [] };
const audit = AuditConfigSchema.parse(undefined);
const validation = toDataset('validation', fitRows);
const opRows = part(true);

describe('weak slices for regression (bike sharing 2011)', () => {
  it('finds the subgroup whose counts were raised', () => {
    // Misty summer days: counts up by 150, everything else as it was.
    const group = (r: string[]) => r[col('season')] === '3' && r[col('weathersit')] === '2';
    const op = toDataset('operational', opRows, (r) => (group(r) ? 150 : 0));
    const { check, slices } = weakSlices(op, validation, roles, { audit, rng: mulberry32(9), fdr: 0.05 });
    expect(check.status).toBe('fail');
    expect(check.figures.metric).toBe('mean absolute error');
    expect([...slices[0]!.text].sort()).toEqual(['season = 3', 'weathersit = 2']);
    expect(slices[0]!.operationalRows.length).toBe(opRows.filter(group).length);
    expect(slices[0]!.errorRate).toBeGreaterThan(slices[0]!.baselineErrorRate * 1.5);
  });

  it.each([9, 10])('finds none on unaltered rows (seed %i)', (seed) => {
    const { check, slices } = weakSlices(toDataset('operational', opRows), validation, roles, { audit, rng: mulberry32(seed), fdr: 0.05 });
    expect(check.status).toBe('pass');
    expect(slices).toHaveLength(0);
  });
});
