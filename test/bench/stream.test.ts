import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runBenchmark } from '../../bench/stream/benchmark.js';
import { K, type StreamRun } from '../../bench/stream/prequential.js';
import { formatTables, type Summary } from '../../bench/stream/report.js';
import { datasetsDir, STREAMS } from '../../bench/stream/streams.js';

// The CI subset of `npm run bench:stream` (BENCH_QUICK=1), end to end in-process, one seed: SEA under every label
// regime, the rotating hyperplane with 20 % of labels, sklearn digits with labels one window late — each regime
// and each fault kind (unit ×100, 70 % nulls, stuck) at least once. The figures are printed, not asserted
// (docs/benchmarks.md keeps the full table); what is asserted is that the protocol held and moa did its part
// where the answer is not in doubt: a unit change ×100 filling moa's input window is fix_data on it.
const quick = STREAMS.filter((s) => s.quick);

describe('stream benchmark, quick subset', () => {
  let workDir: string;
  let result: { summaries: Summary[]; runs: StreamRun[]; skipped: { name: string; reason: string }[] };
  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'moa-stream-'));
    result = await runBenchmark({ seeds: [1], quick: true, dataDir: datasetsDir([]), workDir, log: (l) => process.stderr.write(l + '\n') });
    process.stderr.write(formatTables(result.summaries, { historyNote: null }) + '\n');
    for (const s of result.skipped) process.stderr.write(`stream benchmark: ${s.name} not run — ${s.reason}\n`);
  }, 1_200_000); // a guard against a hang, not a speed bound: about 1.5 min alone on 2 cores, far more on a loaded machine
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('runs every quick stream under its label regimes (a missing data set is printed above)', () => {
    const planned = quick.filter((s) => !result.skipped.some((k) => k.name === s.name)).flatMap((s) => s.quickRegimes!.map((r) => `${s.name}/${r}`));
    expect(result.summaries.map((s) => `${s.stream}/${s.regime}`)).toEqual(planned);
    expect(new Set(result.summaries.map((s) => s.regime))).toEqual(new Set(['all', 'p20', 'late']));
    expect(result.summaries.length).toBeGreaterThanOrEqual(4);
  });

  it('test-then-train: every policy served and scored every operational window, with the retrains its rule allows', () => {
    for (const r of result.runs) {
      const decisions = r.windows - r.firstWindow - 1;
      for (const [name, p] of Object.entries(r.policies)) {
        expect(p.scores).toHaveLength(r.windows - r.firstWindow);
        for (const v of p.scores) expect(Number.isFinite(v)).toBe(true);
        expect(p.retrains).toBeLessThanOrEqual(decisions);
        if (name === 'never') expect(p.retrains).toBe(0);
        if (name === 'always' || name === 'sliding') expect(p.retrains).toBe(decisions);
        if (name === 'periodic') expect(p.retrains).toBe(Math.floor(decisions / K));
      }
      // Until a policy changes the model, all policies serve the production model: the first window scores alike.
      const firsts = Object.values(r.policies).map((p) => p.scores[0]);
      expect(new Set(firsts).size).toBe(1);
      // moa ran once per decision for each moa policy, and each run ended in a decision.
      for (const p of [r.policies.moa!, r.policies.moa_manifest!]) {
        expect(p.runs.map((m) => m.window)).toEqual(Array.from({ length: decisions }, (_, i) => r.firstWindow + i));
        for (const m of p.runs) expect(m.error).toBeNull();
      }
    }
  });

  it('a unit change ×100 in one window is fix_data on that window, and the moa trigger never trains on it', () => {
    // With late labels moa's input is two windows, so the fault fills half of it and is missed today (a finding in
    // docs/benchmarks.md, not a harness property); where the window is the whole input, the answer is not in doubt.
    const unit = result.runs.filter((r) => r.fault.kind === 'unit_x100' && r.regime !== 'late');
    expect(unit.length).toBeGreaterThan(0);
    for (const r of unit) {
      const onFault = r.policies.moa!.runs.find((m) => m.window === r.fault.window)!;
      expect(onFault.action).toBe('fix_data');
      expect(r.policies.moa!.trainedOnFault).toBe(false);
    }
  });
});
