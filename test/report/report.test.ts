import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CHECKS, FINDINGS, find, findAll } from '../../src/checks/index.js';
import { checkOf } from '../support/checks.js';
import { describe, expect, it } from '@jest/globals';
import { parseHTML } from 'linkedom';
import { categoricalDistributionChart, numericDistributionChart } from '../../src/emit/charts.js';
import { renderReport, REPORT_LIMITS } from '../../src/emit/report.js';
import { formatFigure } from '../../src/emit/html.js';
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

  it('charts every feature, drifted or not, largest effect relative to its floor first, up to the limit', () => {
    const all = findAll(results.checks, CHECKS.featureDrift);
    const relative = (c: (typeof all)[number]) => c.figures.effect! / c.threshold!.minEffect!;
    all.sort((a, b) => relative(b) - relative(a));
    expect(all.some((c) => c.status === 'pass')).toBe(true);
    const figs = [...doc.querySelectorAll('#drift .charts figure')];
    expect(figs.length).toBe(REPORT_LIMITS.driftCharts);
    const charted = figs.map((f) => f.querySelector('figcaption code')?.textContent);
    expect(charted).toEqual(all.slice(0, REPORT_LIMITS.driftCharts).map((c) => c.subject));
    expect(figs.every((f) => f.querySelector('svg'))).toBe(true);
    expect(doc.getElementById('drift')!.textContent).toContain(`the ${REPORT_LIMITS.driftCharts} of ${all.length} features that changed most`);
    // passing features are folded away but present
    expect(doc.querySelector('#drift details summary')?.textContent).toMatch(/^\d+ passing checks$/);
  });

  it('charts passing features too when few drifted, and says nothing drifted', () => {
    const quiet = renderReport(baseResults(driftChecks(6).map((c) => ({ ...c, status: 'pass' as const }))));
    const d = parse(quiet);
    expect(d.querySelectorAll('#drift .charts figure').length).toBe(6);
    expect(d.getElementById('drift')!.textContent).toContain('No feature drifted.');
    expect(d.getElementById('drift')!.textContent).toContain('all 6 features');
  });

  it('writes the confusion matrix as a table of counts and row percentages, and the per-class, slice, cluster and prior tables', () => {
    const perf = doc.getElementById('performance')!;
    const cm = find(results.checks, CHECKS.performance)!.details!.confusionMatrix!.matrix;
    const [measured, estimated] = [...perf.querySelectorAll('table.confusion')];
    const cells = [...measured!.querySelectorAll('tbody td[style]')].map((td) => td.textContent);
    expect(cells).toHaveLength(cm.flat().length);
    cm.forEach((row, i) => {
      const sum = row.reduce((a, b) => a + b, 0);
      row.forEach((v, j) => expect(cells[i * row.length + j]).toBe(`${v}${((v / sum) * 100).toFixed(1)}%`));
    });
    // the estimated matrix: whole rows, no 16-digit fractions, and said to be an estimate
    const estimatedText = estimated!.textContent!;
    expect(estimatedText).toContain('1,235');
    expect(estimatedText).toContain('82.3%');
    expect(estimatedText).not.toMatch(/\d\.\d{5}/);
    expect(perf.textContent).toContain('Estimated from the model');
    // no cell of the section carries a long fraction (the per-class support of the estimate is 1500.0000000000002)
    const longFractions = [...perf.querySelectorAll('td')].map((td) => td.textContent!).filter((t) => /\d\.\d{5,}/.test(t));
    expect(longFractions).toEqual([]);
    expect([...perf.querySelectorAll('td')].map((td) => td.textContent)).toContain('1,500');
    expect(perf.textContent).toContain('Per class (worst F1 first)');
    expect([...perf.querySelectorAll('th')].map((t) => t.textContent)).toContain('baseline F1');
    expect(perf.textContent).toContain('0.924'); // a baseline F1 value, matched by class
    // over time (metric, drift); reliability, ROC, precision–recall (accuracy); reliability (calibration)
    expect(perf.querySelectorAll('svg').length).toBe(6);
    expect(perf.textContent).toContain('Average precision 0.71');
    expect(perf.textContent).toContain('the share of positives, 33.3%');
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

describe('renderReport: what a newcomer reads first', () => {
  const results = hostileResults(30);
  const doc = parse(renderReport(results));

  it('lists every warning in the decision box, gates first, each linked to its check', () => {
    const box = doc.querySelector('#decision .warnings')!;
    const items = [...box.querySelectorAll('li')];
    const warned = results.checks.filter((c) => (c.status === 'warn' || c.status === 'error') && c.kind !== CHECKS.featureDrift.kind);
    expect(warned.length).toBeGreaterThan(3);
    const links = items.flatMap((li) => [...li.querySelectorAll('a')].map((a) => a.getAttribute('href')!.slice(1)));
    for (const c of warned) expect(links).toContain(c.id);
    // gates first: the possible unit change and the missing column lead
    expect(links.slice(0, 2).sort()).toEqual(['quality.column.unit', 'schema.columns']);
    expect(box.textContent).toContain(`Possible unit change in temperature (×1.8, ${HOSTILE[5]})`);
    const small = results.checks.filter((c) => c.kind === CHECKS.featureDrift.kind && c.status === 'warn').length;
    if (small) expect(box.textContent).toContain(`${small} feature${small === 1 ? '' : 's'} changed significantly but less than the effect that counts as drift`);
  });

  it('counts new classes from the labels and reads novelty clusters as groups, not classes', () => {
    const text = doc.getElementById('decision')!.textContent!;
    expect(text).toContain(`1 new class in the operational labels: ${HOSTILE[0]}.`);
    // the fixture's clusters: one mostly a known class, one without labels — neither is a new class
    expect(text).toContain('Novelty: 2 groups of operational rows unlike the training data (groups, not classes)');
    expect(text).toContain(`1 mostly known classes (${HOSTILE[1]}): rows that changed, not new classes; 1 without labels.`);
    expect(doc.getElementById('drift')!.textContent).toContain('(groups, not classes)');
  });

  it('draws performance and drift per chunk as small multiples with the reference band, and says which chunks fall outside', () => {
    const fig = doc.querySelector('#performance figure.over-time')!;
    const panels = [...fig.querySelectorAll('svg')];
    expect(panels).toHaveLength(2);
    // one band box per chunk in each panel, one dot per chunk
    for (const svg of panels) {
      expect(svg.querySelectorAll('g[aria-label="rect"] rect').length).toBe(8);
      expect(svg.querySelectorAll('g[aria-label="dot"] circle').length).toBe(8);
    }
    // band: 0.9 ± 1.96·√(0.09/250 + 0.09/2000) = 0.9 ± 0.0394: the last four chunks (≤ 0.80) are below it
    const caption = fig.querySelector('figcaption')!.textContent!;
    expect(caption).toContain('4 of 8 chunks fall outside it on the worse side');
    expect(caption).toContain('4 of the 8 from earlier runs');
    // the KS band's Bonferroni count: the numeric (KS-tested) features
    const numeric = findAll(results.checks, CHECKS.featureDrift).filter((c) => c.details?.test?.id === 'ks').length;
    expect(numeric).toBeGreaterThan(5);
    expect(caption).toContain(`over ${numeric} features`);
    expect(fig.parentNode!.textContent).toContain('Per-chunk figures (8 chunks)');
  });

  it('formats figures for people: whole numbers from 1000 on, no lost digits', () => {
    expect(formatFigure(6610.4)).toBe('6,610');
    expect(formatFigure(0.8486)).toBe('0.8486');
    expect(formatFigure(100.5)).toBe('100.5');
    expect(formatFigure(120.0001)).toBe('120');
    expect(formatFigure(1500.0000000000002)).toBe('1,500');
    expect(formatFigure(2e-4)).toBe('2.00e-4');
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
      [HOSTILE[1], 'window since the drift, reweighted', '1,500', '1,201', 'accuracy', '0.86', 'recommended'],
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
