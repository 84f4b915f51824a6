import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveConfig } from '../../src/config/load.js';
import { toParquet } from '../../src/emit/parquet.js';
import { loadTable } from '../../src/ingest/load.js';
import type { Column } from '../../src/ingest/table.js';
import { silentLogger } from '../../src/log.js';
import { fitRidge, predictRidge } from '../../src/models/ridge.js';
import { fitSoftmax, predictProba } from '../../src/models/softmax.js';
import { runAnalysis } from '../../src/run.js';
import { mulberry32 } from '../../src/stats/index.js';
import type { Manifest } from '../../src/schema/manifest.js';
import type { Action } from '../../src/schema/results.js';
import { createStorage } from '../../src/storage/index.js';
import type { Scenario } from './definitions.js';
import { encode, fitEncoder, parquetColumns, rowsOf, type Encoder, type Frame } from './frame.js';

/** The production model and both retrainings use these settings (the same for a, b and c). */
export const SOFTMAX = { epochs: 30, batchSize: 256, learningRate: 0.05, l2: 1e-4 };
const RIDGE_LAMBDA = 1;

export interface ScenarioResult {
  name: string;
  description: string;
  task: 'classification' | 'regression';
  expected: Action;
  action: Action;
  shiftType: string;
  confidence: number;
  reasons: string[];
  testsRun: number;
  testsFull: number;
  stoppedAt: string | null;
  /** The action of the same run with `--full` (every test run): the plan's early exits must not change the decision. */
  fullAction: Action;
  /** How many checks of each kind ran (shows which parts of the plan were wired in and reached). */
  kinds: Record<string, number>;
  /** Wall-clock seconds of `runAnalysis` (ingest to manifest). */
  runtimeSeconds: number;
  /** The candidate whose rows and weights the manifest recommends, when it gives any. */
  candidate: string | null;
  newClasses: string[];
  classWeights: Record<string, number> | null;
  metric: 'accuracy' | 'mae';
  /** On the future set: a naive refit, b as the manifest says, c no retraining. */
  a: number;
  b: number;
  c: number;
  /** What (b) trained on. */
  bTrainedOn: string;
  /**
   * collect_labels, once the label queue is labelled: a refit on reference + labelled + the queue's rows, against
   * the same number of unlabelled rows picked at random (null when there is no queue).
   */
  labelQueue: { rows: number; queue: number; random: number } | null;
  /** Range (max − min) of (a) over training seeds seed…seed+4: differences smaller than this are training noise. */
  aSeedSpread: number;
  /** (b) fitted without the manifest's validation rows: the acceptance fit (null when b did not retrain with a weights file). */
  bHeldOut: number | null;
  rows: { reference: number; operational: number; labelled: number; future: number };
}

/** A fitted model of either task, predicting class names or numbers for a frame. */
export interface Fitted {
  predict(f: Frame): { labels: string[] | Float64Array; proba: { classes: string[]; values: Float64Array } | null };
}

export interface TrainRow {
  frame: Frame;
  row: number;
  weight: number;
}

export function fitModel(task: Scenario['task'], encoder: Encoder, rows: TrainRow[], seed: number, extraWeight?: (label: string) => number): Fitted {
  // Rows are grouped by frame so each frame is encoded in one pass.
  const frames = [...new Set(rows.map((r) => r.frame))];
  const parts = frames.map((f) => {
    const mine = rows.filter((r) => r.frame === f);
    return { mine, x: encode(encoder, f, mine.map((r) => r.row)) };
  });
  const x = new Float64Array(rows.length * encoder.width);
  const ordered: TrainRow[] = [];
  for (const p of parts) {
    x.set(p.x, ordered.length * encoder.width);
    ordered.push(...p.mine);
  }
  if (task === 'regression') {
    const y = Float64Array.from(ordered, (r) => (r.frame.truth as Float64Array)[r.row]!);
    const model = fitRidge(x, y, { lambda: RIDGE_LAMBDA, sampleWeight: Float64Array.from(ordered, (r) => r.weight) });
    return { predict: (f) => ({ labels: predictRidge(model, encode(encoder, f)), proba: null }) };
  }
  const names = ordered.map((r) => (r.frame.truth as string[])[r.row]!);
  const classes = [...new Set(names)].sort();
  const index = new Map(classes.map((c, k) => [c, k]));
  const y = Int32Array.from(names, (c) => index.get(c)!);
  const sampleWeight = Float64Array.from(ordered, (r, i) => r.weight * (extraWeight ? extraWeight(names[i]!) : 1));
  const model = fitSoftmax(x, y, classes.length, { ...SOFTMAX, seed, sampleWeight });
  return {
    predict: (f) => {
      const values = predictProba(model, encode(encoder, f));
      const k = classes.length;
      const labels = Array.from({ length: rowsOf(f) }, (_, i) => {
        let best = 0;
        for (let c = 1; c < k; c++) if (values[i * k + c]! > values[i * k + best]!) best = c;
        return classes[best]!;
      });
      return { labels, proba: { classes, values } };
    },
  };
}

