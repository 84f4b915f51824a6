import type { ScenarioResult } from './harness.js';

const fmt = (r: ScenarioResult, v: number) => (r.metric === 'accuracy' ? v.toFixed(3) : v.toFixed(1));

/** The results as a Markdown table (stdout and docs/benchmarks.md). Accuracy: higher is better; MAE: lower. */
export function formatTable(results: ScenarioResult[]): string {
  const head = ['scenario', 'expected', 'action', 'ok', '--full action', 'tests run / full', 'runtime (s)', 'metric', 'a naive refit', 'a seed spread', 'b manifest', 'c no retrain', 'b without validation rows', 'b trained on'];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i >= 5 && i <= 12 && i !== 7 ? '---:' : '---')).join(' | ')} |`];
  for (const r of results) {
    lines.push(
      `| ${[r.name, r.expected, r.action, r.action === r.expected ? 'yes' : '**no**', r.fullAction === r.action ? r.fullAction : `**${r.fullAction}**`, `${r.testsRun} / ${r.testsFull}`, r.runtimeSeconds.toFixed(1), r.metric, fmt(r, r.a), fmt(r, r.aSeedSpread), fmt(r, r.b), fmt(r, r.c), r.bHeldOut === null ? '—' : fmt(r, r.bHeldOut), r.bTrainedOn].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}
