// Scale benchmark of the profile fan-out (docs/profiles.md): seeded data as Parquet part files per side, one
// `moa profile` process per part (two at a time, as the local runner does), a two-level merge tree, then the
// statistics the checks read from profiles, against exact values recomputed from the same seeded columns.
// Prints per-task wall / CPU / peak RSS, rows/s/core, merge time, the sketch accuracy table, and the decision table:
// `moa run` on the rows against `moa run --reference-profile --operational-profile` on the merged profiles.
// Usage: npm run bench:scale [-- --rows N --parts P --columns C --kll-k K --no-exact-run]   (rows per side; defaults below)
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, statfsSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { toParquet } from '../../dist/emit/parquet.js';
import { mulberry32 } from '../../dist/stats/mulberry32.js';
import { ks2samp } from '../../dist/stats/ks2samp.js';
import { psiFromCounts } from '../../dist/stats/psi.js';
import { ksFromKll, kllRankError } from '../../dist/stats/kll.js';
import { histogramCounts } from '../../dist/stats/fixed-histogram.js';
import { kllFromJson } from '../../dist/profile/sketches.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values: flags } = parseArgs({ options: { rows: { type: 'string' }, parts: { type: 'string' }, columns: { type: 'string' }, 'kll-k': { type: 'string' }, 'no-exact-run': { type: 'boolean' }, keep: { type: 'boolean' } } });
const kllK = Number(flags['kll-k'] ?? 200);
const TARGET = { rows: 100_000_000, parts: 50, columns: 20 };
const rows = Number(flags.rows ?? 2_000_000);
const parts = Number(flags.parts ?? 20);
const columns = Number(flags.columns ?? 20);
const perPart = Math.ceil(rows / parts);
const dir = path.join(tmpdir(), `moa-bench-scale-${rows}-${parts}-${columns}`);

// Parquet of random doubles barely compresses: ~8 bytes per value, two sides.
const bytesNeeded = 2 * rows * columns * 8.2;
const targetBytes = 2 * TARGET.rows * TARGET.columns * 8.2;
const disk = statfsSync(tmpdir());
const free = disk.bavail * disk.bsize;
const commit = (() => {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'bench'], { cwd: root, encoding: 'utf8' }).trim() !== '';
    return `${head}${dirty ? '-dirty' : ''}`;
  } catch {
    return 'unknown';
  }
})();
console.log(`commit: ${commit}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model}), ${(free / 1e9).toFixed(0)} GB free under ${tmpdir()}`);
if (rows < TARGET.rows || parts !== TARGET.parts) {
  console.log(`scaled down from the target (${TARGET.rows / 1e6}M rows x ${TARGET.columns} columns as ${TARGET.parts} parts per side, ~${(targetBytes / 1e9).toFixed(0)} GB of Parquet): ` +
    `this run is ${rows / 1e6}M rows x ${columns} columns as ${parts} parts per side. Three profile passes over the target ` +
    `(reference, reference with edges, operational) on this 2-core machine, shared with other jobs, do not fit the session; ` +
    `each task's figures depend on its rows per part only, so the target's time follows from the per-task CPU printed below ` +
    `(x ${TARGET.rows / TARGET.parts} / rows per part, ${TARGET.parts} tasks per pass, N at a time).`);
}
if (bytesNeeded > free * 0.8) throw new Error(`needs ~${(bytesNeeded / 1e9).toFixed(1)} GB of disk, ${(free / 1e9).toFixed(1)} GB free`);