function score(f: Frame, predicted: string[] | Float64Array): number {
  const n = rowsOf(f);
  let s = 0;
  if (f.truth instanceof Float64Array) {
    for (let i = 0; i < n; i++) s += Math.abs(f.truth[i]! - (predicted as Float64Array)[i]!);
  } else {
    for (let i = 0; i < n; i++) s += f.truth[i] === (predicted as string[])[i] ? 1 : 0;
  }
  return s / n;
}

const spread = (v: number[]) => Math.max(...v) - Math.min(...v);
export const allRows = (frame: Frame, weight = 1): TrainRow[] => Array.from({ length: rowsOf(frame) }, (_, row) => ({ frame, row, weight }));
const labelledRows = (frame: Frame): TrainRow[] => allRows(frame).filter((r) => frame.labelled[r.row] === 1);

function columnStrings(c: Column | undefined): string[] {
  if (!c || c.type !== 'categorical') throw new Error(`weights file: expected a string column, got ${c?.type}`);
  return Array.from(c.codes, (k) => c.categories[k]!);
}
export function columnNumbers(c: Column | undefined): Float64Array {
  if (!c || c.type !== 'numeric') throw new Error(`weights file: expected a numeric column, got ${c?.type}`);
  return c.values;
}

export async function readParquet(uri: string): Promise<(name: string) => Column | undefined> {
  const { table } = await loadTable(createStorage(), uri, { role: 'selection', format: 'parquet', types: {}, log: silentLogger });
  return (name) => table.columns.find((c) => c.name === name);
}

/** The training rows the manifest's weights file names; operational rows without a label cannot be trained on. */
export async function manifestRows(manifest: Manifest, data: { reference: Frame; operational: Frame }): Promise<TrainRow[] | null> {
  const uri = manifest.data.weights?.uri;
  if (!uri) return null;
  const col = await readParquet(uri);
  const source = columnStrings(col('source'));
  const row = columnNumbers(col('row'));
  const weight = columnNumbers(col('weight'));
  const out: TrainRow[] = [];
  for (let i = 0; i < source.length; i++) {
    const frame = source[i] === 'reference' ? data.reference : data.operational;
    const r = row[i]!;
    if (frame === data.operational && frame.labelled[r] !== 1) continue;
    out.push({ frame, row: r, weight: weight[i]! });
  }
  return out;
}

/** What one run of the step on a production model's outputs gave, by the early-exit plan and by `--full`. */
export interface StepRun {
  encoder: Encoder;
  production: Fitted;
  results: Awaited<ReturnType<typeof runAnalysis>>['results'];
  manifest: Manifest;
  /** The `--full` run's results (every test run; null when not asked for): the plan's early exits must not change the decision. */
  full: Awaited<ReturnType<typeof runAnalysis>>['results'] | null;
  /** Wall-clock seconds of the plan's `runAnalysis` (ingest to manifest). */
  runtimeSeconds: number;
}

/**
 * Train the production model on the reference, write the three inputs with its predictions and probabilities into
 * `dir`, and run the step in-process twice: the early-exit plan (outputs in `dir/out`) and `--full`
 * (`dir/out-full`; unless `full` is false). Shared by the scenario and robustness benchmarks.
 */
export async function runStepOnModel(task: Scenario['task'], frames: { reference: Frame; validation: Frame; operational: Frame }, o: { dir: string; seed: number; runId: string; full?: boolean }): Promise<StepRun> {
  await rm(o.dir, { recursive: true, force: true });
  await mkdir(o.dir, { recursive: true });
  const encoder = fitEncoder(frames.reference);
  const production = fitModel(task, encoder, allRows(frames.reference), o.seed);
  for (const [name, frame] of Object.entries(frames)) {
    const p = production.predict(frame);
    await writeFile(path.join(o.dir, `${name}.parquet`), toParquet(parquetColumns(frame, p.labels, p.proba)));
  }
  const config = await resolveConfig(createStorage(), undefined, {
    reference: path.join(o.dir, 'reference.parquet'),
    operational: path.join(o.dir, 'operational.parquet'),
    validation: path.join(o.dir, 'validation.parquet'),
    out: path.join(o.dir, 'out'),
    task,
    seed: o.seed,
    columns: { label: 'label', prediction: 'predicted', timestamp: 'ts', id: 'id', ...(task === 'classification' ? { proba: 'proba_' } : {}) },
  });
  const now = () => new Date(Date.UTC(2026, 11, 1));
  const started = process.hrtime.bigint();
  const { results, manifest } = await runAnalysis(config, { storage: createStorage(), log: silentLogger, runId: o.runId, now });
  const runtimeSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const full = o.full === false ? null : await runAnalysis({ ...config, full: true, out: path.join(o.dir, 'out-full') }, { storage: createStorage(), log: silentLogger, runId: `${o.runId}-full`, now });
  return { encoder, production, results, manifest, full: full?.results ?? null, runtimeSeconds };
}

/**
 * One scenario end to end: train the production model on the reference, write the three inputs with its
 * predictions, run the step in-process, retrain three ways and score each on the future set.
 */
