/**
 * The column battery gives the same answers serially and over worker_threads, and those answers are SciPy's
 * (checked on the generated n = 200000 vectors). Workers need compiled dist/ (`npm test` builds first); when it is
 * missing (jest run on its own) the test builds it, and under CI=true a missing build is a failure. Never skipped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from '@jest/globals';
import {
  batteryColumn,
  cramerVonMises2samp,
  generateSample,
  ks2samp,
  psi,
  runBattery,
  wassersteinDistance,
  type BatteryColumn,
} from '../../src/stats/index.js';
import { materialise } from './samples.js';
import { cvmLargeExact, loadVectors, Mismatches, TOL_CVM_EXACT, TOL_CVM_LARGE_SCIPY, TOL_P, TOL_STAT } from './vectors.js';

// Generous per-test limit: the n = 200000 vectors under a loaded CI machine (jest's VM context is slow).
const SLOW = 300_000;
const v = loadVectors();
const large = v.two_sample.filter((t: { tags: string[] }) => t.tags.includes('large')).slice(0, 2).map(materialise);
const medium = v.two_sample.filter((t: { tags: string[] }) => t.tags.includes('medium')).map(materialise);
const columns: BatteryColumn[] = [...large, ...medium].map((p) => ({ name: p.id, reference: p.x, current: p.y }));

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const distIndex = path.join(repo, 'dist/stats/index.js');
const haveDist = () => existsSync(distIndex) && existsSync(distIndex.replace('index.js', 'battery-worker.js'));

/** The compiled stats module the workers run from; builds dist/ once when it is missing (not under CI). */
function ensureDist(): void {
  if (haveDist()) return;
  if (process.env.CI === 'true') throw new Error(`${distIndex} is not built: CI must run npm test (which builds first)`);
  console.log(`battery worker test: ${distIndex} not built, running tsc -p tsconfig.build.json first`);
  execFileSync(process.execPath, [path.join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: repo, stdio: 'inherit' });
}

describe('drift battery', () => {
  it('serial battery matches SciPy on the generated n = 200000 pairs', () => {
    const m = new Mismatches();
    for (const p of large) {
      const r = batteryColumn(p.id, p.x, p.y);
      m.check(`${p.id} ks p`, r.ks.pValue, p.results.ks_2samp.asymp.pvalue, TOL_P);
      m.check(`${p.id} wasserstein`, r.wasserstein, p.results.wasserstein_distance.value, TOL_STAT);
      m.check(`${p.id} psi`, r.psi.psi, p.results.psi_ref_deciles.psi, TOL_STAT);
      m.check(`${p.id} cvm`, r.cvm.statistic, p.results.cramervonmises_2samp.asymptotic.statistic, TOL_CVM_LARGE_SCIPY);
      m.check(`${p.id} cvm exact`, r.cvm.statistic, cvmLargeExact.get(p.id)!, TOL_CVM_EXACT);
    }
    expect(m.items).toEqual([]);
    expect(m.checked).toBe(10);
  }, SLOW);

  it('its fused walk gives exactly what the individual functions give, ties included', () => {
    const tiny = v.two_sample.filter((t: { tags: string[]; n_x: number; n_y: number }) => t.tags.includes('tiny') && t.n_x >= 2 && t.n_y >= 2).map(materialise);
    // Generated pairs on top of the vectors: ties within and across samples, runs of equal values, infinities.
    const extra = [
      { id: 'discrete k=5 vs k=7', x: generateSample({ dist: 'discrete', n: 3000, seed: 51, k: 5 }), y: generateSample({ dist: 'discrete', n: 2000, seed: 52, k: 7 }) },
      { id: 'rounded normals', x: generateSample({ dist: 'normal12', n: 5000, seed: 53, mu: 0, sigma: 1 }).map((t) => Math.round(t * 20) / 20), y: generateSample({ dist: 'normal12', n: 4000, seed: 54, mu: 0.1, sigma: 1 }).map((t) => Math.round(t * 50) / 50) },
      { id: 'infinities', x: Float64Array.of(-Infinity, -Infinity, 0, 1, 2, Infinity), y: Float64Array.of(-Infinity, 0.5, 1, 1, Infinity, Infinity) },
      { id: 'x entirely below y', x: Float64Array.of(1, 2, 2, 3), y: Float64Array.of(4, 5, 5) },
    ];
    for (const p of [...tiny, ...medium, ...extra]) {
      const r = batteryColumn(p.id, p.x, p.y);
      expect([p.id, r.ks]).toEqual([p.id, ks2samp(p.x, p.y)]);
      expect([p.id, r.wasserstein]).toEqual([p.id, wassersteinDistance(p.x, p.y)]);
      expect([p.id, r.cvm]).toEqual([p.id, cramerVonMises2samp(p.x, p.y)]);
      expect([p.id, r.psi]).toEqual([p.id, psi(p.x, p.y)]);
    }
  }, SLOW);

  it('runBattery from TypeScript sources falls back to serial and keeps column order', async () => {
    const run = await runBattery(columns.slice(0, 4));
    expect(run.mode).toBe('serial');
    expect(run.results.map((r) => r.name)).toEqual(columns.slice(0, 4).map((c) => c.name));
  }, SLOW);

  it('runBattery over worker_threads (from dist) equals the serial results', async () => {
    ensureDist();
    const dist = (await import(distIndex)) as typeof import('../../src/stats/index.js');
    const run = await dist.runBattery(columns, { workers: 2 });
    expect(run.mode).toBe('workers');
    expect(run.workers).toBe(2);
    const serial = columns.map((c) => batteryColumn(c.name, c.reference, c.current));
    expect(JSON.parse(JSON.stringify(run.results))).toEqual(JSON.parse(JSON.stringify(serial)));
  }, SLOW);
});
