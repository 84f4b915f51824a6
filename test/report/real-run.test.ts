/**
 * The report of a real run: Bike Sharing hours (test/data), 2011 as the reference and 2012 as the operational data,
 * with the predictions of a real if simple model (the 2011 mean count per hour of day and working day). Usage grew
 * in 2012, so the model under-predicts: every stage has something to show. The renderer reads the results.json
 * the run wrote, so the report is checked against what moa really emits, not against hand-built shapes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseHTML } from 'linkedom';
import { renderReport } from '../../src/emit/report.js';
import { ResultsSchema, type Results } from '../../src/schema/results.js';
import { runCli } from '../support/cli.js';
import { testDataText } from '../support/data.js';

const FEATURES = ['season', 'hr', 'holiday', 'weekday', 'workingday', 'weathersit', 'temp', 'atemp', 'hum', 'windspeed'];

function writeBikeYears(dir: string): void {
  const [header, ...lines] = testDataText('bike-sharing/hour.csv.gz').trimEnd().split(/\r?\n/);
  const names = header!.split(',');
  const at = (name: string) => names.indexOf(name);
  const rows = lines.map((l) => l.split(','));
  const key = (r: string[]) => `${r[at('hr')]}|${r[at('workingday')]}`;
  const sums = new Map<string, { total: number; n: number }>();
  for (const r of rows.filter((r) => r[at('yr')] === '0')) {
    const s = sums.get(key(r)) ?? { total: 0, n: 0 };
    s.total += Number(r[at('cnt')]);
    s.n++;
    sums.set(key(r), s);
  }
  const predict = (r: string[]) => {
    const s = sums.get(key(r))!;
    return (s.total / s.n).toFixed(2);
  };
  const csv = (year: string) =>
    [
      ['dteday', ...FEATURES, 'cnt', 'predicted'].join(','),
      ...rows.filter((r) => r[at('yr')] === year).map((r) => [r[at('dteday')], ...FEATURES.map((f) => r[at(f)]), r[at('cnt')], predict(r)].join(',')),
    ].join('\n') + '\n';
  writeFileSync(path.join(dir, 'reference.csv'), csv('0'));
  writeFileSync(path.join(dir, 'operational.csv'), csv('1'));
}

describe('the report of a real run (Bike Sharing 2011 → 2012, --full)', () => {
  let dir: string;
  let results: Results;
  let doc: ReturnType<typeof parseHTML>['document'];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'moa-real-report-'));
    writeBikeYears(dir);
    const out = path.join(dir, 'out');
    const run = await runCli(['run', '--reference', path.join(dir, 'reference.csv'), '--operational', path.join(dir, 'operational.csv'), '--out', out, '--label', 'cnt', '--prediction', 'predicted', '--timestamp', 'dteday', '--full']);
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code).toBe(0);
    results = ResultsSchema.parse(JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')));
    const written = readFileSync(path.join(out, 'report.html'), 'utf8');
    doc = parseHTML(written).document;
    // The report is a function of the results: rendering them again shows what the run wrote. (Text, not bytes:
    // Observable Plot shifts its lines by half a pixel when a test runner's global `it` exists.)
    const again = parseHTML(renderReport(results)).document;
    expect(again.body.textContent).toBe(doc.body.textContent);
  }, 180_000);

  afterAll(() => (process.env.MOA_KEEP_TMP ? console.log(dir) : rmSync(dir, { recursive: true, force: true })));

  it('decides, on measured harm: the model under-predicts the grown 2012 demand', () => {
    expect(results.decision.action).toBe('retrain');
    expect(results.checks.some((c) => c.kind === 'performance' && c.status === 'fail')).toBe(true);
  });

  it('shows the decision first, with links to the checks it rests on', () => {
    const decision = doc.querySelector('section#decision');
    expect(decision?.textContent).toContain('retrain');
    const links = [...doc.querySelectorAll('#decision > ul a')].map((a) => a.getAttribute('href')!.slice(1));
    const cited = results.decision.reasons.flatMap((r) => r.checks);
    expect(links.length).toBeGreaterThan(0);
    for (const id of links) expect(cited).toContain(id);
    // the warnings box below the reasons links every check that warned or could not run, and nothing else
    const warned = new Set(results.checks.filter((c) => c.status === 'warn' || c.status === 'error').map((c) => c.id));
    const warningLinks = [...doc.querySelectorAll('#decision .warnings a')].map((a) => a.getAttribute('href')!.slice(1));
    for (const id of warningLinks) expect(warned.has(id)).toBe(true);
    for (const c of results.checks.filter((c) => (c.status === 'warn' || c.status === 'error') && c.kind !== 'feature_drift')) expect(warningLinks).toContain(c.id);
  });

  it('has one row per check the run wrote, each with its status and summary', () => {
    const rows = new Map([...doc.querySelectorAll('tr[id]')].map((tr) => [tr.getAttribute('id')!, tr.textContent ?? '']));
    expect(new Set(rows.keys())).toEqual(new Set(results.checks.map((c) => c.id)));
    for (const check of results.checks) {
      const text = rows.get(check.id)!;
      expect(text).toContain(check.status);
    }
    const body = doc.body?.textContent ?? '';
    for (const check of results.checks.filter((c) => c.status === 'fail')) expect(body).toContain(check.summary.slice(0, 40));
  });

  it('lists every plan step with the tests it ran or why it was skipped', () => {
    const plan = doc.querySelector('section#plan')?.textContent ?? '';
    for (const step of results.plan.steps) {
      expect(plan).toContain(step.title);
      if (step.reason) expect(plan).toContain(step.reason.slice(0, 30));
    }
  });
});