// Column j of part p of a side draws from its own seeded stream, so any column can be regenerated exactly without
// reading the files (the exact reference values for the accuracy table).
const KINDS = ['normal', 'exponential', 'integer', 'lognormal'];
const DRIFTS = [0.05, 0.1, 3, 0.03, 0.3, 0.4];
function column(side, part, j) {
  const n = Math.min(perPart, rows - part * perPart);
  const rng = mulberry32((side === 'reference' ? 1 : 2) * 1_000_003 + part * 1009 + j * 7919);
  const out = new Float64Array(n);
  // Operational: the first four columns drift at about the effect floor (drift.minEffect: 0.1 reference SD), where
  // any two estimates of the effect, e.g. a 200,000-row subsample and a sketch, may fall on either side of it; the
  // next two (when there are six or more columns) drift clearly past it (+0.3 SD; scale × 1.4, i.e. 0.4 SD), so that
  // the decisions on rows and on profiles can be compared where the data decide; the rest keep the reference's law.
  const shift = side === 'operational' ? (DRIFTS[j] ?? 0) : 0;
  const kind = KINDS[j % 4];
  for (let i = 0; i < n; i++) {
    const u = rng.nextDouble53() || 1e-300;
    const v = rng.nextDouble53();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    if (kind === 'normal') out[i] = z + shift;
    else if (kind === 'exponential') out[i] = -Math.log(u) * (1 + shift);
    else if (kind === 'integer') out[i] = Math.floor(v * 100) + (shift && v < 0.3 ? shift : 0);
    else out[i] = Math.exp(0.5 * z + shift);
  }
  return out;
}
const fullColumn = (side, j) => {
  const all = new Float64Array(rows);
  for (let p = 0; p < parts; p++) all.set(column(side, p, j), p * perPart);
  return all;
};

let t = performance.now();
for (const side of ['reference', 'operational']) {
  mkdirSync(path.join(dir, side), { recursive: true });
  for (let p = 0; p < parts; p++) {
    const file = path.join(dir, side, `part-${String(p).padStart(5, '0')}.parquet`);
    const cols = {};
    for (let j = 0; j < columns; j++) cols[`x${String(j).padStart(2, '0')}`] = { type: 'float64', values: column(side, p, j) };
    writeFileSync(file, toParquet(cols));
  }
}
console.log(`generated ${2 * parts} part files (${perPart} rows x ${columns} columns each) in ${((performance.now() - t) / 1000).toFixed(1)} s under ${dir}`);

/** Runs the CLI under /usr/bin/time: wall s, user s, sys s, peak RSS KB. */
function cli(args) {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, path.join(root, 'dist/cli.js'), ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MOA_LOG_LEVEL: 'warn' } });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(err);
      if (code !== 0 || !m) reject(new Error(`moa ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`));
      else resolve({ wall: +m[1], user: +m[2], sys: +m[3], rssMB: +m[4] / 1024 });
    });
  });
}

