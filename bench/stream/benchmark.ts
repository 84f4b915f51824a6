import { REGIMES, runStream, type Regime, type StreamRun } from './prequential.js';
import { formatTargets, summarize, type Summary } from './report.js';
import { STREAMS } from './streams.js';

export interface BenchmarkOptions {
  /** Stream names; default: every stream, or the quick ones when `quick`. */
  streams?: string[];
  regimes?: Regime[];
  seeds: number[];
  quick: boolean;
  dataDir: string;
  workDir: string;
  /** Progress lines (stderr in the CLI). */
  log: (line: string) => void;
  verbose?: boolean;
}

/**
 * Every chosen stream × label regime × seed, summarised per stream and regime. A stream whose data is missing is
 * skipped with its reason — except under CI=true, where a missing data set is a broken setup.
 */
export async function runBenchmark(o: BenchmarkOptions): Promise<{ summaries: Summary[]; runs: StreamRun[]; skipped: { name: string; reason: string }[] }> {
  const summaries: Summary[] = [];
  const skipped: { name: string; reason: string }[] = [];
  const raw: StreamRun[] = [];
  const streams = STREAMS.filter((s) => (o.streams ? o.streams.includes(s.name) : !o.quick || s.quick));
  for (const spec of streams) {
    const index = STREAMS.indexOf(spec);
    const reason = spec.unavailable(o.dataDir);
    if (reason) {
      if (process.env.CI === 'true') throw new Error(`${spec.name}: ${reason}`);
      o.log(`skip ${spec.name}: ${reason}`);
      skipped.push({ name: spec.name, reason });
      continue;
    }
    for (const regime of o.regimes ?? (o.quick ? (spec.quickRegimes ?? REGIMES) : REGIMES)) {
      const runs: StreamRun[] = [];
      for (const [k, seed] of o.seeds.entries()) {
        const t0 = Date.now();
        // The fault kind rotates with the seed and the stream, so a one-seed run still meets every kind.
        const run = await runStream(spec, { regime, seed, seedIndex: k + index, dataDir: o.dataDir, quick: o.quick, workDir: o.workDir, log: o.verbose ? o.log : undefined });
        o.log(`${spec.name} / ${regime} / seed ${seed}: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
        runs.push(run);
      }
      raw.push(...runs);
      const summary = summarize(runs);
      summaries.push(summary);
      o.log(formatTargets([summary]));
    }
  }
  return { summaries, runs: raw, skipped };
}
