/**
 * Pearson chi-square test of independence on an r×c contingency table, as `scipy.stats.chi2_contingency`
 * (lambda_ = None). Yates' correction applies only when dof = 1 and `correction` is true (the default, like
 * SciPy). Where SciPy raises because an expected count is 0 (a row or column of zeros), the result has
 * statistic and pValue NaN and a `reason`.
 */
import { statsInputError } from './input-error.js';
import { chi2Sf } from './chi2-sf.js';

export interface Chi2ContingencyResult {
  method: 'pearson' | 'pearson-yates';
  statistic: number;
  pValue: number;
  dof: number;
  expected: number[][];
  reason?: string;
}

export function chi2Contingency(
  table: readonly (readonly number[])[] | readonly Float64Array[],
  options: { correction?: boolean } = {},
): Chi2ContingencyResult {
  const correction = options.correction ?? true;
  const r = table.length;
  const c = r > 0 ? table[0]!.length : 0;
  if (r === 0 || c === 0) {
    throw statsInputError('stats.empty_table', 'contingency table has no cells', { subject: 'table', fix: 'pass at least one row and one column' });
  }
  const rows = new Float64Array(r);
  const cols = new Float64Array(c);
  let total = 0;
  for (let i = 0; i < r; i++) {
    const row = table[i]!;
    if (row.length !== c) {
      throw statsInputError('stats.ragged_table', `contingency table row ${i} has ${row.length} cells, row 0 has ${c}`, { subject: 'table', fix: 'pass a rectangular table' });
    }
    for (let j = 0; j < c; j++) {
      const o = row[j]!;
      if (!(o >= 0) || !Number.isFinite(o)) {
        throw statsInputError('stats.bad_count', `contingency table cell (${i}, ${j}) is ${o}; counts must be finite and >= 0`, { subject: 'table', fix: 'pass non-negative counts' });
      }
      rows[i]! += o;
      cols[j]! += o;
      total += o;
    }
  }
  const expected: number[][] = [];
  let zeroAt: [number, number] | undefined;
  for (let i = 0; i < r; i++) {
    const e: number[] = new Array(c);
    for (let j = 0; j < c; j++) {
      e[j] = (rows[i]! * cols[j]!) / total;
      if (e[j] === 0 && zeroAt === undefined) zeroAt = [i, j];
    }
    expected.push(e);
  }
  const dof = r * c - r - c + 1;
  const yates = correction && dof === 1;
  const method = yates ? 'pearson-yates' : 'pearson';
  if (zeroAt !== undefined) {
    return {
      method, statistic: NaN, pValue: NaN, dof, expected,
      reason: `expected count is 0 at cell (${zeroAt[0]}, ${zeroAt[1]}): a row or column has no observations`,
    };
  }
  if (dof === 0) {
    return { method, statistic: 0, pValue: 1, dof, expected, reason: 'table has a single row or column (dof = 0): nothing to test' };
  }
  let statistic = 0;
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      const e = expected[i]![j]!;
      let o = table[i]![j]!;
      if (yates) {
        // Move each observed count toward its expected value by 0.5, but never past it.
        const diff = e - o;
        o += Math.sign(diff) * Math.min(0.5, Math.abs(diff));
      }
      statistic += ((o - e) * (o - e)) / e;
    }
  }
  return { method, statistic, pValue: chi2Sf(statistic, dof), dof, expected };
}
