// Statistics core benchmark: 1M vs 1M samples, each test timed in JS and — where Debian's python3-scipy (or
// another SciPy) is available — in SciPy on the very same bytes, in the same run. Figures, not assertions.
//   npm run bench:stats            (builds first)
//   BENCH_N=200000 BENCH_COLUMNS=4 npm run bench:stats   (smaller, quicker)
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as stats from '../../dist/stats/index.js';

const N = Number(process.env.BENCH_N ?? 1_000_000);
const COLUMNS = Number(process.env.BENCH_COLUMNS ?? 20);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
// V8 needs a few calls to reach its optimised code (sort and walk loops are compiled on stack, then re-optimised):
// the first call is reported separately as "cold"; the median is taken after WARMUP calls. SciPy gets the same.
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5);
const dir = path.join(os.tmpdir(), 'moa-bench-stats');
mkdirSync(dir, { recursive: true });

const x = stats.generateSample({ dist: 'normal12', n: N, seed: 101, mu: 0, sigma: 1 });
const y = stats.generateSample({ dist: 'normal12', n: N, seed: 102, mu: 0.01, sigma: 1.02 });
writeFileSync(path.join(dir, 'x.f64'), x);
writeFileSync(path.join(dir, 'y.f64'), y);

function median(a) {
  const s = [...a].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)];
}
// Wall-clock and this process's CPU time (user + system): on a shared machine the CPU time is the steadier figure.
function time(fn) {
  const t0 = performance.now();
  fn();
  const cold = performance.now() - t0;
  for (let w = 1; w < WARMUP; w++) fn();
  const wall = [];
  const cpu = [];
  for (let r = 0; r < REPEATS; r++) {
    const c0 = process.cpuUsage();
    const t1 = performance.now();
    fn();
    wall.push(performance.now() - t1);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu), cold };
}

const psiRef = stats.psi(x, y);
const table = [psiRef.countsRef, psiRef.countsCur];
const js = {
  'sort x (value cells, ours; used from 65 536 values)': time(() => stats.bucketSortFloat64(x)),
  'sort x (radix, ours; fallback and below 65 536)': time(() => stats.radixSortFloat64(x)),
  'sort x (V8 TypedArray sort; SciPy column: np.sort)': time(() => Float64Array.from(x).sort()),
  ks_2samp: time(() => stats.ks2samp(x, y)),
  mannwhitneyu: time(() => stats.mannWhitneyU(x, y)),
  cramervonmises_2samp: time(() => stats.cramerVonMises2samp(x, y)),
  anderson_ksamp: time(() => stats.andersonKsamp([x, y])),
  wasserstein_distance: time(() => stats.wassersteinDistance(x, y)),
  'psi (ref deciles)': time(() => stats.psi(x, y)),
  'chi2_contingency (2x10 bins)': time(() => stats.chi2Contingency(table)),
  'jensenshannon (10 bins)': time(() => stats.jensenShannonDistance(psiRef.countsRef, psiRef.countsCur, { base: 2 })),
  'battery 1 column (one sort: KS+W+PSI+CvM)': time(() => stats.batteryColumn('c', x, y)),
};

// SciPy on the same bytes.
const pyCandidates = ['/usr/bin/python3', 'python3'];
let py;
for (const cand of pyCandidates) {
  try {
    execFileSync(cand, ['-c', 'import scipy'], { stdio: 'ignore' });
    py = cand;
    break;
  } catch {
    /* next */
  }
}
let sp = {};
let spVersion = 'not available';
if (py) {
  const script = path.join(path.dirname(new URL(import.meta.url).pathname), 'scipy_bench.py');
  const out = execFileSync(py, [script, dir, String(REPEATS), String(WARMUP)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const parsed = JSON.parse(out);
  sp = parsed.times;
  spVersion = `SciPy ${parsed.scipy} / NumPy ${parsed.numpy} (${py})`;
}

const fmt = (ms) => (ms === undefined ? '—' : ms >= 100 ? ms.toFixed(0) : ms.toFixed(2));
console.log(`\nStatistics core, ${N.toLocaleString('en')} vs ${N.toLocaleString('en')} samples; median of ${REPEATS} runs after ${WARMUP} warm-up calls (moa's first call in the last column)`);
console.log('Times are wall-clock on a shared machine; compare the ratio columns within one run.');
console.log(`Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`Reference: ${spVersion}\n`);
console.log('| test | moa wall (ms) | SciPy wall (ms) | SciPy/moa wall | moa CPU (ms) | SciPy CPU (ms) | SciPy/moa CPU | moa first call (ms) |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
const ratio = (a, b) => (a === undefined || b === undefined ? '—' : (a / b).toFixed(1) + '×');
for (const [name, m] of Object.entries(js)) {
  const s = sp[name] ?? {};
  console.log(`| ${name} | ${fmt(m.wall)} | ${fmt(s.wall)} | ${ratio(s.wall, m.wall)} | ${fmt(m.cpu)} | ${fmt(s.cpu)} | ${ratio(s.cpu, m.cpu)} | ${fmt(m.cold)} |`);
}

// Battery: COLUMNS numeric columns of N vs N, over worker_threads.
const columns = [];
for (let c = 0; c < COLUMNS; c++) {
  columns.push({
    name: `col${c}`,
    reference: stats.generateSample({ dist: 'normal12', n: N, seed: 1000 + 2 * c, mu: 0, sigma: 1 }),
    current: stats.generateSample({ dist: 'normal12', n: N, seed: 1001 + 2 * c, mu: c % 3 === 0 ? 0.02 : 0, sigma: 1 }),
  });
}
const workers = Math.min(os.availableParallelism(), COLUMNS);
// One-shot: spawn workers, cold JIT, run, terminate (what a single CLI run pays).
let t0 = performance.now();
const run = await stats.runBattery(columns, { workers });
const batteryMs = performance.now() - t0;
// Warm pool: workers already spawned and JIT-compiled (a long-lived process).
const pool = new stats.BatteryPool(workers);
await pool.run(columns.slice(0, 3 * workers)); // each worker through a few columns: JIT warm
t0 = performance.now();
await pool.run(columns);
const warmMs = performance.now() - t0;
await pool.close();
t0 = performance.now();
for (const c of columns) stats.batteryColumn(c.name, c.reference, c.current);
const serialMs = performance.now() - t0;
const spColumn = sp['battery 1 column (one sort: KS+W+PSI+CvM)']?.wall;
console.log(`\nBattery (KS, Wasserstein, PSI, CvM) over ${COLUMNS} columns of ${N.toLocaleString('en')} vs ${N.toLocaleString('en')}: ` +
  `${batteryMs.toFixed(0)} ms one-shot with ${run.workers} worker threads (mode ${run.mode}), ${warmMs.toFixed(0)} ms on a warm pool, ` +
  `${serialMs.toFixed(0)} ms serial on the main thread` +
  (spColumn === undefined ? '' : `; SciPy, one process, ${COLUMNS} × ${spColumn.toFixed(0)} ms per column ≈ ${((COLUMNS * spColumn) / 1000).toFixed(1)} s (extrapolated from one column)`));
