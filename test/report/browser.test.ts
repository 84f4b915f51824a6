/**
 * The reports in a real browser (Debian's Chromium, driven by playwright-core; no browser download): the demo
 * report and a hostile one load without console errors, no script runs, hostile text is visible as text.
 * Screenshots go to test-artifacts/. Without Chromium: fails under CI=true, skips with a printed reason otherwise.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderReport } from '../../src/emit/report.js';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { HOSTILE, hostileResults } from './fixtures.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const available = existsSync(CHROMIUM);
if (!available) {
  if (process.env.CI === 'true') throw new Error(`Chromium is missing at ${CHROMIUM}: CI must install Debian's chromium package.`);
  console.log(`SKIP test/report/browser.test.ts: no Chromium at ${CHROMIUM} (install Debian's chromium, or set CHROMIUM_PATH).`);
}
const describeBrowser = available ? describe : describe.skip;

interface Visit {
  errors: string[];
  dialogs: string[];
  page: Page;
}

describeBrowser('report.html in headless Chromium', () => {
  let browser: Browser;
  let work: string;
  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'moa-report-browser-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // Flags from the machine notes: no sandbox as root, and no background networking on a closed network.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function visit(file: string): Promise<Visit> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    const dialogs: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return { errors, dialogs, page };
  }

  const pwned = (page: Page) => page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned ?? null);

  it('loads the demo report without errors, decision first, charts drawn', async () => {
    const demo = path.join(work, 'demo');
    const run = await runCli(['demo', '--dir', demo]);
    expect(run.code).toBe(0);
    const { errors, dialogs, page } = await visit(path.join(demo, 'out', 'report.html'));
    expect(errors).toEqual([]);
    expect(dialogs).toEqual([]);
    const first = await page.locator('section').first().getAttribute('id');
    expect(first).toBe('decision');
    expect(await page.locator('#decision').innerText()).toMatch(/Action: retrain/);
    const box = await page.locator('#drift svg').first().boundingBox();
    expect(box!.width).toBeGreaterThan(200); // laid out and visible, not collapsed
    await page.screenshot({ path: path.join(ARTIFACTS, 'report-demo.png'), fullPage: true });
    await page.close();
  });

  it('shows hostile names as text and runs none of them, with and without the CSP', async () => {
    const report = renderReport(hostileResults(1000));
    const withCsp = path.join(work, 'hostile.html');
    writeFileSync(withCsp, report);
    // Without the CSP only escaping stands between the data and the browser: prove escaping alone holds.
    const withoutCsp = path.join(work, 'hostile-no-csp.html');
    writeFileSync(withoutCsp, report.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, ''));
    expect(readFileSync(withoutCsp, 'utf8')).not.toContain('Content-Security-Policy');
    for (const file of [withCsp, withoutCsp]) {
      const { errors, dialogs, page } = await visit(file);
      expect(errors).toEqual([]);
      expect(dialogs).toEqual([]);
      expect(await pwned(page)).toBeNull();
      expect(await page.locator('script, img, iframe').count()).toBe(0);
      const text = await page.locator('body').textContent();
      for (const h of HOSTILE) expect(text).toContain(h);
      // visible, not only present: the first hostile feature's row is rendered with its name as text
      const row = page.locator('tr', { hasText: HOSTILE[1]! }).first();
      expect(await row.isVisible()).toBe(true);
      if (file === withCsp) {
        await page.screenshot({ path: path.join(ARTIFACTS, 'report-hostile.png') });
        await page.locator('#performance').screenshot({ path: path.join(ARTIFACTS, 'report-hostile-performance.png') });
      }
      await page.close();
    }
  });
});
