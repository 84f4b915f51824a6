import type { Dataset, Roles } from '../ingest/dataset.js';
import { kstwoSf } from '../stats/index.js';
import type { ClassWeight } from './bbse.js';

export interface ReweightedOutputs {
  /** Largest weighted KS statistic over the class-probability columns. */
  statistic: number;
  /** Bonferroni-adjusted p-value over the columns. */
  pValue: number;
  columns: number;
}

function finiteRows(values: Float64Array, keep: (i: number) => boolean): number[] {
  const rows: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!) && keep(i)) rows.push(i);
  return rows;
}

/**
 * Is the output change fully explained by the class priors BBSE estimated? Reweight the labelled validation
 * rows by w(y) and compare, column by column, the distribution of the model's class probabilities with the
 * operational one (two-sample KS with the weighted side's effective size n_eff = (Σw)²/Σw², Bonferroni across
 * columns). Under a pure prior shift p(x|y) is unchanged, so the reweighted validation outputs match.
 */
export function reweightedOutputs(operational: Dataset, validation: Dataset, roles: Roles, weights: ClassWeight[]): ReweightedOutputs | null {
  const label = roles.label ? validation.columns.get(roles.label) : undefined;
  if (label?.type !== 'categorical' || roles.proba.length === 0) return null;
  const byCode = new Map(weights.map((w) => [w.code, w.weight]));
  let best = { statistic: 0, pValue: 1 };
  let columns = 0;
  for (const { column } of roles.proba) {
    const v = validation.columns.get(column);
    const o = operational.columns.get(column);
    if (v?.type !== 'numeric' || o?.type !== 'numeric') continue;
    const vRows = finiteRows(v.values, (i) => label.codes[i]! >= 0 && byCode.has(label.codes[i]!));
    const oRows = finiteRows(o.values, () => true);
    if (vRows.length < 2 || oRows.length < 2) continue;
    columns++;
    vRows.sort((a, b) => v.values[a]! - v.values[b]!);
    const y = Float64Array.from(oRows, (i) => o.values[i]!).sort();
    const w = vRows.map((i) => byCode.get(label.codes[i]!)!);
    const total = w.reduce((a, b) => a + b, 0);
    const totalSq = w.reduce((a, b) => a + b * b, 0);
    if (total <= 0) continue;
    // Walk both sorted samples; the statistic is the largest gap between the two step functions.
    let i = 0;
    let j = 0;
    let fx = 0;
    let d = 0;
    while (i < vRows.length || j < y.length) {
      const xv = i < vRows.length ? v.values[vRows[i]!]! : Infinity;
      const t = Math.min(xv, j < y.length ? y[j]! : Infinity);
      while (i < vRows.length && v.values[vRows[i]!]! === t) fx += w[i++]! / total;
      while (j < y.length && y[j] === t) j++;
      d = Math.max(d, Math.abs(fx - j / y.length));
    }
    const nEff = (total * total) / totalSq;
    const en = Math.max(1, Math.round((nEff * y.length) / (nEff + y.length)));
    const p = kstwoSf(d, en);
    if (d > best.statistic) best = { statistic: d, pValue: p };
    best.pValue = Math.min(best.pValue, p);
  }
  if (columns === 0) return null;
  return { statistic: best.statistic, pValue: Math.min(1, best.pValue * columns), columns };
}
