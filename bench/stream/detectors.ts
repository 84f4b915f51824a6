import { chi2Contingency, ks2samp } from '../../src/stats/index.js';
import type { Frame } from '../scenarios/frame.js';

/**
 * The dataset-drift rule with a popular monitoring tool's defaults (Evidently's DataDriftPreset): a column drifts
 * when its two-sample test gives p < 0.05 — KS for numeric columns with more than 5 distinct values, chi-square
 * for categorical ones and numeric ones with at most 5 — and the dataset drifts when at least half the columns do.
 * Nulls are left out of each test. (Evidently uses a goodness-of-fit chi-square against the reference shares; the
 * contingency test used here is the two-sample form of the same question.)
 */
export function datasetDrift(reference: Frame, refRows: ArrayLike<number>, current: Frame, curRows: ArrayLike<number>): { share: number; drifted: boolean } {
  let columns = 0;
  let drifted = 0;
  const values = (v: ArrayLike<number>, rows: ArrayLike<number>) => {
    const out: number[] = [];
    for (let i = 0; i < rows.length; i++) {
      const x = v[rows[i]!]!;
      if (!Number.isNaN(x)) out.push(x);
    }
    return out;
  };
  const chi2 = (a: (string | number)[], b: (string | number)[]) => {
    const keys = [...new Set([...a, ...b])];
    if (keys.length < 2) return 1;
    const index = new Map(keys.map((k, i) => [k, i]));
    const table = [new Array<number>(keys.length).fill(0), new Array<number>(keys.length).fill(0)];
    for (const x of a) table[0]![index.get(x)!]!++;
    for (const x of b) table[1]![index.get(x)!]!++;
    const p = chi2Contingency(table).pValue;
    return Number.isNaN(p) ? 1 : p;
  };
  for (const name of Object.keys(reference.numeric)) {
    const a = values(reference.numeric[name]!, refRows);
    const b = values(current.numeric[name]!, curRows);
    columns++;
    if (a.length === 0 || b.length === 0) {
      // A column empty on one side has changed beyond any test.
      if (a.length !== b.length) drifted++;
      continue;
    }
    const p = new Set(a).size <= 5 ? chi2(a, b) : ks2samp(Float64Array.from(a), Float64Array.from(b)).pValue;
    if (p < 0.05) drifted++;
  }
  for (const name of Object.keys(reference.categorical)) {
    const pick = (v: (string | null)[], rows: ArrayLike<number>) => Array.from(rows, (r) => v[r]).filter((x): x is string => x !== null);
    const a = pick(reference.categorical[name]!, refRows);
    const b = pick(current.categorical[name]!, curRows);
    columns++;
    if (a.length && b.length && chi2(a, b) < 0.05) drifted++;
  }
  const share = columns ? drifted / columns : 0;
  return { share, drifted: share >= 0.5 };
}

/**
 * DDM (Gama et al. 2004) over a stream of 0/1 errors, as in MOA's DDM: after at least 30 errors, drift when
 * p + s > p_min + 3 s_min, where p is the running error rate and s = √(p(1 − p)/n). A retrained model starts a
 * new detector.
 */
export class Ddm {
  private n = 0;
  private p = 1;
  private pMin = Infinity;
  private sMin = Infinity;
  /** Drift was signalled by some error added so far. */
  drift = false;

  add(error: 0 | 1): void {
    this.n++;
    this.p += (error - this.p) / this.n;
    const s = Math.sqrt((this.p * (1 - this.p)) / this.n);
    if (this.n < 30) return;
    if (this.p + s <= this.pMin + this.sMin) {
      this.pMin = this.p;
      this.sMin = s;
    }
    if (this.p + s > this.pMin + 3 * this.sMin) this.drift = true;
  }
}
