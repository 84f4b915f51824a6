import { describe, expect, it } from '@jest/globals';
import { classOutcomes } from '../../src/audit/outcomes.js';
import { categorical, classificationRoles, dataset, numeric, outputColumns } from './support/datasets.js';

describe('classOutcomes read once per dataset, roles and columns', () => {
  const classes = ['a', 'b'];
  const make = () => dataset('operational', outputColumns(classes, Int32Array.from([0, 1, 1]), Int32Array.from([0, 1, 0]), Float64Array.from([0.9, 0.1, 0.2, 0.8, 0.6, 0.4])));
  const roles = classificationRoles(classes, []);

  it('gives the same outcomes to every reader of the same dataset and roles', () => {
    const d = make();
    const first = classOutcomes(d, roles)!;
    expect(classOutcomes(d, roles)).toBe(first);
    expect(Array.from(first.proba!)).toEqual([0.9, 0.1, 0.2, 0.8, 0.6, 0.4]);
  });

  it('reads again when a column is replaced, for other roles, and for another dataset', () => {
    const d = make();
    const first = classOutcomes(d, roles)!;
    d.columns.set('label', categorical('label', Int32Array.from([1, 1, 0]), classes));
    const relabelled = classOutcomes(d, roles)!;
    expect(Array.from(relabelled.y)).toEqual([1, 1, 0]);
    d.columns.set('proba_a', numeric('proba_a', Float64Array.from([0.5, 0.2, 0.6])));
    expect(classOutcomes(d, roles)!.proba![0]).toBeCloseTo(0.5 / 0.6, 15);
    const noProba = { ...roles, proba: [] };
    expect(classOutcomes(d, noProba)!.proba).toBeNull();
    expect(classOutcomes(make(), roles)).not.toBe(first);
  });
});