/** Runs jobs two at a time (the local runner's bound). */
async function twoAtATime(jobs) {
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const k = next++;
      results[k] = await jobs[k]();
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

const GROUP = 10;
async function profileSide(side, pass, edges) {
  const started = performance.now();
  const out = path.join(dir, `profiles-${pass}`);
  const tasks = await twoAtATime(Array.from({ length: parts }, (_, p) => () =>
    cli(['profile', '--input', path.join(dir, side, `part-${String(p).padStart(5, '0')}.parquet`), '--shard-id', `s${p}`,
      '--out', path.join(out, 'profiles', `g${Math.floor(p / GROUP)}`, `s${String(p).padStart(5, '0')}.json`), '--sample-size', '10000', '--kll-k', String(kllK), ...(edges ? ['--edges', edges] : [])])));
  const profileWall = (performance.now() - started) / 1000;
  const m0 = performance.now();
  const groups = Math.ceil(parts / GROUP);
  const merges = await twoAtATime(Array.from({ length: groups }, (_, g) => () => cli(['merge', '--out', path.join(out, 'groups', `g${g}.json`), path.join(out, 'profiles', `g${g}`)])));
  const last = await cli(['merge', '--out', path.join(out, 'profile.json'), path.join(out, 'groups')]);
  const mergeWall = (performance.now() - m0) / 1000;
  return { tasks, profileWall, merges: [...merges, last], mergeWall, profile: path.join(out, 'profile.json') };
}

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const runs = {};
runs.reference1 = await profileSide('reference', 'reference-pass1');
runs.reference = await profileSide('reference', 'reference', runs.reference1.profile);
runs.operational = await profileSide('operational', 'operational', runs.reference1.profile);

console.log(`\n| pass | tasks | rows/task | task wall s (median / max) | task CPU s (median) | peak RSS MB (median / max) | rows/s/core (median) | all tasks wall s (2 at a time) | merge tree wall s | merge peak RSS MB |`);
console.log('| --- | ---: | ---: | --- | ---: | --- | ---: | ---: | ---: | ---: |');
for (const [name, r] of Object.entries(runs)) {
  const cpu = r.tasks.map((x) => x.user + x.sys);
  const rate = r.tasks.map((x, i) => Math.min(perPart, rows - i * perPart) / (x.user + x.sys));
  console.log(`| ${name} | ${parts} | ${perPart} | ${quantile(r.tasks.map((x) => x.wall), 0.5).toFixed(1)} / ${Math.max(...r.tasks.map((x) => x.wall)).toFixed(1)} | ${quantile(cpu, 0.5).toFixed(1)} | ` +
    `${quantile(r.tasks.map((x) => x.rssMB), 0.5).toFixed(0)} / ${Math.max(...r.tasks.map((x) => x.rssMB)).toFixed(0)} | ${quantile(rate, 0.5).toFixed(0)} | ${r.profileWall.toFixed(1)} | ${r.mergeWall.toFixed(1)} | ${Math.max(...r.merges.map((x) => x.rssMB)).toFixed(0)} |`);
}

// Statistics from the two merged profiles (what the checks would read), timed, then the exact values.
t = performance.now();
const ref = JSON.parse(readFileSync(runs.reference.profile, 'utf8'));
const op = JSON.parse(readFileSync(runs.operational.profile, 'utf8'));
const fromProfiles = ref.columns.map((rc, j) => {
  const oc = op.columns[j];
  const ks = ksFromKll(kllFromJson(rc.quantiles), kllFromJson(oc.quantiles));
  return { name: rc.name, ks, psi: psiFromCounts(rc.histogram.counts, oc.histogram.counts), edges: Float64Array.from(rc.histogram.edges), distinct: oc.distinct.estimate, mean: (oc.moments.sum[0] + oc.moments.sum[1]) / oc.moments.count };
});
const statsSeconds = (performance.now() - t) / 1000;
console.log(`\nstatistics from the two merged profiles (${columns} columns: KS from KLL, PSI from histograms, moments): ${statsSeconds.toFixed(2)} s; ` +
  `profile sizes ${(JSON.stringify(ref).length / 1024).toFixed(0)} KB / ${(JSON.stringify(op).length / 1024).toFixed(0)} KB`);

console.log(`\n| column | kind | KS exact | KS from sketches | abs error | bound (2 x ${kllRankError(kllK).toFixed(4)}) | KS p exact | PSI exact (same edges) | PSI from profiles | distinct exact | distinct HLL (rel. error) | mean rel. error |`);
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (let j = 0; j < columns; j++) {
  const x = fullColumn('reference', j);
  const y = fullColumn('operational', j);
  const exact = ks2samp(x, y);
  const f = fromProfiles[j];
  const psiExact = psiFromCounts(Array.from(histogramCounts(x, f.edges)), Array.from(histogramCounts(y, f.edges)));
  const sorted = Float64Array.from(y).sort();
  let distinct = sorted.length ? 1 : 0;
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] !== sorted[i - 1]) distinct++;
    sum += y[i];
  }
  const err = Math.abs(f.ks.statistic - exact.statistic);
  console.log(`| ${f.name} | ${KINDS[j % 4]}${j < 4 ? ' (drifted, near the floor)' : j < DRIFTS.length ? ' (drifted clearly)' : ''} | ${exact.statistic.toFixed(5)} | ${f.ks.statistic.toFixed(5)} | ${err.toFixed(5)}${err <= f.ks.errorBound ? '' : ' **over**'} | ${f.ks.errorBound.toFixed(4)} | ${exact.pValue.toExponential(2)} | ` +
    `${psiExact.toFixed(6)} | ${f.psi.toFixed(6)}${psiExact === f.psi ? '' : ' **differs**'} | ${distinct} | ${f.distinct.toFixed(0)} (${((f.distinct / distinct - 1) * 100).toFixed(2)} %) | ${Math.abs(f.mean / (sum / y.length) - 1).toExponential(1)} |`);
}

