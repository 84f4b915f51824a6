/**
 * The per-column drift battery — KS, Wasserstein, PSI and Cramér–von Mises from one sort of each side — run
 * serially (`batteryColumn`) or spread over worker_threads (`runBattery`).
 *
 * Workers load the compiled `battery-worker.js` next to this file, so they exist only when running from dist/;
 * from TypeScript sources (ts-jest/SWC) `runBattery` falls back to the serial path and says so in `mode`.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { StatsInputError } from './input-error.js';
import { cvmFromRankSums, exactSumLimit, type CvmResult } from './cramer-von-mises-2samp.js';
import { ksFromExtremes, type KsExtremes, type KsResult } from './ks2samp.js';
import { psiSorted, type PsiResult } from './psi.js';
import type { Sample } from './sample.js';
import { sortPair, type SortedPair } from './sorted-pair.js';

export interface BatteryColumn {
  name: string;
  reference: Sample;
  current: Sample;
}

export interface BatteryResult {
  name: string;
  ks: KsResult;
  wasserstein: number;
  psi: PsiResult;
  cvm: CvmResult;
}

export interface BatteryOptions {
  /** Worker threads to use; default: available parallelism, at most one per column. 0 forces serial. */
  workers?: number;
}

export interface BatteryRun {
  results: BatteryResult[];
  mode: 'workers' | 'serial';
  workers: number;
}

/** The battery on one column pair; reference plays x (PSI's reference), current plays y. */
export function batteryColumn(name: string, reference: Sample, current: Sample): BatteryResult {
  return batteryColumnSorted(name, sortPair(reference, current));
}

/**
 * The battery on a pair the caller already sorted (ascending, no NaN, neither side empty): a caller that needs
 * the sorted values for more than the battery (histograms, quantiles) sorts each side once for all of them.
 */
export function batteryColumnSorted(name: string, pair: SortedPair): BatteryResult {
  const walk = fusedWalk(pair);
  return {
    name,
    ks: ksFromExtremes(pair.xs.length, pair.ys.length, walk),
    wasserstein: walk.wasserstein,
    psi: psiSorted(pair),
    cvm: cvmFromRankSums(pair.xs.length, pair.ys.length, walk.sx4, walk.sy4),
  };
}

interface FusedWalk extends KsExtremes {
  wasserstein: number;
  /** Σ(2·rank − 2i)² over x and over y: exact integers (cvmFromRankSums). */
  sx4: bigint;
  sy4: bigint;
}

/**
 * One pass over the distinct values of a sorted pair collecting what KS, Wasserstein and Cramér–von Mises
 * need, with the same arithmetic, in the same order, as ks2sampSorted, wassersteinDistanceSorted and
 * cramerVonMises2sampSorted (the battery test checks they agree exactly).
 *
 * It advances by runs, as ks2samp's walk does: while only x values are consumed, F1 − F2 rises (only a run's end
 * can be a new KS maximum) and each distinct x value adds its Wasserstein segment and its rank term; values present
 * in both samples are handled as one tie group. Ties within one sample are consumed with their first value.
 * The x run and the y run are written out as mirror images on purpose: a shared helper closing over the running
 * sums made the walk ~2× slower (V8 moves captured, mutated locals into a heap context).
 */
