import type { Results } from '../schema/results.js';
import { CHECKS, findAll, isKind, judged, untyped } from '../checks/index.js';
import { labelledNewClasses, newClassNames, noveltyReading } from './new-classes.js';

// Only what changes inline Markdown meaning in a list item or a table cell.
const ESCAPE_MD = /([\\`*_[\]<>|])/g;
// Line breaks in data would end a list item or table row early.
const md = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').replace(ESCAPE_MD, '\\$1');
const code = (s: string) => `\`${s.replace(/[`|\r\n]/g, '')}\``;
const TOP = 5;
const WARNINGS = 8;

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
  const drift = findAll(checks, CHECKS.featureDrift).filter(judged);
  const drifted = drift.filter((c) => c.status === 'fail').sort((a, b) => effect(b) - effect(a));
  if (drifted.length) {
    const top = drifted.slice(0, TOP).map((c) => `${code(c.subject ?? c.id)}${effect(c) >= 0 ? ` (effect ${effect(c).toPrecision(3)})` : ''}`);
    lines.push('', `**Drifted features:** ${drifted.length} of ${drift.length} — ${top.join(', ')}${drifted.length > TOP ? ', …' : ''}`);
  }
  // Counted from the labels; novelty's clusters are groups of rows, read against the labels (new-classes.ts).
  const novelty = checks.find((c) => isKind(c, CHECKS.novelty) && (c.status === 'fail' || c.status === 'warn'));
  const newClasses = [labelledNewClasses(checks), novelty ? noveltyReading(novelty, newClassNames(checks)) : []].filter((p) => p.length);
  if (newClasses.length) lines.push('', `**New classes:** ${newClasses.map((p) => p.map((s) => (typeof s === 'string' ? md(s) : code(s.name))).join('')).join(' ')}`);
  for (const [entry, title] of [[CHECKS.performance, 'Performance'], [CHECKS.estimatedPerformance, 'Estimated performance']] as const) {
    for (const c of findAll(checks, entry).filter(judged)) lines.push('', `**${title}:** ${md(c.summary)}`);
  }
  const selection = (results as { selection?: { recommended?: unknown; description?: unknown } | null }).selection;
  if (selection && typeof selection.recommended === 'string') {
    lines.push('', `**Selected for retraining:** ${code(selection.recommended)}${typeof selection.description === 'string' ? ` — ${md(selection.description)}` : ''}`);
  }
  // Failing checks other than per-feature drift first: the features are listed above already.
  const failing = [...checks.filter((c) => c.status === 'fail' && !isKind(c, CHECKS.featureDrift)), ...drifted];
  if (failing.length) {
    lines.push('', '| check | summary |', '| --- | --- |');
    for (const c of failing.slice(0, 15)) lines.push(`| ${code(c.id)} | ${md(c.summary)} |`);
    if (failing.length > 15) lines.push(`| … | ${failing.length - 15} more failing checks in results.json |`);
  }
  // Warnings are not failures but must not vanish: a gate's warning (a scale change short of a unit's signature,
  // new categories) is what a reader of a `none` needs to see. One line, gates first, to keep the summary short.
  const gateWarning = (c: Results['checks'][number]) => (isKind(c, CHECKS.schemaGate) || isKind(c, CHECKS.dataQuality) ? 0 : 1);
  const warnings = checks.filter((c) => c.status === 'warn' && !isKind(c, CHECKS.featureDrift)).sort((a, b) => gateWarning(a) - gateWarning(b));
  const smallDrift = drift.filter((c) => c.status === 'warn').length;
  if (warnings.length || smallDrift) {
    const listed = warnings.slice(0, WARNINGS).map((c) => `${code(c.id)} ${md(c.summary)}`);
    if (warnings.length > WARNINGS) listed.push(`… ${warnings.length - WARNINGS} more in results.json`);
    if (smallDrift) listed.push(`${smallDrift} feature${smallDrift === 1 ? '' : 's'} changed significantly but below the effect threshold`);
    lines.push('', `**Warnings (did not fail):** ${listed.join(' · ')}`);
  }
  lines.push('', `Full report: \`report.html\`; every figure: \`results.json\`. Run ${code(results.runId)}.`);
  return lines.join('\n') + '\n';
}

function effect(c: Results['checks'][number]): number {
  const e = untyped(c).figures.effect ?? untyped(c).figures.statistic;
  return typeof e === 'number' && Number.isFinite(e) ? e : -1;
}

function countBy(checks: Results['checks']): string {
  const counts = new Map<string, number>();
  for (const c of checks) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n} ${s.replace('_', ' ')}`).join(', ');
}
