/**
 * `npm run bench:robustness -- [--datasets DIR] [--seeds N] [name …]` (BENCH_QUICK=1: one seed, 3,000 rows per
 * dataset, five faults): the public robustness suite of issue 16. For each dataset and seed it runs the step on
 * (a) a null split (random halves, nothing changed), (b) the operational half with one injected data fault, and
 * (c) a class the reference never had and a prior shift, with a production model built as bench/scenarios
 * builds it (softmax regression or ridge on the reference, predictions and probabilities written beside the
 * data). It prints a table of figures, not assertions, and writes bench/results/robustness.json.
 * Datasets come from --datasets DIR or MOA_DATASETS_DIR, else the repository's test/data (those not there are skipped
 * and listed).
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { mulberry32 } from '../../src/stats/index.js';
import { VERSION } from '../../src/version.js';
import { rowsOf } from '../scenarios/frame.js';
import { repoRoot } from '../scenarios/repo.js';
import { analyse, type Analysis } from './analyse.js';
import { FAULTS, QUICK_FAULTS, injectFault, newClassSplit, nullSplit, priorShiftSplit, type CaseKind, type Split } from './cases.js';
import { ROBUSTNESS_DATASETS, datasetAvailable } from './datasets.js';

// The compiled copy lives under node_modules/.cache, which may be another checkout's (a shared symlink): the
// checkout is the working directory when it is one.
const repo = existsSync(path.join(process.cwd(), 'package.json')) ? process.cwd() : repoRoot();
const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = process.env.BENCH_QUICK === '1';
const datasetsDir = option('--datasets') ?? process.env.MOA_DATASETS_DIR ?? path.join(repo, 'test', 'data');
const seeds = Array.from({ length: Number(option('--seeds') ?? (quick ? 1 : 3)) }, (_, i) => i + 1);
const maxRows = quick ? 3000 : 20000;
const faults = quick ? QUICK_FAULTS : FAULTS;
const names = args.filter((a, i) => !a.startsWith('--') && !['--datasets', '--seeds'].includes(args[i - 1] ?? ''));
const workDir = process.env.MOA_BENCH_WORKDIR ?? path.join(os.tmpdir(), 'moa-bench-robustness');

// The commit the runs measure, read before they start (and marked when sources differ from it).
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
  if (execFileSync('git', ['status', '--porcelain', '--', 'src', 'bench', ':!bench/results'], { cwd: repo, encoding: 'utf8' }).trim()) commit += '-dirty';
} catch {
  // not a git checkout: the commit stays unknown
}
process.stderr.write(`bench:robustness on ${repo} at ${commit}\n`);

if (!existsSync(datasetsDir)) {
  process.stderr.write(`no datasets at ${datasetsDir}: pass --datasets DIR (or MOA_DATASETS_DIR)\n`);
  process.exit(2);
}

interface CaseResult {
  dataset: string;
  seed: number;
  kind: CaseKind;
  target: string[];
  action: string;
  /** The action of the same case with `--full`: the plan's early exits must not change it. */
  fullAction: string;
  /** fault: fix_data naming the column; new class: found and named; prior shift: not `none`; null: `none`. */
  ok: boolean;
  reason: string;
  seconds: number;
}

function judge(kind: CaseKind, target: string[], r: Analysis): boolean {
  const named = (name: string) => r.text.includes(name) || r.ids.some((id) => r.subjects.get(id) === name);
  if (kind === 'null') return r.action === 'none';
  if (kind === 'new_class') return r.action !== 'none' && (r.newClasses.includes(target[0]!) || named(target[0]!));
  if (kind === 'prior_shift') return r.action !== 'none';
  return r.action === 'fix_data' && target.some(named);
}

const chosen = ROBUSTNESS_DATASETS.filter((d) => names.length === 0 || names.includes(d.name));
const results: CaseResult[] = [];
const missing: string[] = [];
for (const ds of chosen) {
  if (!datasetAvailable(ds, datasetsDir)) {
    process.stderr.write(`skip ${ds.name}: ${path.join(datasetsDir, ds.file)} not found\n`);
    missing.push(ds.name);
    continue;
  }
  const frame = ds.load(datasetsDir);
  for (const seed of seeds) {
    const rng = mulberry32(1000 * seed + 17);
    const next = () => rng.nextDouble53();
    const base = nullSplit(frame, next, maxRows);
    const cases: { kind: CaseKind; split: Split | null }[] = [{ kind: 'null', split: base }];
    for (const kind of faults) {
      const injected = injectFault(kind, base.operational, next);
      cases.push({ kind, split: injected && { ...base, operational: injected.operational, target: injected.target } });
    }
    if (ds.task === 'classification') {
      cases.push({ kind: 'new_class', split: newClassSplit(base) }, { kind: 'prior_shift', split: priorShiftSplit(base, next) });
    }
    for (const { kind, split } of cases) {
      if (!split) continue;
      const label = `${ds.name}-${seed}-${kind}`;
      // A run that ends in an internal error is a finding of the suite (issue 16: every run ends in a decision or
      // a named error), recorded as such rather than stopping the suite.
      const r = await analyse(ds, split, seed, path.join(workDir, label), label).catch((e: Error) => ({
        action: 'internal error',
        fullAction: 'internal error',
        text: `${e.name}: ${e.message.replace(/\s+/g, ' ')}`,
        ids: [] as string[],
        subjects: new Map<string, string | undefined>(),
        newClasses: [] as string[],
        seconds: NaN,
      }));
      const ok = judge(kind, split.target, r);
      process.stderr.write(`${label}: ${r.action}${ok ? '' : ' ✗'}${r.fullAction === r.action ? '' : ` (--full: ${r.fullAction})`} (${r.seconds.toFixed(1)} s)\n`);
      results.push({ dataset: ds.name, seed, kind, target: split.target, action: r.action, fullAction: r.fullAction ?? r.action, ok, reason: r.text.slice(0, 160), seconds: r.seconds });
    }
  }
}

