/**
 * Exact random draws from Binomial(n, p) and Multinomial(n, p), in expected O(1) per binomial whatever n, so that a
 * bootstrap of a statistic that depends on the data only through counts in a few cells (a confusion matrix, the
 * rows per calibration bin) costs O(cells) per replicate instead of O(rows): resampling n rows with replacement
 * puts Multinomial(n, cell shares) rows in the cells, exactly.
 *
 * Binomial: inversion (sequential search from 0) when n·min(p, 1 − p) < 10, else BTRS, the transformed rejection
 * with squeeze of W. Hörmann, "The generation of binomial random variates", J. Statist. Comput. Simul. 46 (1993)
 * — the sampler of NumPy's successor generators and TensorFlow. Multinomial: conditional binomials cell by cell.
 * `uniform` returns doubles in [0, 1).
 */
import gammaln from '@stdlib/math-base-special-gammaln';

export function binomialSample(n: number, p: number, uniform: () => number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomialSample(n, 1 - p, uniform);
  return n * p < 10 ? binomialInversion(n, p, uniform) : binomialBtrs(n, p, uniform);
}

/** Inversion by sequential search: P(0) = qⁿ ≥ e^(−20) here (np < 10, p ≤ ½), so no underflow. */
function binomialInversion(n: number, p: number, uniform: () => number): number {
  const q = 1 - p;
  const s = p / q;
  const a = (n + 1) * s;
  for (;;) {
    let r = q ** n;
    let u = uniform();
    let x = 0;
    while (u > r) {
      u -= r;
      x++;
      if (x > n) break; // rounding left u above the total mass: draw again
      r *= a / x - s;
    }
    if (x <= n) return x;
  }
}

function binomialBtrs(n: number, p: number, uniform: () => number): number {
  const q = 1 - p;
  const spq = Math.sqrt(n * p * q);
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const vr = 0.92 - 4.2 / b;
  const alpha = (2.83 + 5.1 / b) * spq;
  const lpq = Math.log(p / q);
  const m = Math.floor((n + 1) * p);
  const h = gammaln(m + 1) + gammaln(n - m + 1);
  for (;;) {
    const u = uniform() - 0.5;
    let v = uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return k;
    v = Math.log((v * alpha) / (a / (us * us) + b));
    if (v <= h - gammaln(k + 1) - gammaln(n - k + 1) + (k - m) * lpq) return k;
  }
}

/**
 * Counts of n draws over cells with the given weights (any non-negative numbers, e.g. the cells' row counts),
 * written into `out`. Cell j gets Binomial(rows left, w_j / weight left).
 */
export function multinomialSample(n: number, weights: ArrayLike<number>, uniform: () => number, out: Float64Array = new Float64Array(weights.length)): Float64Array {
  let rest = 0;
  let last = -1;
  for (let j = 0; j < weights.length; j++) {
    if (weights[j]! > 0) (rest += weights[j]!), (last = j);
  }
  let left = n;
  for (let j = 0; j < weights.length; j++) {
    const w = weights[j]!;
    if (left === 0 || !(w > 0)) {
      out[j] = 0;
      continue;
    }
    // The last cell with weight takes what is left, whatever rounding did to `rest`.
    const x = j === last ? left : binomialSample(left, Math.min(1, w / rest), uniform);
    out[j] = x;
    left -= x;
    rest -= w;
  }
  return out;
}
