/**
 * Bootstraps on sufficient statistics. A classification metric depends on the rows only through a few sums over
 * cells — the k × k confusion matrix; per confidence bin and correctness, the count of rows and the sums of their
 * confidence, log loss and Brier score; BBSE's validation (predicted, true) and operational predicted counts — so a
 * bootstrap replicate need not resample every row:
 * - resampling n rows with replacement puts Multinomial(n, cell shares) rows in the cells, exactly, so the
 *   confusion matrix and the calibration counts (rows and hits per bin) are drawn in O(cells) per replicate;
 * - given its count c, a cell's sum of a per-row quantity is the sum of c draws from the cell's values: drawn
 *   row by row while c < EXACT_BELOW (small cells, where a few extreme log losses could make the sum far from
 *   normal), else from the normal law with the same mean and variance, c·μ and c·σ² (central limit theorem).
 * The intervals therefore match the row bootstrap's in distribution (test/audit/cell-bootstrap.test.ts checks
 * replicate distributions and coverage on simulated data) at a cost that no longer grows with the rows, so every
 * labelled row is used instead of a subsample of `bootstrapMaxRows` with a rescaled spread.
 */
import { multinomialSample, type Mulberry32 } from '../stats/index.js';
import type { ProbaScores } from './class-metrics.js';

/** Cells below this many draws are summed row by row; above, by the normal approximation. */
const EXACT_BELOW = 30;

/** Replicate confusion matrices: the counts of `n` rows resampled from the rows that gave `counts`, written into `out`. */
export function confusionReplicate(counts: Float64Array, n: number, uniform: () => number, out: Float64Array): Float64Array {
  return multinomialSample(n, counts, uniform, out);
}

/** Per (confidence bin, correct) cell: its rows' positions in the ProbaScores arrays and the moments of each quantity. */
export interface ProbaCells {
  bins: number;
  n: number;
  counts: Float64Array;
  /** Positions of each cell's rows, cell after cell (`start[j]` to `start[j + 1]`). */
  positions: Int32Array;
  start: Int32Array;
  mean: Moments;
  sd: Moments;
  /** The smallest and largest value in each cell: a sum of c draws lies within c times them. */
  min: Moments;
  max: Moments;
}

type Moments = { logLoss: Float64Array; brier: Float64Array; confidence: Float64Array };
const moments = (cells: number): Moments => ({ logLoss: new Float64Array(cells), brier: new Float64Array(cells), confidence: new Float64Array(cells) });

const QUANTITIES = ['logLoss', 'brier', 'confidence'] as const;

export function probaCells(s: ProbaScores, bins: number): ProbaCells {
  const n = s.logLoss.length;
  const cells = 2 * bins;
  const cellOf = (r: number) => 2 * s.bin[r]! + s.correct[r]!;
  const counts = new Float64Array(cells);
  for (let r = 0; r < n; r++) counts[cellOf(r)]!++;
  const start = new Int32Array(cells + 1);
  for (let j = 0; j < cells; j++) start[j + 1] = start[j]! + counts[j]!;
  const fill = start.slice(0, cells);
  const positions = new Int32Array(n);
  for (let r = 0; r < n; r++) positions[fill[cellOf(r)]!++] = r;
  const mean = moments(cells);
  const sd = moments(cells);
  const min = moments(cells);
  const max = moments(cells);
  for (const q of QUANTITIES) {
    const values = s[q];
    for (let j = 0; j < cells; j++) {
      const c = counts[j]!;
      if (c === 0) continue;
      let m = 0;
      let lo = Infinity;
      let hi = -Infinity;
      for (let p = start[j]!; p < start[j + 1]!; p++) {
        const v = values[positions[p]!]!;
        m += v;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      m /= c;
      min[q][j] = lo;
      max[q][j] = hi;
      let ss = 0;
      for (let p = start[j]!; p < start[j + 1]!; p++) ss += (values[positions[p]!]! - m) ** 2;
      mean[q][j] = m;
      sd[q][j] = Math.sqrt(ss / c);
    }
  }
  return { bins, n, counts, positions, start, mean, sd, min, max };
}

/** Standard normal deviates by Box–Muller from the uniform stream. */
function normalStream(uniform: () => number): () => number {
  let spare = NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const z = spare;
      spare = NaN;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const t = 2 * Math.PI * uniform();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
}

/** The sum of c draws from cell j's values of quantity q, by the normal law of its mean and variance, kept within c·[min, max]. */
function normalSum(cells: ProbaCells, q: (typeof QUANTITIES)[number], j: number, c: number, z: number): number {
  const sum = c * cells.mean[q][j]! + Math.sqrt(c) * cells.sd[q][j]! * z;
  return Math.min(c * cells.max[q][j]!, Math.max(c * cells.min[q][j]!, sum));
}

/** Draws replicates of log loss, Brier score and top-label ECE over `cells.n` rows resampled with replacement. */
export function probaReplicates(s: ProbaScores, cells: ProbaCells, rng: Mulberry32): () => { logLoss: number; brier: number; ece: number } {
  const uniform = () => rng.nextDouble53();
  const normal = normalStream(uniform);
  const nCells = 2 * cells.bins;
  const drawn = new Float64Array(nCells);
  const hits = new Float64Array(cells.bins);
  const conf = new Float64Array(cells.bins);
  return () => {
    multinomialSample(cells.n, cells.counts, uniform, drawn);
    hits.fill(0);
    conf.fill(0);
    let ll = 0;
    let br = 0;
    for (let j = 0; j < nCells; j++) {
      const c = drawn[j]!;
      if (c === 0) continue;
      const b = j >> 1;
      if (j & 1) hits[b]! += c;
      if (c < EXACT_BELOW) {
        const from = cells.start[j]!;
        const size = cells.start[j + 1]! - from;
        for (let t = 0; t < c; t++) {
          const r = cells.positions[from + Math.floor(uniform() * size)]!;
          ll += s.logLoss[r]!;
          br += s.brier[r]!;
          conf[b]! += s.confidence[r]!;
        }
      } else {
        ll += normalSum(cells, 'logLoss', j, c, normal());
        br += normalSum(cells, 'brier', j, c, normal());
        conf[b]! += normalSum(cells, 'confidence', j, c, normal());
      }
    }
    let ece = 0;
    for (let b = 0; b < cells.bins; b++) ece += Math.abs(hits[b]! - conf[b]!) / cells.n;
    return { logLoss: ll / cells.n, brier: br / cells.n, ece };
  };
}
