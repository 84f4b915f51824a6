import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveConfig } from '../../src/config/load.js';
import { toParquet } from '../../src/emit/parquet.js';
import { silentLogger } from '../../src/log.js';
import { runAnalysis } from '../../src/run.js';
import { ConfigSchema } from '../../src/schema/config.js';
import type { Manifest } from '../../src/schema/manifest.js';
import type { Action, CheckResult } from '../../src/schema/results.js';
import { mulberry32 } from '../../src/stats/index.js';
import { createStorage } from '../../src/storage/index.js';
import { fitEncoder, parquetColumns, rowsOf, take, type Encoder, type Frame } from '../scenarios/frame.js';
import { columnNumbers, fitModel, manifestRows, readParquet, type Fitted, type TrainRow } from '../scenarios/harness.js';
import { datasetDrift, Ddm } from './detectors.js';
import { FAULT_KINDS, injectFault, windowBounds, type FaultKind, type StreamSpec } from './streams.js';

/** Which labels a policy may train on at the end of window t. */
export type Regime = 'all' | 'p20' | 'late';
export const REGIMES: Regime[] = ['all', 'p20', 'late'];
export const REGIME_LABEL: Record<Regime, string> = { all: 'all labels', p20: '20 % labelled', late: 'one window late' };

export const POLICIES = ['never', 'always', 'sliding', 'periodic', 'drift', 'ddm', 'moa', 'moa_manifest', 'moa_history'] as const;
export type Policy = (typeof POLICIES)[number];
/** k of sliding(k) and periodic(k), in windows. */
export const K = 4;
/** Share of the newest training rows held out as the validation tail of every fitted model. */
const VALIDATION_SHARE = 0.2;

/** Whether this moa has `--history` (issue 16): the config schema then has a `history` key. */
export const historySupported = (): boolean => 'history' in ConfigSchema.shape;

/** One moa run, as the stream harness saw it. */
export interface MoaRun {
  window: number;
  action: Action | 'error';
  error: string | null;
  testsRun: number;
  seconds: number;
  /** The run's input held the rows of the injected fault. */
  sawFault: boolean;
  /** The new class was named by a failing new-class check, or a novelty check failed (no labels to name it). */
  newClass: boolean;
}

export interface PolicyResult {
  /** Accuracy (classification) or RMSE (regression) per operational window, oldest first. */
  scores: number[];
  retrains: number;
  /** Some model this policy served was fitted on rows of the injected fault's window. */
  trainedOnFault: boolean;
  /** moa policies: every run, in order (runs shared with another policy are listed for both). */
  runs: MoaRun[];
}

export interface StreamRun {
  stream: string;
  regime: Regime;
  seed: number;
  metric: 'accuracy' | 'rmse';
  fault: { kind: FaultKind; column: string; window: number };
  newClass: { name: string; window: number } | null;
  /** Index of the first operational window (= history windows). */
  firstWindow: number;
  windows: number;
  policies: Partial<Record<Policy, PolicyResult>>;
}

/** A deployed model: what it was fitted on and its validation tail (rows of the stream frame). */
interface Deployed {
  id: number;
  model: Fitted;
  fitRows: TrainRow[];
  validation: number[];
}

interface State {
  policy: Policy;
  deployed: Deployed;
  retrains: number;
  /** Windows moa called broken (fix_data): never trained on. */
  excluded: Set<number>;
  trainedOnFault: boolean;
  /** The deployed model's id and outputs per served window. */
  served: Map<number, { id: number; labels: string[] | Float64Array; proba: { classes: string[]; values: Float64Array } | null }>;
  ddm: Ddm;
  /** DDM: the median absolute residual on the validation tail (regression errors are residuals above it). */
  residualCut: number;
  runs: MoaRun[];
  scores: number[];
}

