import type { Results } from '../schema/results.js';

// Only what changes inline Markdown meaning in a list item or a table cell.
const ESCAPE_MD = /([\\`*_[\]<>|])/g;
const md = (s: string) => s.replace(ESCAPE_MD, '\\$1');

/** A short Markdown summary for the pipeline UI and the log. */
export function renderSummary(results: Results): string {
  const { decision, checks, plan } = results;
  const lines = [
    `# moa: ${decision.action.replace('_', ' ')}`,
    '',
    `**Action:** \`${decision.action}\` · **shift:** \`${decision.shiftType}\` · **confidence:** ${decision.confidence.toFixed(2)}`,
    '',
    ...decision.reasons.map((r) => `- ${md(r.text)}`),
    '',
    `Tests run: ${plan.testsRun} of ${plan.testsFull}. Checks: ${countBy(checks)}.`,
  ];
  const failing = checks.filter((c) => c.status === 'fail');
  if (failing.length) {
    lines.push('', '| check | summary |', '| --- | --- |');
    for (const c of failing.slice(0, 15)) lines.push(`| \`${c.id.replace(/[`|]/g, '')}\` | ${md(c.summary)} |`);
    if (failing.length > 15) lines.push(`| … | ${failing.length - 15} more failing checks in results.json |`);
  }
  return lines.join('\n') + '\n';
}

function countBy(checks: Results['checks']): string {
  const counts = new Map<string, number>();
  for (const c of checks) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n} ${s.replace('_', ' ')}`).join(', ');
}
