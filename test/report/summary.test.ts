import { describe, expect, it } from '@jest/globals';
import { renderSummary } from '../../src/emit/summary.js';
import { baseResults, HOSTILE, hostileResults, kindChecks, withSelection } from './fixtures.js';
import type { CheckResult } from '../../src/checks/index.js';

/** Text outside inline code spans, with backslash escapes removed: what Markdown would treat as markup. */
const outsideCode = (line: string) => line.replace(/`[^`]*`/g, '').replace(/\\./g, '');

describe('summary.md', () => {
  const results = withSelection(hostileResults(1000));
  const md = renderSummary(results);
  const lines = md.split('\n');

  it('is short: decision, figures, the failing checks that matter most', () => {
    expect(lines[0]).toBe('# moa: retrain');
    expect(lines.length).toBeLessThan(45);
    expect(md).toMatch(/\*\*Drifted features:\*\* 100 of 1000 — /);
    expect(md).toContain('**Performance:** Performance dropped.');
    expect(md).toContain('**Selected for retraining:** `"><img src=x onerror="window.__pwned=2;alert(2)">`');
    // checks other than feature drift come first in the table
    const firstRow = lines.find((l) => l.startsWith('| `'))!;
    expect(firstRow).not.toContain('drift.feature.');
  });

  it('escapes every data-derived string: no markup outside code spans, table rows keep their cells', () => {
    for (const line of lines) expect(outsideCode(line)).not.toMatch(/[<>]/);
    for (const row of lines.filter((l) => l.startsWith('| '))) expect(outsideCode(row).split('|').length).toBe(4);
    expect(md).toContain(HOSTILE[1]!.replace(/[<>]/g, (c) => `\\${c}`).replace(/_/g, '\\_')); // the reason, escaped
  });

  it('counts new classes from the labels and reads novelty clusters as groups, not classes', () => {
    const line = lines.find((l) => l.startsWith('**New classes:**'))!;
    expect(line).toContain('1 new class in the operational labels: `<script>window.__pwned=1;alert(1)</script>`.');
    expect(line).toContain('Novelty: 2 groups of operational rows unlike the training data (groups, not classes); 1 mostly known classes (');
    expect(line).toContain('): rows that changed, not new classes; 1 without labels.');
  });

  it('keeps a multi-line data string on one line', () => {
    const r = baseResults([], { decision: { action: 'none', shiftType: 'none', findings: [], confidence: 1, reasons: [{ text: 'line one\n# not a heading', checks: [] }] } });
    expect(renderSummary(r)).toContain('- line one # not a heading\n');
  });
});

describe('summary.md lists warnings that did not fail', () => {
  it('a gate warning on a `none` run appears with its check and summary', () => {
    const warning = kindChecks().find((c) => c.status === 'warn' && !['feature_drift', 'schema', 'data_quality'].includes(c.kind))!; // not a gate
    const gate = {
      id: 'quality.column.pressure',
      stage: 'analyze',
      kind: 'data_quality',
      subject: 'pressure',
      status: 'warn',
      method: 'count tests',
      figures: { nReference: 800, nOperational: 200, magnitudeRatio: 4.1, scalePValue: 1e-9 },
      summary: 'typical magnitude ×4.10: large, but not the signature of a unit change.',
      details: { findings: [{ check: 'scale_change', status: 'warn', text: 'typical magnitude ×4.10', pValue: 1e-9 }] },
    } as unknown as CheckResult;
    const r = baseResults([warning, gate], { decision: { action: 'none', shiftType: 'none', findings: [], confidence: 0.6, reasons: [{ text: 'No evidence of harm.', checks: [] }] } });
    const md = renderSummary(r);
    const line = md.split('\n').find((l) => l.startsWith('**Warnings (did not fail):**'))!;
    // The gate's warning comes first, with its check id and summary.
    expect(line).toMatch(/^\*\*Warnings \(did not fail\):\*\* `quality\.column\.pressure` typical magnitude ×4\.10: large, but not the signature of a unit change\./);
    expect(line).toContain(`\`${warning.id}\``);
  });
});
