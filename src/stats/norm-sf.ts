import erfc from '@stdlib/math-base-special-erfc';

/** Standard normal survival function Pr(Z > x) = erfc(x/√2)/2; erfc keeps relative accuracy in the upper tail. */
export function normSf(x: number): number {
  return 0.5 * erfc(x / Math.SQRT2);
}
