/**
 * Exact running summaries of a numeric column: count, nulls, min, max, and sum and sum of squares kept as
 * Neumaier-compensated pairs, so that shards merged in any order agree to a few ulps (a plain float sum of 10^8
 * values can lose seven digits). Count, nulls, min and max merge exactly associatively and commutatively.
 */
export interface Moments {
  count: number;
  nulls: number;
  min: number;
  max: number;
  /** sum ≈ sum[0] + sum[1] (value and compensation); likewise sumSquares. */
  sum: [number, number];
  sumSquares: [number, number];
}

export function emptyMoments(): Moments {
  return { count: 0, nulls: 0, min: Infinity, max: -Infinity, sum: [0, 0], sumSquares: [0, 0] };
}

/** Neumaier's step: adds x to the pair in place. */
function addCompensated(pair: [number, number], x: number): void {
  const s = pair[0];
  const t = s + x;
  pair[1] += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
  pair[0] = t;
}

/** Adds the values of `values` whose `nulls` flag is not 1 (nulls may be null: no nulls). */
export function addToMoments(m: Moments, values: ArrayLike<number>, nulls: ArrayLike<number> | null): void {
  for (let i = 0; i < values.length; i++) {
    if (nulls !== null && nulls[i] === 1) {
      m.nulls++;
      continue;
    }
    const v = values[i]!;
    m.count++;
    if (v < m.min) m.min = v;
    if (v > m.max) m.max = v;
    addCompensated(m.sum, v);
    addCompensated(m.sumSquares, v * v);
  }
}

export function mergeMoments(a: Moments, b: Moments): Moments {
  const sum: [number, number] = [a.sum[0], a.sum[1]];
  addCompensated(sum, b.sum[0]);
  addCompensated(sum, b.sum[1]);
  const sumSquares: [number, number] = [a.sumSquares[0], a.sumSquares[1]];
  addCompensated(sumSquares, b.sumSquares[0]);
  addCompensated(sumSquares, b.sumSquares[1]);
  return { count: a.count + b.count, nulls: a.nulls + b.nulls, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max), sum, sumSquares };
}

/** Mean and sample variance (n − 1) from the sums; NaN when undefined. */
export function momentsSummary(m: Moments): { mean: number; variance: number } {
  const n = m.count;
  const sum = m.sum[0] + m.sum[1];
  const mean = n > 0 ? sum / n : NaN;
  const sq = m.sumSquares[0] + m.sumSquares[1];
  const variance = n > 1 ? Math.max(0, (sq - sum * mean) / (n - 1)) : NaN;
  return { mean, variance };
}
