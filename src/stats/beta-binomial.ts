import gammaln from '@stdlib/math-base-special-gammaln';

const lbeta = (a: number, b: number) => gammaln(a) + gammaln(b) - gammaln(a + b);

/**
 * P(X ≥ x) for X ~ BetaBinomial(n, a, b), as `scipy.stats.betabinom.sf(x - 1, n, a, b)`: e.g. the number of n new
 * exchangeable points that exceed a threshold set at an order statistic of a calibration sample (exceedance
 * probability ~ Beta(a, b)). Terms summed in log space from ln Γ, so agreement with SciPy is ~1e-10 relative.
 */
export function betaBinomialSf(x: number, n: number, a: number, b: number): number {
  if (x <= 0) return 1;
  if (x > n) return 0;
  const base = lbeta(a, b);
  const lchoose = (k: number) => gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1);
  let sum = 0;
  for (let k = x; k <= n; k++) sum += Math.exp(lchoose(k) + lbeta(k + a, n - k + b) - base);
  return Math.min(1, sum);
}

/**
 * P(X ≤ x) for X ~ BetaBinomial(n, a, b), as `scipy.stats.betabinom.cdf(x, n, a, b)`, summed from the side with
 * fewer terms (the complement of betaBinomialSf above the middle).
 */
export function betaBinomialCdf(x: number, n: number, a: number, b: number): number {
  if (x < 0) return 0;
  if (x >= n) return 1;
  if (x >= n / 2) return Math.max(0, 1 - betaBinomialSf(x + 1, n, a, b));
  const base = lbeta(a, b);
  const lgn = gammaln(n + 1);
  let sum = 0;
  for (let k = 0; k <= x; k++) sum += Math.exp(lgn - gammaln(k + 1) - gammaln(n - k + 1) + lbeta(k + a, n - k + b) - base);
  return Math.min(1, sum);
}
