/**
 * Reruns into one local --out through runAnalysis (what `moa demo` and library callers use): the withdrawal is
 * part of the analysis, so a second run replaces the first instead of meeting its manifest (create-only write).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from '@jest/globals';
import { validateConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/log.js';
import { runAnalysis } from '../../src/run.js';
import { createStorage } from '../../src/storage/index.js';
import { OPERATIONAL, REFERENCE } from '../corpus/bad-inputs.js';

it('runAnalysis twice into one directory: the second run replaces the first, error.json and stray files of earlier runs go', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'moa-outputs-'));
  await writeFile(path.join(dir, 'ref.csv'), REFERENCE);
  await writeFile(path.join(dir, 'op.csv'), OPERATIONAL);
  const out = path.join(dir, 'out');
  const config = validateConfig({ reference: path.join(dir, 'ref.csv'), operational: path.join(dir, 'op.csv'), out, columns: { label: 'label', prediction: 'predicted' } }, 'test');
  const first = await runAnalysis(config, { storage: createStorage(), log: silentLogger });
  await writeFile(path.join(out, 'error.json'), '{"from": "a failed run in between"}');
  const second = await runAnalysis(config, { storage: createStorage(), log: silentLogger });
  expect(second.results.runId).not.toBe(first.results.runId);
  const manifest = JSON.parse(readFileSync(path.join(out, 'retrain-config.json'), 'utf8'));
  expect(manifest.metadata.runId).toBe(second.results.runId);
  expect(await readdir(out)).not.toContain('error.json');
  expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toContain(second.results.runId);
});
