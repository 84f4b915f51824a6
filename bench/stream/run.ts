import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { VERSION } from '../../src/version.js';
import { headCommit, replaceBetweenMarkers } from '../scenarios/publish.js';
import { repoRoot } from '../scenarios/repo.js';
import { runBenchmark } from './benchmark.js';
import { historySupported, type Regime } from './prequential.js';
import { formatTables, formatTargets } from './report.js';
import { datasetsDir } from './streams.js';

/**
 * `npm run bench:stream [-- --datasets DIR] [-- --streams a,b] [-- --regimes all,p20,late] [-- --seeds 1,2,3]`:
 * the prequential stream benchmark. BENCH_QUICK=1 runs the CI subset (generated streams and digits, one seed).
 * Prints the tables and the targets; the full default run also writes bench/results/stream.json and the tables in
 * docs/benchmarks.md. MOA_BENCH_WORKDIR keeps every window's inputs and moa outputs for inspection.
 */
const repo = repoRoot();
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

const started = Date.now();
// The commit the run started on (commits made while it runs do not change what it measured).
const commit = headCommit();
const { summaries, runs: raw, skipped } = await runBenchmark({
  streams: option('--streams') ?? undefined,
  regimes: (option('--regimes') as Regime[] | null) ?? undefined,
  seeds,
  quick,
  dataDir,
  workDir,
  verbose: process.env.MOA_BENCH_VERBOSE === '1',
  log: (line) => process.stderr.write(line + '\n'),
});
const tables = formatTables(summaries, { historyNote });
const minutes = ((Date.now() - started) / 60000).toFixed(1);
process.stdout.write(`${tables}\n\nTargets:\n${formatTargets(summaries)}\n${skipped.map((s) => `Not run: ${s.name} — ${s.reason}\n`).join('')}\nwall time ${minutes} min\n`);

// Only the full run with the default streams, regimes and seeds is published.
if (!quick && !option('--streams') && !option('--regimes') && !option('--seeds')) {
  const record = { generatedAt: new Date().toISOString(), commit, moaVersion: VERSION, node: process.version, cpus: os.cpus().length, seeds, minutes: Number(minutes), skipped, summaries, runs: raw };
  const out = path.join(repo, 'bench', 'results', 'stream.json');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify(record) + '\n');
  process.stderr.write(`wrote ${out}\n`);
  const body = `Run of ${record.generatedAt.slice(0, 10)}, commit ${commit}, seeds ${seeds.join(', ')}, ${minutes} min on ${os.cpus().length} shared CPUs.\n\n${tables}\n${skipped.map((s) => `\nNot run: ${s.name} — ${s.reason}.`).join('')}`;
  const docs = path.join(repo, 'docs', 'benchmarks.md');
  if (await replaceBetweenMarkers(docs, TABLE_START, TABLE_END, body)) process.stderr.write(`updated the tables in ${docs}\n`);
}
