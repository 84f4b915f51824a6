/**
 * ln Γ(a) − [(a − ½) ln a − a + ½ ln 2π] (= ln a! − ln(√(2πa) (a/e)^a), Loader's `stirlerr`): the part of ln Γ that
 * is small, so sums of large log-factorials can be formed without cancelling large numbers. Its asymptotic series
 * is below 1e-16 relative from a = 15 up; below that it is taken from ln Γ (only the far tails of the sums that use
 * it evaluate there).
 */
import gammaln from '@stdlib/math-base-special-gammaln';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export function stirlingCorrection(a: number): number {
  if (a < 15) return gammaln(a) - ((a - 0.5) * Math.log(a) - a + HALF_LOG_2PI);
  const r = 1 / a;
  const r2 = r * r;
  return r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 * (1 / 1188)))));
}