// The decision: the step on the rows (drift.maxRows subsamples each side to 200,000 values per column) against the
// step on the two merged profiles (sketch KS, or the 10,000-row sample where it is the more sensitive test).
const onProfiles = await cli(['run', '--reference-profile', runs.reference.profile, '--operational-profile', runs.operational.profile, '--out', path.join(dir, 'run-profiles')]);
const profileResults = JSON.parse(readFileSync(path.join(dir, 'run-profiles', 'results.json'), 'utf8'));
console.log(`\nmoa run on the two merged profiles: ${onProfiles.wall.toFixed(1)} s wall, ${(onProfiles.user + onProfiles.sys).toFixed(1)} s CPU, peak RSS ${onProfiles.rssMB.toFixed(0)} MB; ` +
  `merge + decide: ${(runs.operational.mergeWall + onProfiles.wall).toFixed(1)} s wall (operational merge tree ${runs.operational.mergeWall.toFixed(1)} s)`);
let exactResults = null;
if (flags['no-exact-run']) console.log('exact run skipped (--no-exact-run)');
else {
  const exactRun = await cli(['run', '--reference', path.join(dir, 'reference'), '--operational', path.join(dir, 'operational'), '--out', path.join(dir, 'run-rows')]);
  exactResults = JSON.parse(readFileSync(path.join(dir, 'run-rows', 'results.json'), 'utf8'));
  console.log(`moa run on the rows: ${exactRun.wall.toFixed(1)} s wall, ${(exactRun.user + exactRun.sys).toFixed(1)} s CPU, peak RSS ${exactRun.rssMB.toFixed(0)} MB`);
}
const driftOf = (results) => new Map(results.checks.filter((c) => c.kind === 'feature_drift').map((c) => [c.subject, c]));
const pd = driftOf(profileResults);
const ed = exactResults ? driftOf(exactResults) : new Map();
const drifted = (m) => [...m.values()].filter((c) => c.status === 'fail').map((c) => c.subject).join(', ') || 'none';
console.log(`\naction: rows ${exactResults?.decision.action ?? '(not run)'}, profiles ${profileResults.decision.action}` +
  `${exactResults ? (exactResults.decision.action === profileResults.decision.action ? ' (same)' : ' **differs**') : ''}; drifted: rows [${exactResults ? drifted(ed) : '-'}], profiles [${drifted(pd)}]`);
// What each action rests on: the decision's reasons name their checks.
const reasons = (results) => results.decision.reasons.map((r) => `${r.text}${r.checks.length ? ` [${r.checks.join(', ')}]` : ''}`).join(' / ');
if (exactResults) console.log(`reasons on rows: ${reasons(exactResults)}`);
console.log(`reasons on profiles: ${reasons(profileResults)}`);
console.log('\n| column | rows: KS | rows: p | rows: status | profiles: basis | KS from sketches ± bound | profiles: KS | profiles: p | profiles: status |');
console.log('| --- | ---: | ---: | --- | --- | ---: | ---: | ---: | --- |');
for (const [name, c] of pd) {
  const e = ed.get(name);
  const f = (x, d = 5) => (x === undefined ? '-' : x.toFixed(d));
  const pv = (x) => (x === undefined ? '-' : x.toExponential(2));
  console.log(`| ${name} | ${f(e?.figures.statistic)} | ${pv(e?.figures.pValue)} | ${e?.status ?? '-'} | ${c.basis?.on ?? '-'} | ${f(c.basis?.sketchStatistic)} ± ${f(c.basis?.bound, 4)} | ${f(c.figures.statistic)} | ${pv(c.figures.pValue)} | ${c.status}${e && e.status !== c.status ? ' **differs**' : ''} |`);
}
if (!flags.keep) rmSync(dir, { recursive: true, force: true });