function metricOf(f: Frame, predicted: string[] | Float64Array): number {
  const n = rowsOf(f);
  if (f.truth instanceof Float64Array) {
    let s = 0;
    for (let i = 0; i < n; i++) s += (f.truth[i]! - (predicted as Float64Array)[i]!) ** 2;
    return Math.sqrt(s / n);
  }
  let hits = 0;
  for (let i = 0; i < n; i++) if (f.truth[i] === (predicted as string[])[i]) hits++;
  return hits / n;
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

/**
 * One stream under one label regime and seed, test-then-train: each operational window is first served by every
 * policy's deployed model (scored on the full truth), then each policy decides, with the labels it may see, which
 * model serves the next window. moa runs in-process on Parquet files written per window (as the scenario
 * benchmark does), with its default configuration.
 */
export async function runStream(spec: StreamSpec, o: { regime: Regime; seed: number; seedIndex: number; dataDir: string; quick: boolean; workDir: string; log?: (line: string) => void }): Promise<StreamRun> {
  const data = spec.build(o.seed, { dataDir: o.dataDir, quick: o.quick });
  const bounds = windowBounds(data);
  const H = data.history;
  const W = data.windows;
  const windowOf = (row: number) => {
    let w = 0;
    while (bounds[w + 1]! <= row) w++;
    return w;
  };
  const faultKind = FAULT_KINDS[o.seedIndex % FAULT_KINDS.length]!;
  const injected = injectFault(data.frame, faultKind, bounds[data.faultWindow]!, bounds[data.faultWindow + 1]!, bounds[H]!, o.seed);
  const frame: Frame = { ...injected.frame, labelled: new Uint8Array(rowsOf(data.frame)).fill(1) };
  const task = spec.task;
  const encoder: Encoder = fitEncoder(take(frame, range(0, bounds[H]!)));
  const dir = path.join(o.workDir, spec.name, o.regime, `seed-${o.seed}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });

  // Label regimes: which rows ever get a label (20 %: a seeded draw; the history is fully labelled), and the last
  // window whose labels are known at the end of window t.
  const rng = mulberry32(o.seed + 6006);
  const everLabelled = Uint8Array.from({ length: rowsOf(frame) }, (_, i) => (o.regime !== 'p20' || i < bounds[H]! || rng.nextDouble53() < 0.2 ? 1 : 0));
  const labelledThrough = (t: number) => (o.regime === 'late' ? t - 1 : t);
  const visibleRows = (t: number, excluded: Set<number>): number[] => range(0, bounds[labelledThrough(t) + 1]!).filter((r) => everLabelled[r] && !excluded.has(windowOf(r)));

  let nextId = 0;
  const windowFrames = range(0, W).map((w) => take(frame, range(bounds[w]!, bounds[w + 1]!)));
  const faultRows = (rows: TrainRow[]) => rows.some((r) => windowOf(r.row) === data.faultWindow);

  /** Fit on rows (stream rows, with weights), holding out `validation` or else the newest 20 % of the rows. */
  const deploy = (rows: TrainRow[], validation?: number[]): Deployed => {
    let held = validation;
    // A given validation set that would leave nothing to fit on (a selection made only of its validation rows)
    // gives way to the usual newest-20 % tail.
    if (held && rows.every((r) => held!.includes(r.row))) held = undefined;
    if (!held || held.length === 0) {
      const distinct = [...new Set(rows.map((r) => r.row))].sort((a, b) => a - b);
      held = distinct.slice(Math.floor(distinct.length * (1 - VALIDATION_SHARE)));
    }
    const heldSet = new Set(held);
    const fitRows = rows.filter((r) => !heldSet.has(r.row));
    return { id: nextId++, model: fitModel(task, encoder, fitRows, o.seed), fitRows, validation: held };
  };
  const rowsOfStream = (rows: number[], extraWeight?: (label: string) => number): TrainRow[] =>
    rows.map((row) => ({ frame, row, weight: extraWeight && task === 'classification' ? extraWeight((frame.truth as string[])[row]!) : 1 }));

  const production = deploy(rowsOfStream(range(0, bounds[H]!)));
  const enabled = POLICIES.filter((p) => p !== 'moa_history' || historySupported());
  const states: State[] = enabled.map((policy) => ({ policy, deployed: production, retrains: 0, excluded: new Set(), trainedOnFault: false, served: new Map(), ddm: new Ddm(), residualCut: NaN, runs: [], scores: [] }));
  const residualCut = (d: Deployed) => {
    if (task !== 'regression') return NaN;
    const v = take(frame, d.validation);
    const p = d.model.predict(v).labels as Float64Array;
    const r = Array.from(p, (x, i) => Math.abs(x - (v.truth as Float64Array)[i]!)).sort((a, b) => a - b);
    return r[Math.floor(r.length / 2)] ?? 0;
  };
  for (const s of states) s.residualCut = residualCut(production);

  // moa runs are shared between policies whose inputs are identical (same deployed model and served windows).
  const runCache = new Map<string, Promise<{ run: MoaRun; manifest: Manifest | null; refRows: number[]; opRows: number[]; opVisible: Set<number> }>>();
  const referenceFiles = new Map<number, Promise<string>>();
  const write = async (file: string, f: Frame, out: { labels: string[] | Float64Array; proba: { classes: string[]; values: Float64Array } | null }) => {
    await writeFile(file, toParquet(parquetColumns(f, out.labels, out.proba)));
    return file;
  };
  /** The reference (the model's fitting rows) and validation tail with the model's outputs, written once per model. */
  const modelFiles = (d: Deployed) => {
    let p = referenceFiles.get(d.id);
    if (!p) {
      p = (async () => {
        const modelDir = path.join(dir, `model-${d.id}`);
        await mkdir(modelDir, { recursive: true });
        const ref = take(frame, d.fitRows.map((r) => r.row));
        const val = take(frame, d.validation);
        await write(path.join(modelDir, 'reference.parquet'), ref, d.model.predict(ref));
        await write(path.join(modelDir, 'validation.parquet'), val, d.model.predict(val));
        return modelDir;
      })();
      referenceFiles.set(d.id, p);
    }
    return p;
  };

  const moaRun = (s: State, t: number) => {
    // The windows analysed: the newest one, and with late labels the one before it too (its labels have arrived).
    const opWindows = o.regime === 'late' && t > H ? [t - 1, t] : [t];
    const key = `${s.deployed.id}|${opWindows.map((w) => `${w}:${s.served.get(w)!.id}`).join(',')}` + (s.policy === 'moa_history' ? '|history' : '');
    let cached = runCache.get(key);
    if (cached) return cached;
    cached = (async () => {
      const modelDir = await modelFiles(s.deployed);
      // moa --history reads back only its own earlier runs: they live under a prefix of their own.
      const historyDir = path.join(dir, 'moa-history');
      const runDir = path.join(s.policy === 'moa_history' ? historyDir : dir, `run-w${t}-${runCache.size}`);
      await mkdir(runDir, { recursive: true });
      const opRows = opWindows.flatMap((w) => range(bounds[w]!, bounds[w + 1]!));
      const known = new Set(opRows.filter((r) => everLabelled[r] && windowOf(r) <= labelledThrough(t)));
      const inline = o.regime !== 'late';
      const op = { ...take(frame, opRows), labelled: Uint8Array.from(opRows, (r) => (inline && known.has(r) ? 1 : 0)) };
      const served = opWindows.map((w) => s.served.get(w)!);
      const labels = task === 'regression' ? Float64Array.from(served.flatMap((x) => Array.from(x.labels as Float64Array))) : served.flatMap((x) => x.labels as string[]);
      const proba = served[0]!.proba ? mergeProba(served.map((x) => x.proba!)) : null;
      await write(path.join(runDir, 'operational.parquet'), op, { labels, proba });
      // A pipeline passes the label feed once it has rows (at the first window, none have arrived yet).
      let feed: string | undefined;
      const ids = inline ? [] : opRows.filter((r) => known.has(r));
      if (ids.length > 0) {
        feed = path.join(runDir, 'labels.parquet');
        const labelTime = frame.ts[bounds[t + 1]! - 1]!;
        const truth = frame.truth;
        await writeFile(
          feed,
          toParquet({
            id: { type: 'string', values: ids.map((r) => frame.id[r]!) },
            label: truth instanceof Float64Array ? { type: 'float64', values: ids.map((r) => truth[r]!) } : { type: 'string', values: ids.map((r) => truth[r]!) },
            label_ts: { type: 'timestamp', values: ids.map(() => labelTime) },
          }),
        );
      }
      const input: Record<string, unknown> = {
        reference: path.join(modelDir, 'reference.parquet'),
        validation: path.join(modelDir, 'validation.parquet'),
        operational: path.join(runDir, 'operational.parquet'),
        out: path.join(runDir, 'out'),
        task,
        seed: o.seed,
        columns: { label: 'label', prediction: 'predicted', timestamp: 'ts', id: 'id', ...(task === 'classification' ? { proba: 'proba_' } : {}) },
        ...(feed ? { labels: { uri: feed } } : {}),
        ...(s.policy === 'moa_history' ? { history: historyDir + path.sep } : {}),
      };
      const started = process.hrtime.bigint();
      let run: MoaRun;
      let manifest: Manifest | null = null;
      const sawFault = opWindows.includes(data.faultWindow);
      try {
        const config = await resolveConfig(createStorage(), undefined, input as Parameters<typeof resolveConfig>[2]);
        const out = await runAnalysis(config, { storage: createStorage(), log: silentLogger, runId: `stream-${spec.name}-${t}`, now: () => new Date(frame.ts[bounds[t + 1]! - 1]! + 1) });
        manifest = out.manifest;
        const checks = out.results.checks as CheckResult[];
        const newClass =
          data.newClass !== null &&
          checks.some(
            (c) =>
              (c.kind === 'new_classes' && c.status === 'fail' && ((c.details?.reported as string[] | undefined) ?? []).includes(data.newClass!.name)) ||
              (c.kind === 'novelty' && c.status === 'fail'),
          );
        run = { window: t, action: out.results.decision.action, error: null, testsRun: out.results.plan.testsRun, seconds: 0, sawFault, newClass };
      } catch (e) {
        run = { window: t, action: 'error', error: e instanceof Error ? e.message.slice(0, 200) : String(e), testsRun: 0, seconds: 0, sawFault, newClass: false };
      }
      run.seconds = Number(process.hrtime.bigint() - started) / 1e9;
      o.log?.(`    ${s.policy} w${t}: ${run.action}${run.error ? ` (${run.error})` : ''} ${run.seconds.toFixed(1)} s, ${run.testsRun} tests`);
      return { run, manifest, refRows: s.deployed.fitRows.map((r) => r.row), opRows, opVisible: known };
    })();
    runCache.set(key, cached);
    return cached;
  };

  const retrainAll = (s: State, t: number, extraWeight?: (label: string) => number) => {
    const rows = rowsOfStream(visibleRows(t, s.excluded), extraWeight);
    s.deployed = deploy(rows);
    s.retrains++;
    if (faultRows(s.deployed.fitRows) || s.deployed.validation.some((r) => windowOf(r) === data.faultWindow)) s.trainedOnFault = true;
  };

  const decide = async (s: State, t: number): Promise<void> => {
    switch (s.policy) {
      case 'never':
        return;
      case 'always':
        return retrainAll(s, t);
      case 'periodic':
        if ((t - H + 1) % K === 0) retrainAll(s, t);
        return;
      case 'sliding': {
        const rows = visibleRows(t, new Set()).filter((r) => windowOf(r) > labelledThrough(t) - K);
        s.deployed = deploy(rowsOfStream(rows));
        s.retrains++;
        if (faultRows(s.deployed.fitRows)) s.trainedOnFault = true;
        return;
      }
      case 'drift': {
        const ref = s.deployed.fitRows.map((r) => r.row);
        if (datasetDrift(frame, ref, frame, range(bounds[t]!, bounds[t + 1]!)).drifted) retrainAll(s, t);
        return;
      }
      case 'ddm': {
        // The rows whose labels arrived at the end of window t, served by the deployed model, in time order.
        const w = labelledThrough(t);
        if (w < H) return;
        const served = s.served.get(w)!;
        if (served.id !== s.deployed.id) return;
        for (let r = bounds[w]!; r < bounds[w + 1]!; r++) {
          if (!everLabelled[r]) continue;
          const k = r - bounds[w]!;
          const err = task === 'regression' ? Math.abs((served.labels as Float64Array)[k]! - (frame.truth as Float64Array)[r]!) > s.residualCut : (served.labels as string[])[k] !== (frame.truth as string[])[r];
          s.ddm.add(err ? 1 : 0);
        }
        if (s.ddm.drift) {
          retrainAll(s, t);
          s.ddm = new Ddm();
          s.residualCut = residualCut(s.deployed);
        }
        return;
      }
      case 'moa':
      case 'moa_history':
      case 'moa_manifest': {
        const { run, manifest, refRows, opRows, opVisible } = await moaRun(s, t);
        s.runs.push(run);
        if (run.action === 'fix_data') {
          for (const r of opRows) s.excluded.add(windowOf(r));
          return;
        }
        if (run.action !== 'retrain' && run.action !== 'reweight') return;
        if (s.policy !== 'moa_manifest' || !manifest) return retrainAll(s, t);
        // Exactly what the manifest selects: the weights file's rows and weights (operational rows only where a
        // label is known), its validation rows held out; without a weights file, all data with its class weights.
        const ref = take(frame, refRows);
        const op = { ...take(frame, opRows), labelled: Uint8Array.from(opRows, (r) => (opVisible.has(r) ? 1 : 0)) };
        const chosen = await manifestRows(manifest, { reference: ref, operational: op });
        const classWeights = manifest.training.classWeights;
        if (!chosen || chosen.length === 0) return retrainAll(s, t, classWeights ? (c) => classWeights[c] ?? 1 : undefined);
        const toStream = (r: TrainRow): TrainRow => ({ frame, row: r.frame === ref ? refRows[r.row]! : opRows[r.row]!, weight: r.weight });
        const rows = chosen.map(toStream);
        let validation: number[] | undefined;
        if (manifest.data.validation?.uri) validation = Array.from(columnNumbers((await readParquet(manifest.data.validation.uri))('row')), (k) => opRows[k]!);
        s.deployed = deploy(rows, validation);
        s.retrains++;
        if (faultRows(rows)) s.trainedOnFault = true;
        return;
      }
    }
  };

  for (let t = H; t < W; t++) {
    for (const s of states) {
      const out = s.deployed.model.predict(windowFrames[t]!);
      s.served.set(t, { id: s.deployed.id, ...out });
      s.scores.push(metricOf(windowFrames[t]!, out.labels));
    }
    if (t === W - 1) break;
    for (const s of states) await decide(s, t);
    o.log?.(`  w${t}: ${states.map((s) => `${s.policy} ${s.scores.at(-1)!.toFixed(3)}`).join(', ')}`);
  }
  return {
    stream: spec.name,
    regime: o.regime,
    seed: o.seed,
    metric: task === 'classification' ? 'accuracy' : 'rmse',
    fault: { kind: faultKind, column: injected.column, window: data.faultWindow },
    newClass: data.newClass,
    firstWindow: H,
    windows: W,
    policies: Object.fromEntries(states.map((s) => [s.policy, { scores: s.scores, retrains: s.retrains, trainedOnFault: s.trainedOnFault, runs: s.runs }])),
  };
}

/** Probabilities of two windows served by models that may know different classes: columns by class name. */
function mergeProba(parts: { classes: string[]; values: Float64Array }[]): { classes: string[]; values: Float64Array } {
  const classes = [...new Set(parts.flatMap((p) => p.classes))].sort();
  const k = classes.length;
  const n = parts.reduce((a, p) => a + p.values.length / p.classes.length, 0);
  const values = new Float64Array(n * k);
  let row = 0;
  for (const p of parts) {
    const pk = p.classes.length;
    const at = p.classes.map((c) => classes.indexOf(c));
    for (let i = 0; i < p.values.length / pk; i++, row++) for (let j = 0; j < pk; j++) values[row * k + at[j]!] = p.values[i * pk + j]!;
  }
  return { classes, values };
}
