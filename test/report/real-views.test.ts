/**
 * The report's views on two real runs, in a real browser (Debian's Chromium), at a desktop width (1280 px) and a
 * phone width (390 px), and inside the two pipeline viewers' constraints:
 * - Bike Sharing hours as "is this hour busy?" (test/report/bike-busy.ts): a timestamp, labels and probabilities,
 *   demand grew in 2012 — the over-time views, ROC and precision–recall curves, calibration, confusion matrices;
 * - Adult without operational labels (test/report/adult-unlabelled.ts): older people than in training — drift, and
 *   performance only estimated (CBPE), so the confusion matrix holds expected counts.
 * Screenshots go to test-artifacts/report-{bike,adult}-{1280,390}.png (whole page) and a few of single views.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Browser, Frame, Page } from 'playwright-core';
import { CHECKS, find, findAll } from '../../src/checks/index.js';
import { ResultsSchema, type Results } from '../../src/schema/results.js';
import { runCli } from '../support/cli.js';
import { writeAdultUnlabelled } from './adult-unlabelled.js';
import { writeBikeBusy } from './bike-busy.js';
import { ARTIFACTS, describeBrowser, launchChromium, visit } from './chromium.js';

const WIDTHS = [1280, 390] as const;
/** The report must stay one small file: KFP inlines it in its UI metadata and its iframe, Argo serves it as is. */
const MAX_BYTES = 2 * 1024 * 1024;
/** What Argo's artifact server sends with every artifact (server/artifacts/artifact_server.go, v3.5 to v4.1). */
const ARGO_CSP = "sandbox; base-uri 'none'; default-src 'none'; img-src 'self'; style-src 'self' 'unsafe-inline'";

interface Run {
  file: string;
  html: string;
  results: Results;
}

/** Layout on any width: nothing wider than the screen, every chart drawn and inside it, no long fraction in a table. */
async function layout(page: Page | Frame, width: number): Promise<{ charts: number }> {
  // (A string: the project compiles without the DOM lib.)
  const seen = (await page.evaluate(`(() => {
    const doc = document.documentElement;
    const charts = [...document.querySelectorAll('svg')].map((svg) => {
      const box = svg.getBoundingClientRect();
      return { width: box.width, right: box.right, marks: svg.querySelectorAll('path, rect, circle, line').length };
    });
    const cells = [...document.querySelectorAll('td')].filter((td) => !td.querySelector('td')).map((td) => td.textContent ?? '');
    return { scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, charts, cells };
  })()`)) as { scrollWidth: number; clientWidth: number; charts: { width: number; right: number; marks: number }[]; cells: string[] };
  expect(seen.scrollWidth).toBeLessThanOrEqual(seen.clientWidth); // no horizontal scrolling of the page
  expect(seen.clientWidth).toBeLessThanOrEqual(width);
  expect(seen.charts.length).toBeGreaterThan(5);
  for (const c of seen.charts) {
    expect(c.width).toBeGreaterThan(100);
    expect(c.right).toBeLessThanOrEqual(seen.clientWidth + 1);
    expect(c.marks).toBeGreaterThan(0);
  }
  // formatFigure writes at most six decimals (0.001234); a raw double has a dozen or more
  expect(seen.cells.filter((t) => /\d\.\d{7,}/.test(t))).toEqual([]);
  return { charts: seen.charts.length };
}

async function shoot(page: Page, name: string, width: number, views: Record<string, string> = {}): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `report-${name}-${width}.png`), fullPage: true });
  if (width !== 1280) return;
  for (const [view, selector] of Object.entries(views)) await page.locator(selector).first().screenshot({ path: path.join(ARTIFACTS, `report-${name}-${view}.png`) });
}

