/**
 * Benjamini–Hochberg step-up adjustment, as statsmodels `multipletests(method='fdr_bh')`: adjusted p-values
 * (reverse cumulative minimum of p_(i)·m/i, capped at 1) in input order, and reject = adjusted <= alpha.
 */
import { statsInputError } from './input-error.js';
import type { Sample } from './sample.js';

export interface BhResult {
  adjusted: Float64Array;
  reject: boolean[];
  alpha: number;
}

export function benjaminiHochberg(pValues: Sample, alpha: number): BhResult {
  if (!(alpha > 0 && alpha < 1)) {
    throw statsInputError('stats.bad_alpha', `alpha is ${alpha}; it must lie in (0, 1)`, { subject: 'alpha', fix: 'use a level such as 0.05' });
  }
  const m = pValues.length;
  for (let i = 0; i < m; i++) {
    const p = pValues[i]!;
    if (!(p >= 0 && p <= 1)) {
      throw statsInputError('stats.bad_p_value', `p-value ${i} is ${p}; p-values must lie in [0, 1]`, { subject: 'pValues', fix: 'drop tests without a p-value before correcting' });
    }
  }
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => pValues[a]! - pValues[b]!);
  const adjusted = new Float64Array(m);
  let running = Infinity;
  for (let r = m - 1; r >= 0; r--) {
    const raw = pValues[order[r]!]! / ((r + 1) / m);
    if (raw < running) running = raw;
    adjusted[order[r]!] = Math.min(running, 1);
  }
  const reject = Array.from(adjusted, (p) => p <= alpha);
  return { adjusted, reject, alpha };
}
