import { binomialLogPmf } from './binomial-log-pmf.js';

/**
 * One-sided Kolmogorov–Smirnov tail Pr(D+_n > e) by the Birnbaum–Tingey sum (SciPy's `special.smirnov`):
 *   e · Σ_{v=0}^{⌊n(1−e)⌋} C(n,v) (e + v/n)^(v−1) (1 − e − v/n)^(n−v).
 * Every term is positive, so summing in the log domain (scaled by the largest term) keeps full relative
 * accuracy in the far tail, where the direct product would underflow.
 */
export function smirnovSf(n: number, e: number): number {
  if (!(n > 0 && e >= 0 && e <= 1)) return NaN;
  if (e === 0) return 1;
  if (n > SCIPY_MAX_COMPUTE_N) return scipyLargeNApproximation(n, e);
  const nn = Math.floor(n * (1 - e));
  if (nn >= SPARSE_MIN_TERMS) {
    const sparse = smirnovSfSparse(n, e, nn);
    if (sparse !== undefined) return sparse;
  }
  const logs = new Float64Array(nn + 1);
  let max = -Infinity;
  // log C(n, v), advanced by log-ratios with compensated (Neumaier) summation: a plain running sum of ~n terms
  // drifts by ~n ulps of a value near n·ln 2, which costs 1e-8 relative at n = 1e6.
  let logC = 0;
  let logCComp = 0;
  for (let v = 0; v <= nn; v++) {
    const evn = e + v / n;
    let lt: number;
    if (evn >= 1) lt = n - v === 0 ? logC + logCComp + (v - 1) * Math.log(evn) : -Infinity;
    else lt = logC + logCComp + (v - 1) * Math.log(evn) + (n - v) * Math.log1p(-evn);
    logs[v] = lt;
    if (lt > max) max = lt;
    const step = Math.log((n - v) / (v + 1));
    const next = logC + step;
    logCComp += Math.abs(logC) >= Math.abs(step) ? logC - next + step : step - next + logC;
    logC = next;
  }
  if (max === -Infinity) return 0;
  let sum = 0;
  for (let v = 0; v <= nn; v++) sum += Math.exp(logs[v]! - max);
  return Math.exp(max + Math.log(sum) + Math.log(e));
}

// SciPy's cephes `smirnov` stops summing beyond n = 1e6 and returns p ≈ exp(−(6nx + 1)² / 18n) (its
// SMIRNOV_MAX_COMPUTE_N); kstwo.sf and so ks_2samp's asymptotic p-value inherit it from n1·n2/(n1+n2) > 1e6, i.e.
// two samples of more than 2e6 rows. Reproduced so p-values match SciPy's there too: the exact sum differs from it
// by 1e-6 to 2 % relative (n = 2e6, n·d² from 2.2 to 300).
const SCIPY_MAX_COMPUTE_N = 1_000_000;
const CEPHES_MINLOG = -7.451332191019412076235e2;

function scipyLargeNApproximation(n: number, x: number): number {
  if (-2 * n * x * x < CEPHES_MINLOG) return 0;
  if (Math.floor(n * x) >= n - 1) return (1 - x) ** n;
  const logp = -((6 * n * x + 1) ** 2) / 18 / n;
  return logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp);
}

// Below this many terms the direct sum is cheap enough (and exact by construction).
const SPARSE_MIN_TERMS = 20000;
const COARSE_POINTS = 256;
const CONVERGED = 1e-15;

/**
 * The same sum for large n from a sparse grid of its terms. The v-th term is Binomial(n, p_v).pmf(v) / p_v with
 * p_v = e + v/n — an analytic function of v that rises and falls smoothly over a width of order √n/e and is
 * negligible at both ends of 0..⌊n(1−e)⌋ in the regime that reaches here. The sum over every integer v is then the
 * trapezoid rule with step 1, and the trapezoid rule with a coarser step k converges to the same integral
 * geometrically fast in 1/k; so the step is halved (reusing the points) until two successive sums agree to 1e-15,
 * and at step 1 the result is the exact sum. Terms come from Loader's saddle-point form, accurate to ~1e-15 each.
 * In kstwo's large-n tail (n = 5e5, n·d² = 28: 500 000 terms) this evaluates ~1 000 terms. Undefined when the
 * terms at the ends are not negligible (the direct sum then applies).
 */
function smirnovSfSparse(n: number, e: number, nn: number): number | undefined {
  const ne = n * e;
  const logTerm = (v: number): number => {
    const p = e + v / n;
    if (p >= 1) return -Infinity; // (1 − e − v/n)^(n−v) with n − v > 0
    // v − n·p = −n·e exactly: bd0 never subtracts two large numbers.
    return binomialLogPmf(v, n, p, 1 - e - v / n, -ne) - Math.log(p);
  };
  let step = 1;
  while (nn / (2 * step) >= COARSE_POINTS) step *= 2;
  // Coarse grid: v = 0, step, 2·step, …; its largest term sets the scale for every later level.
  const coarse: number[] = [];
  for (let v = 0; v <= nn; v += step) coarse.push(logTerm(v));
  const max = Math.max(...coarse);
  if (!Number.isFinite(max)) return undefined;
  // Ends must be negligible for the trapezoid argument (and for the sparse sum to equal the plain one).
  if (coarse[0]! > max - 40 || logTerm(nn) > max - 40) return undefined;
  let sum = 0;
  for (const lt of coarse) sum += Math.exp(lt - max);
  let estimate = sum * step;
  while (step > 1) {
    const half = step / 2;
    for (let v = half; v <= nn; v += step) sum += Math.exp(logTerm(v) - max);
    step = half;
    const refined = sum * step;
    const change = Math.abs(refined - estimate);
    estimate = refined;
    if (change <= CONVERGED * refined) break;
  }
  return Math.exp(max + Math.log(estimate) + Math.log(e));
}
