import { gammaQ } from './gamma-q.js';

/**
 * Chi-square survival function Pr(X > x) for df degrees of freedom: Q(df/2, x/2), computed directly so the
 * far tail keeps its relative accuracy (1 − cdf would round to 0). NaN for df <= 0 or NaN input.
 */
export function chi2Sf(x: number, df: number): number {
  if (Number.isNaN(x) || Number.isNaN(df) || df <= 0) return NaN;
  if (x <= 0) return 1;
  return gammaQ(df / 2, x / 2);
}
