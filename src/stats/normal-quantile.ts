import { normSf } from './norm-sf.js';

/**
 * Standard normal quantile Φ⁻¹(p), as `scipy.stats.norm.ppf`, by bisection on the survival function. 80 halvings
 * of [-40, 40] reach double precision; callers use it a handful of times per run, so speed does not matter.
 */
export function normQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  let lo = -40;
  let hi = 40;
  // Search in the tail the probability lies in (1 − p is exact for p ≥ 0.5): Φ(x) = Q(−x) below, Q(x) above.
  const upper = p > 0.5;
  const target = upper ? 1 - p : p;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (upper ? normSf(mid) > target : normSf(-mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
