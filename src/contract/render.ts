import type { LabelCoverage } from '../ingest/labels.js';
import { MINIMUM_KEYS, type ContractReport } from '../schema/contract.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const pad = (s: string, n: number) => (s.length >= n ? s + ' ' : s + ' '.repeat(n - s.length));

/** `moa contract` output for one dataset: plain text for a terminal or a CI log. */
export function renderContract(report: ContractReport, coverage?: LabelCoverage | null): string {
  const lines: string[] = [];
  lines.push(`${report.uri}: ${report.rows} rows, checked against ${report.contract}`);
  lines.push(`minimum (${MINIMUM_KEYS.join(', ')}): ${report.minimumMet ? 'met' : 'NOT met'}`);
  lines.push('', 'columns:');
  for (const c of report.columns) {
    const used = c.column ?? '-';
    lines.push(`  ${c.present ? '[x]' : '[ ]'} ${pad(c.key, 14)}${pad(used, 34)}${c.required ? 'required' : 'optional'}${c.problem ? `  (${c.problem})` : ''}`);
  }
  lines.push('', 'analyses:');
  for (const a of report.analyses) {
    const why = a.available
      ? a.inputs.length ? `also needs ${a.inputs.join(', ')}` : ''
      : a.missing.length ? `needs ${a.missing.join(' + ')}` : (a.note ?? '');
    lines.push(`  ${a.available ? '[x]' : '[ ]'} ${pad(a.title, 52)}${why}${a.available && a.note ? `; ${a.note}` : ''}`);
  }
  if (report.add.length) {
    lines.push('', 'to unlock the rest, log:');
    for (const a of report.add) lines.push(`  ${a.column}  [${a.type}]${a.unlocks.length ? ` -> ${a.unlocks.join('; ')}` : ''}`);
  } else {
    lines.push('', 'nothing to add: the columns allow every analysis.');
  }
  if (report.labels) {
    lines.push('', `label feed ${report.labels.uri}: ${report.labels.rows} rows; ${report.labels.labelled} of ${report.rows} operational rows labelled (${pct(report.labels.coverage)})`);
    if (coverage) {
      lines.push(`  ${coverage.feedIds} labelled ids, ${coverage.unmatchedIds} without an operational row, ${coverage.superseded} superseded by a later label`);
      for (const d of coverage.byDay) lines.push(`  ${pad(d.day, 11)}${pad(`${d.labelled}/${d.rows}`, 12)}${pct(d.coverage)}`);
    }
  }
  return lines.map((l) => l.trimEnd()).join('\n') + '\n';
}
