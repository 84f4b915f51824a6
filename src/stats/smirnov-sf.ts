/**
 * One-sided Kolmogorov–Smirnov tail Pr(D+_n > e) by the Birnbaum–Tingey sum (SciPy's `special.smirnov`):
 *   e · Σ_{v=0}^{⌊n(1−e)⌋} C(n,v) (e + v/n)^(v−1) (1 − e − v/n)^(n−v).
 * Every term is positive, so summing in the log domain (scaled by the largest term) keeps full relative
 * accuracy in the far tail, where the direct product would underflow.
 */
export function smirnovSf(n: number, e: number): number {
  if (!(n > 0 && e >= 0 && e <= 1)) return NaN;
  if (e === 0) return 1;
  const nn = Math.floor(n * (1 - e));
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
