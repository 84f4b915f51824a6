import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CHECKS, FINDINGS, failing, find } from '../../src/checks/index.js';
import { checkOf } from '../support/checks.js';
import { describe, expect, it } from '@jest/globals';
import { parseHTML } from 'linkedom';
import { categoricalDistributionChart, numericDistributionChart } from '../../src/emit/charts.js';
import { renderReport, REPORT_LIMITS } from '../../src/emit/report.js';
import { ResultsSchema } from '../../src/schema/results.js';
import { REPO_ROOT } from '../support/cli.js';
import { baseResults, driftChecks, HOSTILE, hostileResults, kindChecks, plan, withSelection } from './fixtures.js';

type Doc = ReturnType<typeof parseHTML>['document'];
const parse = (s: string): Doc => parseHTML(s).document;
const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');

describe('renderReport on hostile results with 1000 features', () => {
  const results = hostileResults(1000);
  const t0 = performance.now();
  const report = renderReport(results);
  const ms = performance.now() - t0;
  const doc = parse(report);

  it('stays under 2 MB (size and time printed, not asserted on time)', () => {
    const bytes = Buffer.byteLength(report);
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(path.join(ARTIFACTS, 'report-hostile-1000.html'), report);
    console.log(`report for ${results.checks.length} checks (1000 features): ${(bytes / 1024).toFixed(0)} KiB, rendered in ${ms.toFixed(0)} ms`);
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
  });

  it('has a restrictive CSP and no script, image, frame or event-handler attribute anywhere', () => {
    const csp = doc.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/script-src|unsafe-eval/);
    expect(report).not.toMatch(/<script/i);
    expect(doc.querySelectorAll('script, img, iframe, object, embed, link').length).toBe(0);
    const handlers = [...doc.querySelectorAll('*')].flatMap((el) => [...el.attributes].map((a) => a.name)).filter((n) => /^on/i.test(n));
    expect(handlers).toEqual([]);
  });

  it('shows every hostile string as text, in tables and inside the SVG charts', () => {
    const text = doc.body.textContent ?? '';
    for (const h of HOSTILE) expect(text).toContain(h);
    const svgText = [...doc.querySelectorAll('svg text')].map((t) => t.textContent).join('\n');
    expect(svgText).toContain('<script>window.__pwned=1;alert(1)</script>'.slice(0, 27)); // axis labels are cut at 28 characters
  });

  it('puts the decision first and the sections in the documented order', () => {
    const order = ['decision', 'plan', 'data-quality', 'drift', 'multivariate', 'performance', 'slices', 'selection', 'reproducibility'];
    const at = order.map((id) => report.indexOf(`<section id="${id}"`));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('has one row per check, with the check id as anchor for the decision links', () => {
    const rowIds = [...doc.querySelectorAll('tr[id]')].map((tr) => tr.getAttribute('id'));
    expect(new Set(rowIds)).toEqual(new Set(results.checks.map((c) => c.id)));
    expect(rowIds.length).toBe(results.checks.length);
    const links = [...doc.querySelectorAll('#decision a')].map((a) => a.getAttribute('href'));
    expect(links).toContain(`#drift.feature.${HOSTILE[0]}`);
  });

  it('charts the largest drifted features only, largest effect first', () => {
    const drifted = failing(results.checks, CHECKS.featureDrift).sort((a, b) => b.figures.effect! - a.figures.effect!);
    const figs = [...doc.querySelectorAll('#drift .charts figure')];
    expect(figs.length).toBe(REPORT_LIMITS.driftCharts);
    const charted = figs.map((f) => f.querySelector('figcaption code')?.textContent);
    expect(charted).toEqual(drifted.slice(0, REPORT_LIMITS.driftCharts).map((c) => c.subject));
    expect(figs.every((f) => f.querySelector('svg'))).toBe(true);
    // passing features are folded away but present
    expect(doc.querySelector('#drift details summary')?.textContent).toMatch(/^\d+ passing checks$/);
  });

  it('draws the confusion matrix with its counts, and the per-class, slice, cluster and prior tables', () => {
    const perf = doc.getElementById('performance')!;
    const cm = find(results.checks, CHECKS.performance)!.details!.confusionMatrix!.matrix;
    const heat = perf.querySelector('figure svg')!;
    const numbers = [...heat.querySelectorAll('text')].map((t) => t.textContent);
    for (const v of cm.flat()) expect(numbers).toContain(String(v));
    expect(perf.textContent).toContain('Per class (worst F1 first)');
    expect([...perf.querySelectorAll('th')].map((t) => t.textContent)).toContain('baseline F1');
    expect(perf.textContent).toContain('0.924'); // a baseline F1 value, matched by class
    expect(perf.querySelectorAll('svg').length).toBe(4); // heatmap, reliability, ROC (accuracy); reliability (calibration)
    const slices = doc.getElementById('slices')!.textContent!;
    expect(slices).toContain(`camera == ${HOSTILE[1]}`);
    expect(slices).toContain(`${HOSTILE[0]} == ${JSON.stringify(HOSTILE[2])}`);
    const drift = doc.getElementById('drift')!.textContent!;
    expect(drift).toContain('unlabelled'); // the cluster without a dominant label
    expect(drift).toContain('25.0–35.0%'); // a prior's interval
    expect(doc.querySelectorAll('#multivariate svg').length).toBe(1);
    expect(doc.querySelectorAll('#selection svg').length).toBe(1); // the drift-onset timeline
  });

  it('shows details without a dedicated view generically, at a bounded depth', () => {
    const contract = [...doc.querySelectorAll('details summary')].find((s) => s.textContent === 'details of ingest.contract');
    expect(contract).toBeDefined();
    expect(contract!.parentNode!.textContent).toContain('tooDeep'); // bounded depth: the deepest level as JSON text
    // drift test descriptions appear once each, not once per feature
    expect(report.split('two-sample KS').length - 1).toBe(1);
    expect(doc.getElementById('drift')!.querySelector('ul')!.textContent).toMatch(/ks \(\d+ features\): two-sample KS/);
    // every kind has a section: valid results never need "Other checks"
    expect(doc.getElementById('other')).toBeNull();
  });
});

describe('renderReport sections that may be absent', () => {
  it('renders a selection section (with the proxy comparison) only when results carry one', () => {
    const plain = baseResults(kindChecks().filter((c) => c.stage !== 'select'));
    expect(renderReport(plain)).not.toContain('<section id="selection"');
    const doc = parse(renderReport(withSelection(plain)));
    const sel = doc.getElementById('selection')!;
    expect(sel.querySelector('h3')!.textContent).toBe('Proxy comparison');
    expect(sel.querySelector('p strong')!.textContent).toBe(HOSTILE[1]);
    const rows = [...sel.querySelectorAll('table')[0]!.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
    expect(rows).toEqual([
      ['reference', 'the training data as it was', '5,000', '5,000', 'accuracy', '0.8', ''],
      [HOSTILE[1], 'window since the drift, reweighted', '1,500', '1201', 'accuracy', '0.86', 'recommended'],
    ]);
    // the rest generically: exclusions as a table, label queue by reason
    expect(sel.textContent).toContain('quality.nulls');
    expect(sel.textContent).toContain('new_class');
  });

  it('renders a minimal run (a gate failed, everything else skipped) without empty sections', () => {
    const results = baseResults([checkOf(CHECKS.schemaGate, { id: 'schema.columns', status: 'fail', figures: { missing: 3 }, summary: 'Three columns missing.' })], {
      decision: { action: 'fix_data', shiftType: 'data_quality', findings: [FINDINGS.dataQuality], confidence: 1, reasons: [{ text: 'The data is broken.', checks: ['schema.columns'] }] },
      plan: plan(1, 5, ['schema.columns'], [{ id: 'drift.feature.a', reason: 'gate failed' }], 'gates'),
    });
    const report = renderReport(results);
    expect(report).not.toMatch(/<section id="(drift|performance|multivariate|slices|selection|other)"/);
    expect(parse(report).getElementById('plan')!.textContent).toContain('gate failed');
    expect(report).toContain('Tests run: <strong>1</strong> of 5 in the full battery (the plan stopped early');
    expect(parse(report).getElementById('plan')!.textContent).toContain('Stopped after step gates.');
  });

  it('says so when nothing drifted', () => {
    const checks = driftChecks(9).map((c) => ({ ...c, status: 'pass' as const }));
    expect(parse(renderReport(baseResults(checks))).getElementById('drift')!.textContent).toContain('No feature drifted.');
  });

  it('is a pure function of the results', () => {
    const r = ResultsSchema.parse(JSON.parse(JSON.stringify(hostileResults(30))));
    expect(renderReport(r)).toBe(renderReport(hostileResults(30)));
  });
});

describe('charts', () => {
  it('draws one bar per numeric bin and two per category', () => {
    const edges = [0, 1, 2, 3, 4];
    const num = parse(numericDistributionChart({ kind: 'numeric', edges, reference: [0.1, 0.2, 0.3, 0.4], operational: [0.4, 0.3, 0.2, 0.1] }).value);
    expect(num.querySelectorAll('rect').length).toBe(4);
    const cat = parse(categoricalDistributionChart({ kind: 'categorical', categories: ['x', 'y', 'z'], reference: [0.2, 0.3, 0.5], operational: [0.5, 0.3, 0.2] }).value);
    expect(cat.querySelectorAll('g[aria-label="bar"] rect').length).toBe(6);
  });

  it('keeps geometry short but data text exact', () => {
    const svg = categoricalDistributionChart({ kind: 'categorical', categories: ['1.23456789', 'b'], reference: [1 / 3, 2 / 3], operational: [0.5, 0.5] }).value;
    expect(svg).toContain('>1.23456789<');
    expect(svg).not.toMatch(/\s(d|transform|x|y|width|height)="[^"]*\d\.\d{3}/);
  });
});
