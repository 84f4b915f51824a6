/**
 * Debian's Chromium driven by playwright-core (no browser download), for the report tests. Without Chromium the
 * browser tests fail under CI=true and skip with a printed reason otherwise.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from '../support/cli.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots and rendered reports land here (CI keeps the folder as the test output). */
export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');

/** `describe` when Chromium is installed; otherwise a skip with the reason printed (a failure under CI). */
export function describeBrowser(file: string): typeof describe | typeof describe.skip {
  if (existsSync(CHROMIUM)) return describe;
  if (process.env.CI === 'true') throw new Error(`Chromium is missing at ${CHROMIUM}: CI must install Debian's chromium package.`);
  console.log(`SKIP ${file}: no Chromium at ${CHROMIUM} (install Debian's chromium, or set CHROMIUM_PATH).`);
  return describe.skip;
}

export function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    // Flags from the machine notes: no sandbox as root, and no background networking on a closed network.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface Visit {
  /** Console errors and warnings (a CSP violation is one), and uncaught page errors. */
  errors: string[];
  dialogs: string[];
  page: Page;
}

export async function visit(browser: Browser, file: string, width = 1200): Promise<Visit> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
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
