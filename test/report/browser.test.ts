/**
 * The reports in a real browser (Debian's Chromium, driven by playwright-core; no browser download): the demo
 * report and a hostile one load without console errors, no script runs, hostile text is visible as text.
 * Screenshots go to test-artifacts/. Without Chromium: fails under CI=true, skips with a printed reason otherwise.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { renderReport } from '../../src/emit/report.js';
import { runCli } from '../support/cli.js';
import { ARTIFACTS, describeBrowser, launchChromium, visit as open, type Visit } from './chromium.js';
import { HOSTILE, hostileResults } from './fixtures.js';

describeBrowser('test/report/browser.test.ts')('report.html in headless Chromium', () => {
  let browser: Browser;
  let work: string;
  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'moa-report-browser-'));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const visit = (file: string) => open(browser, file);
  const pwned = (page: Visit['page']) => page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned ?? null);

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