function fusedWalk({ xs, ys }: SortedPair): FusedWalk {
  const n1 = xs.length;
  const n2 = ys.length;
  let i = 0;
  let j = 0;
  let maxD = -Infinity;
  let minD = Infinity;
  let maxLocX = NaN;
  let maxLocY = NaN;
  let minLocX = NaN;
  let minLocY = NaN;
  let wSum = 0;
  let wComp = 0;
  let prev = NaN;
  let prevDiff = 0;
  // CvM rank sums ×4, exact: a double part kept below 2^53 and a BigInt part it is flushed into.
  const limit = exactSumLimit(n1 + n2);
  let sx = 0;
  let sy = 0;
  let sxHigh = 0n;
  let syHigh = 0n;
  while (i < n1 || j < n2) {
    const xOpen = i < n1;
    const yOpen = j < n2;
    if (xOpen && (!yOpen || xs[i]! < ys[j]!)) {
      // x run: every x value below the next y value.
      const b = yOpen ? ys[j]! : 0;
      do {
        const v = xs[i]!;
        // Wasserstein: the segment from the previous distinct value, under the ECDF gap after it (none before the first).
        if (i + j > 0) {
          const term = prevDiff * (v - prev);
          const t = wSum + term;
          wComp += Math.abs(wSum) >= Math.abs(term) ? wSum - t + term : term - t + wSum;
          wSum = t;
        }
        const i0 = i;
        i++;
        while (i < n1 && xs[i] === v) i++;
        const cx = i - i0;
        if (cx === 1) sx += 4 * j * j;
        else {
          const avg2 = 2 * (i0 + j) + cx + 1;
          for (let t = 1; t <= cx; t++) {
            sx += (avg2 - 2 * (i0 + t)) ** 2;
            if (sx >= limit) {
              sxHigh += BigInt(sx);
              sx = 0;
            }
          }
        }
        if (sx >= limit) {
          sxHigh += BigInt(sx);
          sx = 0;
        }
        prev = v;
        prevDiff = Math.abs(i / n1 - j / n2);
      } while (i < n1 && (!yOpen || xs[i]! < b));
      const diff = i / n1 - j / n2;
      if (diff > maxD) {
        maxD = diff;
        maxLocX = prev;
        maxLocY = NaN;
      } else if (diff === maxD && Number.isNaN(maxLocX)) maxLocX = prev;
    } else if (yOpen && (!xOpen || ys[j]! < xs[i]!)) {
      const a = xOpen ? xs[i]! : 0;
      do {
        const v = ys[j]!;
        // Wasserstein: the segment from the previous distinct value, under the ECDF gap after it (none before the first).
        if (i + j > 0) {
          const term = prevDiff * (v - prev);
          const t = wSum + term;
          wComp += Math.abs(wSum) >= Math.abs(term) ? wSum - t + term : term - t + wSum;
          wSum = t;
        }
        const j0 = j;
        j++;
        while (j < n2 && ys[j] === v) j++;
        const cy = j - j0;
        if (cy === 1) sy += 4 * i * i;
        else {
          const avg2 = 2 * (i + j0) + cy + 1;
          for (let t = 1; t <= cy; t++) {
            sy += (avg2 - 2 * (j0 + t)) ** 2;
            if (sy >= limit) {
              syHigh += BigInt(sy);
              sy = 0;
            }
          }
        }
        if (sy >= limit) {
          syHigh += BigInt(sy);
          sy = 0;
        }
        prev = v;
        prevDiff = Math.abs(i / n1 - j / n2);
      } while (j < n2 && (!xOpen || ys[j]! < a));
      const diff = i / n1 - j / n2;
      if (diff < minD) {
        minD = diff;
        minLocX = NaN;
        minLocY = prev;
      } else if (diff === minD && Number.isNaN(minLocY)) minLocY = prev;
    } else {
      // A value present in both samples.
      const v = xs[i]!;
      if (i + j > 0) {
        const term = prevDiff * (v - prev);
        const t = wSum + term;
        wComp += Math.abs(wSum) >= Math.abs(term) ? wSum - t + term : term - t + wSum;
        wSum = t;
      }
      const i0 = i;
      const j0 = j;
      while (i < n1 && xs[i] === v) i++;
      while (j < n2 && ys[j] === v) j++;
      const cx = i - i0;
      const cy = j - j0;
      const avg2 = 2 * (i0 + j0) + cx + cy + 1;
      for (let t = 1; t <= cx; t++) {
        sx += (avg2 - 2 * (i0 + t)) ** 2;
        if (sx >= limit) {
          sxHigh += BigInt(sx);
          sx = 0;
        }
      }
      for (let t = 1; t <= cy; t++) {
        sy += (avg2 - 2 * (j0 + t)) ** 2;
        if (sy >= limit) {
          syHigh += BigInt(sy);
          sy = 0;
        }
      }
      const diff = i / n1 - j / n2;
      if (diff > maxD) {
        maxD = diff;
        maxLocX = v;
        maxLocY = v;
      } else if (diff === maxD) {
        if (Number.isNaN(maxLocX)) maxLocX = v;
        if (Number.isNaN(maxLocY)) maxLocY = v;
      }
      if (diff < minD) {
        minD = diff;
        minLocX = v;
        minLocY = v;
      } else if (diff === minD) {
        if (Number.isNaN(minLocX)) minLocX = v;
        if (Number.isNaN(minLocY)) minLocY = v;
      }
      prev = v;
      prevDiff = Math.abs(diff);
    }
  }
  return {
    dPlus: maxD,
    dMinus: Math.min(1, Math.max(0, -minD)),
    locPlus: Number.isNaN(maxLocX) ? maxLocY : maxLocX,
    locMinus: Number.isNaN(minLocX) ? minLocY : minLocX,
    wasserstein: wSum + wComp,
    sx4: sxHigh + BigInt(sx),
    sy4: syHigh + BigInt(sy),
  };
}

