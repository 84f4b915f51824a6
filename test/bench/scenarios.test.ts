import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SCENARIOS } from '../../bench/scenarios/definitions.js';
import { runScenario } from '../../bench/scenarios/harness.js';

// The CI subset of `npm run bench:scenarios`: the cheap scenarios (quick: true), end to end in-process —
// a new class, a pipeline bug and a no-change control must each get the action a careful engineer would take.
const quick = SCENARIOS.filter((s) => s.quick);

describe('scenario benchmark, quick subset', () => {
  let workDir: string;
  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'moa-scenarios-'));
  });
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('covers a new class, a pipeline bug and a no-change control', () => {
    expect(quick.map((s) => s.expected).sort()).toEqual(['fix_data', 'none', 'retrain']);
  });

  for (const s of quick) {
    it(`${s.name}: ${s.expected}`, async () => {
      const r = await runScenario(s, { workDir, seed: 42 });
      expect(r.action).toBe(s.expected);
      // One decision, however many tests ran: --full reaches the action the early-exit plan took.
      expect(r.fullAction).toBe(r.action);
      expect(r.testsRun).toBeGreaterThan(0);
      expect(r.testsRun).toBeLessThanOrEqual(r.testsFull);
      if (s.expected === 'retrain') {
        // The change hurts the deployed model, and what the manifest recommends does at least as well as a blind refit.
        expect(r.c).toBeLessThan(r.a);
        expect(r.b).toBeGreaterThanOrEqual(r.a);
      } else {
        // Nothing to retrain: the manifest keeps the deployed model.
        expect(r.b).toBe(r.c);
      }
    }, 600_000); // a guard against a hang, not a speed bound: color_new_class takes 50–60 s on the loaded shared machine
  }
});
