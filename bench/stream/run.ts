import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { VERSION } from '../../src/version.js';
import { headCommit, replaceBetweenMarkers } from '../scenarios/publish.js';
import { repoRoot } from '../scenarios/repo.js';
import { runBenchmark } from './benchmark.js';
import { historySupported, type Regime, type StreamRun } from './prequential.js';
import { formatTables, formatTargets, summarize, type Summary } from './report.js';
import { datasetsDir } from './streams.js';

/**
 * `npm run bench:stream [-- --datasets DIR] [-- --streams a,b] [-- --regimes all,p20,late] [-- --seeds 1,2,3]`:
 * the prequential stream benchmark. BENCH_QUICK=1 runs the CI subset (generated streams and digits, one seed).
 * Prints the tables and the targets; the full default run also writes bench/results/stream.json and the tables in
 * docs/benchmarks.md. A full table can be run in parts (`--streams … --raw part.json` per process) and published
 * with `--from a.json,b.json`, which also re-summarises a full run's raw figures (bench/results/stream.json).
 * MOA_BENCH_WORKDIR keeps every window's inputs and moa outputs for inspection.
 */
// The checkout `npm run` runs in: the compiled copy lives under node_modules/.cache, which a git worktree may share
// with another checkout through a symlink, so the root found from the compiled file can be the wrong checkout.
const repo = existsSync(path.join(process.cwd(), 'package.json')) ? process.cwd() : repoRoot();
const args = process.argv.slice(2);
const option = (name: string): string[] | null => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]!.split(',') : null;
};
const quick = process.env.BENCH_QUICK === '1';
const dataDir = datasetsDir(args);
const seeds = (option('--seeds') ?? (quick ? ['1'] : ['1', '2', '3'])).map(Number);
const workDir = process.env.MOA_BENCH_WORKDIR ?? path.join(os.tmpdir(), 'moa-bench-stream');
const historyNote = historySupported() ? null : 'n/a: --history not implemented';

const TABLE_START = '<!-- stream-table: written by npm run bench:stream -->';
const TABLE_END = '<!-- /stream-table -->';

// --from FILE: summarise the raw runs of an earlier full run (bench/results/stream.json) again, without running
// anything — for a change in how figures are summarised; the commit and date stay those of the run.
const from = option('--from');
const started = Date.now();
let record: Record<string, unknown> & { generatedAt: string; commit: string; seeds: number[]; minutes: number; skipped: { name: string; reason: string }[]; runs: StreamRun[] };
let summaries: Summary[];
if (from) {
  // Several files (runs split by stream across processes) are merged; the first gives the commit and date.
  const parts = await Promise.all(from.map(async (f) => JSON.parse(await readFile(f, 'utf8')) as typeof record));
  record = { ...parts[0]!, minutes: Math.max(...parts.map((p) => p.minutes)), skipped: parts.flatMap((p) => p.skipped), runs: parts.flatMap((p) => p.runs) };
  // Parts run at different commits are published with each commit and the streams it ran.
  const commits = [...new Set(parts.map((p) => p.commit))];
  if (commits.length > 1) record.commit = parts.map((p) => `${p.commit} (${[...new Set(p.runs.map((r) => r.stream))].join(', ')})`).join(', ');
  const groups = new Map<string, StreamRun[]>();
  for (const r of record.runs) groups.set(`${r.stream}|${r.regime}`, [...(groups.get(`${r.stream}|${r.regime}`) ?? []), r]);
  summaries = [...groups.values()].map(summarize);
} else {
  // The commit the run started on (commits made while it runs do not change what it measured).
  const commit = headCommit(repo);
  const result = await runBenchmark({
    streams: option('--streams') ?? undefined,
    regimes: (option('--regimes') as Regime[] | null) ?? undefined,
    seeds,
    quick,
    dataDir,
    workDir,
    verbose: process.env.MOA_BENCH_VERBOSE === '1',
    log: (line) => process.stderr.write(line + '\n'),
  });
  summaries = result.summaries;
  const minutes = Number(((Date.now() - started) / 60000).toFixed(1));
  record = { generatedAt: new Date().toISOString(), commit, moaVersion: VERSION, node: process.version, cpus: os.cpus().length, seeds, minutes, skipped: result.skipped, runs: result.runs };
  // --raw FILE: keep this run's raw figures (a full table can be run in parts, one process each, and merged with --from).
  const raw = option('--raw')?.[0];
  if (raw) await writeFile(raw, JSON.stringify(record) + '\n');
}
const tables = formatTables(summaries, { historyNote });
const skipped = record.skipped;
process.stdout.write(`${tables}\n\nTargets:\n${formatTargets(summaries)}\n${skipped.map((s) => `Not run: ${s.name} — ${s.reason}\n`).join('')}\nwall time ${record.minutes} min\n`);

// Only the full run with the default streams, regimes and seeds is published.
if (from || (!quick && !option('--streams') && !option('--regimes') && !option('--seeds'))) {
  const out = path.join(repo, 'bench', 'results', 'stream.json');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify({ ...record, summaries }) + '\n');
  process.stderr.write(`wrote ${out}\n`);
  const body = `Run of ${record.generatedAt.slice(0, 10)}, commit ${record.commit}, ${record.minutes} min on ${os.cpus().length} shared CPUs.\n\n${tables}\n${skipped.map((s) => `\nNot run: ${s.name} — ${s.reason}.`).join('')}`;
  const docs = path.join(repo, 'docs', 'benchmarks.md');
  if (await replaceBetweenMarkers(docs, TABLE_START, TABLE_END, body)) process.stderr.write(`updated the tables in ${docs}\n`);
}