describeBrowser('test/report/real-views.test.ts')('the report of real runs in headless Chromium and the pipeline viewers', () => {
  let browser: Browser;
  let work: string;
  const runs: Record<'bike' | 'adult', Run> = {} as Record<'bike' | 'adult', Run>;

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'moa-real-views-'));
    browser = await launchChromium();
    for (const [name, write] of [['bike', writeBikeBusy], ['adult', writeAdultUnlabelled]] as const) {
      const dir = path.join(work, name);
      mkdirSync(dir);
      const out = path.join(dir, 'out');
      const run = await runCli(write(dir, out));
      expect(run.stderr).not.toMatch(/internal error/);
      expect(run.code).toBe(0);
      const file = path.join(out, 'report.html');
      runs[name] = { file, html: readFileSync(file, 'utf8'), results: ResultsSchema.parse(JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'))) };
    }
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it.each(WIDTHS)('Bike Sharing at %i px: over-time views, ROC and precision–recall, calibration, readable matrices', async (width) => {
    const { file, results } = runs.bike;
    expect(results.decision.action).toBe('retrain');
    const { errors, dialogs, page } = await visit(browser, file, width);
    expect(errors).toEqual([]);
    expect(dialogs).toEqual([]);
    await layout(page, width);

    // Over time: accuracy and drift per chunk, each with its band, and a caption that says what falls outside.
    const evidence = find(results.checks, CHECKS.evidenceOverTime)!;
    expect(evidence.details!.axis).toBe('time');
    const overTime = page.locator('figure.over-time');
    expect(await overTime.locator('svg').count()).toBe(2);
    expect(await overTime.isVisible()).toBe(true);
    for (const svg of await overTime.locator('svg').all()) {
      expect(await svg.locator('g[aria-label="dot"] circle').count()).toBe(evidence.details!.pooled.length);
      expect(await svg.locator('g[aria-label="rect"] rect').count()).toBe(evidence.details!.pooled.length);
    }
    expect(await overTime.locator('figcaption').innerText()).toMatch(/\d+ of \d+\s+chunks fall outside it on the worse side/);

    // ROC and precision–recall, with the areas the run computed.
    const roc = find(results.checks, CHECKS.performance)!.details!.roc!;
    const perf = page.locator('#performance');
    const rocCaption = perf.locator('figcaption', { hasText: 'ROC curve: every threshold' });
    expect(await rocCaption.innerText()).toContain(`(AUC) ${roc.auc!.toPrecision(4).replace(/0+$/, '')}`);
    expect(await perf.locator('figcaption', { hasText: 'Precision–recall curve' }).innerText()).toContain(`Average precision ${roc.averagePrecision!.toPrecision(4).replace(/0+$/, '')}`);
    expect(await perf.locator('figcaption', { hasText: 'Calibration:' }).count()).toBeGreaterThanOrEqual(1);

    // The measured confusion matrix: counts and row percentages as the run wrote them.
    const cm = find(results.checks, CHECKS.performance)!.details!.confusionMatrix!;
    const cells = await perf.locator('table.confusion').first().locator('tbody td[style]').allInnerTexts();
    expect(cells).toEqual(cm.matrix.flatMap((row) => row.map((v) => `${v.toLocaleString('en-US')}\n${((v / row.reduce((a, b) => a + b, 0)) * 100).toFixed(1)}%`)));

    // Every feature charted, every warning in the decision box.
    const features = findAll(results.checks, CHECKS.featureDrift);
    expect(await page.locator('#drift .charts figure svg').count()).toBe(features.length);
    const warned = results.checks.filter((c) => c.status === 'warn' && c.kind !== CHECKS.featureDrift.kind);
    expect(await page.locator('#decision .warnings li').count()).toBeGreaterThanOrEqual(warned.length);

    await shoot(page, 'bike', width, { decision: '#decision', 'over-time': 'figure.over-time', performance: '#performance' });
    await page.close();
  });

  it.each(WIDTHS)('Adult without labels at %i px: the estimated confusion matrix in whole rows, drift ordered by effect', async (width) => {
    const { file, results } = runs.adult;
    const { errors, dialogs, page } = await visit(browser, file, width);
    expect(errors).toEqual([]);
    expect(dialogs).toEqual([]);
    await layout(page, width);
    const estimated = find(results.checks, CHECKS.estimatedPerformance)!;
    const cm = estimated.details!.confusionMatrix;
    expect(cm.matrix.flat().some((v) => !Number.isInteger(v))).toBe(true); // expected counts, fractions
    const perf = page.locator('#performance');
    const cells = await perf.locator('table.confusion').first().locator('tbody td[style]').allInnerTexts();
    expect(cells).toEqual(cm.matrix.flatMap((row) => row.map((v) => `${Math.round(v).toLocaleString('en-US')}\n${((v / row.reduce((a, b) => a + b, 0)) * 100).toFixed(1)}%`)));
    expect(await perf.innerText()).toContain('Estimated from the model');
    // The largest drift first: age, the feature the operational rows were selected on.
    expect(await page.locator('#drift .charts figure figcaption code').first().innerText()).toBe('age');
    await shoot(page, 'adult', width, { decision: '#decision', estimated: '#kind-estimated_performance + table + h4 + .views' });
    await page.close();
  });

  it('fits the pipeline viewers: one self-contained file without script, bounded in size, drawn in KFP’s sandboxed iframe and under Argo’s CSP', async () => {
    for (const { html, file } of Object.values(runs)) {
      expect(Buffer.byteLength(html)).toBeLessThan(MAX_BYTES);
      expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|javascript:/i);
      // Every reference stays inside the file: anchors only, no URL to fetch.
      const refs = [...html.matchAll(/\s(?:href|src|xlink:href)="([^"]*)"/g)].map((m) => m[1]!);
      expect(refs.filter((r) => !r.startsWith('#'))).toEqual([]);
      expect(html).not.toMatch(/url\(/);

      // KFP v2 shows an HTML artifact in <iframe srcdoc sandbox="allow-scripts"> (frontend HTMLViewer.tsx).
      const host = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      host.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      const srcdoc = html.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
      await host.setContent(`<!DOCTYPE html><html><body style="margin:0"><iframe sandbox="allow-scripts" style="width:1200px;height:800px;border:0" srcdoc="${srcdoc}"></iframe></body></html>`);
      const frame = host.frames().find((f) => f !== host.mainFrame())!;
      await frame.waitForLoadState('load');
      await layout(frame, 1200);
      expect(await frame.locator('#decision').isVisible()).toBe(true);
      expect(errors).toEqual([]);
      await host.close();

      // Argo's artifact server: the file as is, with its CSP header (sandbox, no script, inline styles allowed).
      const server: Server = createServer((_, res) => {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': ARGO_CSP, 'X-Frame-Options': 'SAMEORIGIN' });
        res.end(html);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const violations: string[] = [];
      page.on('console', (m) => void (m.type() === 'error' && violations.push(m.text())));
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/${path.basename(path.dirname(path.dirname(file)))}/report.html`);
      await layout(page, 1280);
      // styles applied (inline <style> allowed by 'unsafe-inline'): the body is the report's column, not the page
      expect(await page.evaluate('getComputedStyle(document.body).maxWidth')).toBe('1150px');
      expect(violations).toEqual([]);
      await page.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