const KINDS: CaseKind[] = [...faults, 'new_class', 'prior_shift'];
const HEAD: Record<CaseKind, string> = {
  null: 'null',
  unit_x10: 'unit ×10',
  unit_x1000: 'unit ×1000',
  null_burst: 'null burst',
  stuck: 'stuck',
  category_rename: 'category rename',
  swapped_columns: 'swapped columns',
  new_class: 'new class found',
  prior_shift: 'prior shift found',
};
const cell = (rows: CaseResult[]) => (rows.length ? `${rows.filter((r) => r.ok).length}/${rows.length}` : '—');
const lines = [
  `| dataset | rows | null splits not \`none\` | null splits \`fix_data\` | ${KINDS.map((k) => `${HEAD[k]}${k === 'new_class' || k === 'prior_shift' ? '' : ' → fix_data, column named'}`).join(' | ')} |`,
  `| --- | ---: | ---: | ---: | ${KINDS.map(() => '---:').join(' | ')} |`,
];
const datasets = [...new Set(results.map((r) => r.dataset))];
for (const d of datasets) {
  const mine = results.filter((r) => r.dataset === d);
  const nulls = mine.filter((r) => r.kind === 'null');
  const ds = ROBUSTNESS_DATASETS.find((x) => x.name === d)!;
  lines.push(
    `| ${d} | ${Math.min(rowsOf(ds.load(datasetsDir)), maxRows)} | ${nulls.filter((r) => !r.ok).length}/${nulls.length} | ${nulls.filter((r) => r.action === 'fix_data').length}/${nulls.length} | ${KINDS.map((k) => cell(mine.filter((r) => r.kind === k))).join(' | ')} |`,
  );
}
const nulls = results.filter((r) => r.kind === 'null');
lines.push(
  `| **all** | | **${nulls.filter((r) => !r.ok).length}/${nulls.length}** | **${nulls.filter((r) => r.action === 'fix_data').length}/${nulls.length}** | ${KINDS.map((k) => `**${cell(results.filter((r) => r.kind === k))}**`).join(' | ')} |`,
);
const misses = results.filter((r) => !r.ok).map((r) => `- ${r.dataset} seed ${r.seed} ${r.kind}${r.target.length ? ` (${r.target.join(', ')})` : ''}: \`${r.action}\` — ${r.reason || 'no reason given'}`);
const alpha = 0.05; // the default plan.alpha the runs use
const table = lines.join('\n');
const disagree = results.filter((r) => r.fullAction !== r.action);
const summary = [
  `null-split runs not saying \`none\`: ${nulls.filter((r) => !r.ok).length} of ${nulls.length} (configured α = ${alpha}); \`fix_data\` on null splits: ${nulls.filter((r) => r.action === 'fix_data').length}`,
  `the early-exit plan and \`--full\` agree on ${results.length - disagree.length} of ${results.length} runs${disagree.length ? `; they differ on ${disagree.map((r) => `${r.dataset} seed ${r.seed} ${r.kind} (${r.action} vs --full ${r.fullAction})`).join(', ')}` : ''}`,
].join('\n');
process.stdout.write(`${table}\n\n${summary}\n\nMisses:\n${misses.join('\n')}\n${missing.length ? `\nNot run (dataset not found): ${missing.join(', ')}\n` : ''}`);

const out = path.join(repo, 'bench', 'results', quick ? 'robustness-quick.json' : 'robustness.json');
await mkdir(path.dirname(out), { recursive: true });
await writeFile(out, JSON.stringify({ generatedAt: new Date().toISOString(), commit, moaVersion: VERSION, node: process.version, quick, seeds, maxRows, alpha, loadAverage: os.loadavg(), missing, results }, null, 2) + '\n');
process.stderr.write(`wrote ${out}\n`);
