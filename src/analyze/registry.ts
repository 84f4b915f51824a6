/**
 * The univariate drift-test registry: which test runs on which column, what it yields, which effect size decides
 * "large enough", and that effect's default threshold. featureDrift writes the chosen entry into every result
 * (`method`, `details.test`), so a reader sees exactly what was applied.
 */
import type { Column } from '../ingest/table.js';

export type ColumnKind = 'numeric' | 'categorical' | 'binary';

export interface DriftTest {
  id: 'ks' | 'chi2' | 'two_proportion';
  kind: ColumnKind;
  /** Every entry yields a p-value (corrected with BH across features) and effect sizes. */
  yields: 'p_value';
  /** The effect compared with `drift.minEffect`; larger means more drift. */
  effect: 'wasserstein_norm' | 'jensen_shannon' | 'proportion_diff';
  /** Other effect sizes reported alongside. */
  alsoReports: string[];
  describe: string;
}

export const DRIFT_TESTS: Record<ColumnKind, DriftTest> = {
  numeric: {
    id: 'ks',
    kind: 'numeric',
    yields: 'p_value',
    effect: 'wasserstein_norm',
    alsoReports: ['ks_statistic', 'psi'],
    describe: 'two-sample Kolmogorov–Smirnov (SciPy’s rule: exact when neither sample exceeds 10 000 values, else asymptotic); effect: Wasserstein distance in reference standard deviations',
  },
  categorical: {
    id: 'chi2',
    kind: 'categorical',
    yields: 'p_value',
    effect: 'jensen_shannon',
    alsoReports: ['linf', 'psi', 'tvd'],
    describe: 'chi-square test of homogeneity with rare categories pooled; effect: Jensen–Shannon distance (base 2)',
  },
  binary: {
    id: 'two_proportion',
    kind: 'binary',
    yields: 'p_value',
    effect: 'proportion_diff',
    alsoReports: ['jensen_shannon', 'psi'],
    describe: 'two-proportion z-test (pooled variance); effect: absolute difference of the proportions',
  },
};

/** How a column is tested: binary when both sides together hold at most two distinct values, else by type. */
export function columnKind(ref: Column, op: Column): ColumnKind | null {
  if (ref.type === 'numeric' && op.type === 'numeric') return distinctAtMost2(ref.values, op.values) ? 'binary' : 'numeric';
  if (ref.type === 'categorical' && op.type === 'categorical') {
    const used = new Set<string>();
    for (const c of [ref, op]) {
      const seen = new Uint8Array(c.categories.length);
      for (const code of c.codes) if (code >= 0) seen[code] = 1;
      c.categories.forEach((name, k) => seen[k] && used.add(name));
      if (used.size > 2) return 'categorical';
    }
    return used.size === 2 ? 'binary' : 'categorical';
  }
  return null;
}

function distinctAtMost2(a: Float64Array, b: Float64Array): boolean {
  const seen: number[] = [];
  for (const arr of [a, b]) {
    for (const v of arr) {
      if (!Number.isFinite(v) || seen.includes(v)) continue;
      seen.push(v);
      if (seen.length > 2) return false;
    }
  }
  return seen.length === 2;
}