const workerUrl = new URL('./battery-worker.js', import.meta.url);

export function workersAvailable(): boolean {
  return workerUrl.protocol === 'file:' && existsSync(fileURLToPath(workerUrl));
}

/**
 * A reusable set of battery workers: spawning threads and warming their JIT costs more than a column, so a
 * caller with several batches keeps one pool. Always `close()` it (or use runBattery, which does).
 */
export class BatteryPool {
  readonly size: number;
  private readonly workers: Worker[];

  constructor(size: number) {
    if (!workersAvailable()) throw new Error(`battery workers need the compiled ${fileURLToPath(workerUrl)}`);
    this.size = size;
    this.workers = Array.from({ length: size }, () => new Worker(workerUrl));
  }

  async run(columns: readonly BatteryColumn[]): Promise<BatteryResult[]> {
    const results = new Array<BatteryResult>(columns.length);
    let next = 0;
    await Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const onMessage = (msg: { index: number; result?: BatteryResult; error?: { name: string; message: string; code?: string } }): void => {
              // Errors cross the thread as plain objects: rebuild the typed input error so it keeps its exit code.
              if (msg.error !== undefined) return done(msg.error.name === 'StatsInputError' ? new StatsInputError(msg.error.code ?? 'stats.input', msg.error.message) : new Error(msg.error.message));
              results[msg.index] = msg.result!;
              feed();
            };
            const done = (error?: unknown): void => {
              worker.off('message', onMessage);
              worker.off('error', done);
              if (error === undefined) resolve();
              else reject(error);
            };
            const feed = (): void => {
              if (next >= columns.length) return done();
              const index = next++;
              const c = columns[index]!;
              worker.postMessage({ index, name: c.name, reference: c.reference, current: c.current });
            };
            worker.on('message', onMessage);
            worker.on('error', done);
            feed();
          }),
      ),
    );
    return results;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export async function runBattery(columns: readonly BatteryColumn[], options: BatteryOptions = {}): Promise<BatteryRun> {
  const wanted = Math.min(options.workers ?? availableParallelism(), columns.length);
  if (wanted <= 0 || !workersAvailable()) {
    return { results: columns.map((c) => batteryColumn(c.name, c.reference, c.current)), mode: 'serial', workers: 0 };
  }
  const pool = new BatteryPool(wanted);
  try {
    return { results: await pool.run(columns), mode: 'workers', workers: wanted };
  } finally {
    await pool.close();
  }
}
