/**
 * Jensen–Shannon distance (the square root of the divergence), as `scipy.spatial.distance.jensenshannon`:
 * both vectors are normalised to sum 1 first, so raw counts are fine. `base` defaults to e; base 2 gives [0, 1].
 */
import { statsInputError } from './input-error.js';
import type { Sample } from './sample.js';

function relEntr(a: number, b: number): number {
  if (a > 0 && b > 0) return a * Math.log(a / b);
  if (a === 0 && b >= 0) return 0;
  return Infinity;
}

export function jensenShannonDistance(p: Sample, q: Sample, options: { base?: number } = {}): number {
  if (p.length !== q.length || p.length === 0) {
    throw statsInputError('stats.length_mismatch', `p has ${p.length} entries, q has ${q.length}; both need the same non-zero length`, {
      subject: 'p, q',
      fix: 'align both distributions on the same categories or bins',
    });
  }
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    if (!(p[i]! >= 0) || !(q[i]! >= 0)) {
      throw statsInputError('stats.bad_probability', `entry ${i} is negative or NaN`, { subject: 'p, q', fix: 'pass non-negative weights' });
    }
    sp += p[i]!;
    sq += q[i]!;
  }
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]! / sp;
    const qi = q[i]! / sq;
    const m = (pi + qi) / 2;
    left += relEntr(pi, m);
    right += relEntr(qi, m);
  }
  let js = left + right;
  if (options.base !== undefined) js /= Math.log(options.base);
  return Math.sqrt(js / 2);
}
