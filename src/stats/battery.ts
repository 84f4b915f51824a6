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
import { cramerVonMises2sampSorted, type CvmResult } from './cramer-von-mises-2samp.js';
import { ks2sampSorted, type KsResult } from './ks2samp.js';
import { psiSorted, type PsiResult } from './psi.js';
import type { Sample } from './sample.js';
import { sortPair } from './sorted-pair.js';
import { wassersteinDistanceSorted } from './wasserstein-distance.js';

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
  const pair = sortPair(reference, current);
  return {
    name,
    ks: ks2sampSorted(pair.xs, pair.ys),
    wasserstein: wassersteinDistanceSorted(pair),
    psi: psiSorted(pair),
    // SciPy's 'auto' exact path is combinatorial; the battery only ever needs the asymptotic p-value at scale.
    cvm: cramerVonMises2sampSorted(pair),
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
            const onMessage = (msg: { index: number; result?: BatteryResult; error?: unknown }): void => {
              if (msg.error !== undefined) return done(msg.error);
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
