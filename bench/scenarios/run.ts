import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { VERSION } from '../../src/version.js';
import { SCENARIOS } from './definitions.js';
import { runScenario, type ScenarioResult } from './harness.js';
import { headCommit, replaceBetweenMarkers } from './publish.js';
import { repoRoot } from './repo.js';
import { formatTable } from './table.js';

/**
 * `npm run bench:scenarios [-- --quick] [-- name …]`: every scenario end to end, a table on stdout and
 * bench/results/scenarios.json and the docs table (the full run at the default seed only). MOA_BENCH_WORKDIR keeps the inputs and outputs for inspection.
 */
const repo = repoRoot();
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const names = args.filter((a) => !a.startsWith('--'));
const seed = Number(process.env.MOA_BENCH_SEED ?? 42);
const workDir = process.env.MOA_BENCH_WORKDIR ?? path.join(os.tmpdir(), 'moa-bench-scenarios');

const TABLE_START = '<!-- scenario-table: written by npm run bench:scenarios -->';
const TABLE_END = '<!-- /scenario-table -->';

const chosen = SCENARIOS.filter((s) => (names.length ? names.includes(s.name) : !quick || s.quick));
const results: ScenarioResult[] = [];
const skipped: { name: string; reason: string }[] = [];
for (const s of chosen) {
  const reason = s.unavailable();
  if (reason) {
    // CI installs every data set: a missing one there is a broken setup, not a reason to publish a partial table.
    if (process.env.CI === 'true') throw new Error(`${s.name}: ${reason}`);
    process.stderr.write(`skip ${s.name}: ${reason}\n`);
    skipped.push({ name: s.name, reason });
    continue;
  }
  process.stderr.write(`run  ${s.name} …\n`);
  const r = await runScenario(s, { workDir, seed });
  process.stderr.write(`     ${r.action} (expected ${r.expected}; --full: ${r.fullAction}), ${r.runtimeSeconds.toFixed(1)} s\n`);
  results.push(r);
}
process.stdout.write(formatTable(results) + '\n');
const queueLines = results
  .filter((x) => x.labelQueue)
  .map((r) => `${r.name}: once its label queue (${r.labelQueue!.rows} rows) is labelled, a naive refit scores ${r.labelQueue!.queue.toFixed(3)}; with the same number of random rows labelled instead: ${r.labelQueue!.random.toFixed(3)}.`);
process.stdout.write(queueLines.map((l) => l + '\n').join(''));
const wrong = results.filter((r) => r.action !== r.expected).map((r) => r.name);
const disagree = results.filter((r) => r.fullAction !== r.action).map((r) => `${r.name} (${r.action} vs --full ${r.fullAction})`);
const bLoses = results.filter((r) => (r.metric === 'accuracy' ? r.b < r.a - 1e-9 : r.b > r.a + 1e-9)).map((r) => r.name);
process.stdout.write(`\nexpected action: ${results.length - wrong.length}/${results.length}${wrong.length ? ` (wrong: ${wrong.join(', ')})` : ''}; --full agrees: ${results.length - disagree.length}/${results.length}${disagree.length ? ` (not: ${disagree.join(', ')})` : ''}; b worse than a: ${bLoses.length ? bLoses.join(', ') : 'none'}\n`);

// Only the full run at the default seed is published; other seeds are for checking that the actions are stable.
if (!quick && names.length === 0 && process.env.MOA_BENCH_SEED === undefined) {
  const commit = headCommit();
  const out = path.join(repo, 'bench', 'results', 'scenarios.json');
  await mkdir(path.dirname(out), { recursive: true });
  const record = { generatedAt: new Date().toISOString(), commit, moaVersion: VERSION, node: process.version, cpus: os.cpus().length, loadAverage: os.loadavg(), seed, skipped, scenarios: results };
  await writeFile(out, JSON.stringify(record, null, 2) + '\n');
  process.stderr.write(`wrote ${out}\n`);
  // The table in docs/benchmarks.md lives between two markers; the findings around it are written by hand.
  const load = os.loadavg().map((l) => l.toFixed(1)).join(' / ');
  const body = `Run of ${record.generatedAt.slice(0, 10)}, commit ${commit}, seed ${seed}; Node ${process.version}, ${os.cpus().length} CPUs, load average ${load} (1/5/15 min, shared machine). Accuracy: higher is better; MAE: lower.\n\n${formatTable(results)}\n${queueLines.map((l) => `\n${l}\n`).join('')}${skipped.map((s) => `\nNot run: ${s.name} — ${s.reason}.`).join('')}`;
  const docs = path.join(repo, 'docs', 'benchmarks.md');
  if (await replaceBetweenMarkers(docs, TABLE_START, TABLE_END, body)) process.stderr.write(`updated the table in ${docs}\n`);
}