export async function runScenario(s: Scenario, o: { workDir: string; seed: number }): Promise<ScenarioResult> {
  const data = s.build(o.seed);
  const { encoder, production, results, manifest, full, runtimeSeconds } = await runStepOnModel(
    s.task,
    { reference: data.reference, validation: data.validation, operational: data.operational },
    { dir: path.join(o.workDir, s.name), seed: o.seed, runId: `bench-${s.name}` },
  );
  const decision = results.decision;

  // (a) naive refit: reference + every labelled operational row, all alike.
  const naiveRows = [...allRows(data.reference), ...labelledRows(data.operational)];
  const naive = fitModel(s.task, encoder, naiveRows, o.seed);
  // (b) as the manifest says. Actions that do not retrain (none, fix_data, collect_labels, recalibrate) keep the model.
  let b: Fitted = production;
  let bTrainedOn = `no retraining (${decision.action})`;
  if (decision.action === 'retrain' || decision.action === 'reweight') {
    const rows = await manifestRows(manifest, data);
    const classWeights = manifest.training.classWeights;
    if (rows && rows.length > 0) {
      // The weights file already carries w(y) for class-weighted candidates; class weights are applied only without it.
      b = fitModel(s.task, encoder, rows, o.seed);
      bTrainedOn = `weights file: ${manifest.data.weights!.candidate}, ${rows.length} rows`;
    } else if (classWeights) {
      b = fitModel(s.task, encoder, allRows(data.reference), o.seed, (c) => classWeights[c] ?? 1);
      bTrainedOn = 'reference with the manifest class weights';
    } else {
      b = naive;
      bTrainedOn = 'no weights file: reference + labelled operational';
    }
  }
  // With `afterAcceptance: train` the weights file holds the validation rows too: the training stage fits without
  // them to check acceptance (the harness accepts unconditionally), then on every row — that final fit is (b).
  // `bHeldOut` is the acceptance fit, to show what holding the rows out would cost.
  let bHeldOut: Fitted | null = null;
  if (b !== production && b !== naive && manifest.data.validation?.uri && manifest.data.validation.afterAcceptance === 'train') {
    const rows = (await manifestRows(manifest, data))!;
    const held = new Set(columnNumbers((await readParquet(manifest.data.validation.uri))('row')));
    bHeldOut = fitModel(s.task, encoder, rows.filter((r) => !(r.frame === data.operational && held.has(r.row))), o.seed);
    bTrainedOn += ` (${held.size} of them validation rows)`;
  }
  const evaluate = (m: Fitted) => score(data.future, m.predict(data.future).labels);
  let labelQueue: ScenarioResult['labelQueue'] = null;
  if (decision.action === 'collect_labels' && manifest.data.labelQueue?.uri) {
    const queued = Array.from(columnNumbers((await readParquet(manifest.data.labelQueue.uri))('row')));
    const unlabelled = labelledRows({ ...data.operational, labelled: data.operational.labelled.map((l) => 1 - l) }).map((r) => r.row);
    const rng = mulberry32(o.seed + 7);
    for (let i = unlabelled.length - 1; i > 0; i--) {
      const j = Math.floor(rng.nextDouble53() * (i + 1));
      [unlabelled[i], unlabelled[j]] = [unlabelled[j]!, unlabelled[i]!];
    }
    const reveal = (rows: number[]) => fitModel(s.task, encoder, [...naiveRows, ...rows.map((row) => ({ frame: data.operational, row, weight: 1 }))], o.seed);
    labelQueue = { rows: queued.length, queue: evaluate(reveal(queued)), random: evaluate(reveal(unlabelled.slice(0, queued.length))) };
  }
  const metric = s.task === 'classification' ? 'accuracy' : 'mae';
  return {
    name: s.name,
    description: s.description,
    task: s.task,
    expected: s.expected,
    action: decision.action,
    shiftType: decision.shiftType,
    confidence: decision.confidence,
    reasons: decision.reasons.map((r) => r.text),
    testsRun: results.plan.testsRun,
    testsFull: results.plan.testsFull,
    stoppedAt: results.plan.stoppedAt ?? null,
    fullAction: full!.decision.action,
    kinds: results.checks.reduce<Record<string, number>>((k, c) => ((k[c.kind] = (k[c.kind] ?? 0) + 1), k), {}),
    runtimeSeconds,
    candidate: manifest.data.weights?.candidate ?? null,
    newClasses: manifest.training.newClasses,
    classWeights: manifest.training.classWeights,
    metric,
    a: evaluate(naive),
    b: evaluate(b),
    c: evaluate(production),
    bTrainedOn,
    bHeldOut: bHeldOut ? evaluate(bHeldOut) : null,
    labelQueue,
    aSeedSpread: spread([naive, ...[1, 2, 3, 4].map((k) => fitModel(s.task, encoder, naiveRows, o.seed + k))].map(evaluate)),
    rows: { reference: rowsOf(data.reference), operational: rowsOf(data.operational), labelled: data.operational.labelled.reduce((x, y) => x + y, 0), future: rowsOf(data.future) },
  };
}
