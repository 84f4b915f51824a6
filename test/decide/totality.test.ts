/**
 * Totality (issue 16, item 7): every run ends in a decision or a named error from the README's exit-code table,
 * and every figure in results.json is finite or its check's status says why not. A seeded generator of cases
 * starts from Seattle weather (test/data, the dataset whose runs crashed on a non-finite `conditionNumber`) with a
 * softmax model fitted on the reference part, and applies hostile conditions alone and combined: constant columns,
 * a model predicting a single class, a single label class, an empty operational window, all-null columns, one-row
 * inputs, swapped columns, no validation data, no labels. Each case runs the whole step on local Parquet files,
 * with `--full` and without.
 */
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { QUICK_FAULTS, injectFault, nullSplit, type Split } from '../../bench/robustness/cases.js';
import { ROBUSTNESS_DATASETS } from '../../bench/robustness/datasets.js';
import { fitEncoder, parquetColumns, rowsOf, stamp, take, type Frame } from '../../bench/scenarios/frame.js';
import { fitModel, type Fitted } from '../../bench/scenarios/harness.js';
import { resolveConfig } from '../../src/config/load.js';
import { toParquet } from '../../src/emit/parquet.js';
import { MoaError, exitCodeOf } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { runAnalysis } from '../../src/run.js';
import { jsonSchemaOf } from '../../src/schema/json-schema.js';
import { ACTIONS } from '../../src/schema/results.js';
import { mulberry32 } from '../../src/stats/index.js';
import { createStorage } from '../../src/storage/index.js';
import { TEST_DATA_DIR } from '../support/data.js';

const seattle = ROBUSTNESS_DATASETS.find((d) => d.name === 'seattle-weather')!;
const bike = ROBUSTNESS_DATASETS.find((d) => d.name === 'bike-sharing')!;
type Task = 'classification' | 'regression';
const DAY = 86_400_000;
const SEPTEMBER = Date.UTC(2026, 8, 1);
// ajv-formats is CommonJS; under NodeNext its default export is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule.default }).default ?? addFormatsModule) as typeof addFormatsModule.default;
const ajv = new Ajv2020({ strict: false });
addFormats(ajv);
const validateResults = ajv.compile(jsonSchemaOf('results'));

type Outputs = ReturnType<Fitted['predict']>;
interface Case {
  frames: { reference: Frame; validation: Frame | null; operational: Frame };
  outputs: { reference: Outputs; validation: Outputs | null; operational: Outputs };
}
type Side = 'reference' | 'validation' | 'operational';

const withNumeric = (f: Frame, column: string, values: (v: Float64Array) => Float64Array): Frame => ({ ...f, numeric: { ...f.numeric, [column]: values(f.numeric[column]!) } });
const sides = (c: Case, which: Side[], change: (f: Frame, o: Outputs) => { frame: Frame; outputs: Outputs }): Case => {
  const out: Case = { frames: { ...c.frames }, outputs: { ...c.outputs } };
  for (const side of which) {
    const frame = c.frames[side];
    const outputs = c.outputs[side];
    if (!frame || !outputs) continue;
    const next = change(frame, outputs);
    (out.frames as Record<Side, Frame | null>)[side] = next.frame;
    (out.outputs as Record<Side, Outputs | null>)[side] = next.outputs;
  }
  return out;
};
const ALL: Side[] = ['reference', 'validation', 'operational'];
const keepOutputs = (f: Frame, o: Outputs) => ({ frame: f, outputs: o });
const rowsOfOutputs = (o: Outputs, rows: number[]): Outputs => {
  const labels = o.labels instanceof Float64Array ? Float64Array.from(rows, (r) => (o.labels as Float64Array)[r]!) : rows.map((r) => (o.labels as string[])[r]!);
  if (!o.proba) return { labels, proba: null };
  const k = o.proba.classes.length;
  const values = new Float64Array(rows.length * k);
  rows.forEach((r, i) => values.set(o.proba!.values.subarray(r * k, (r + 1) * k), i * k));
  return { labels, proba: { classes: o.proba.classes, values } };
};
const rowsOnly = (rows: (n: number) => number[]) => (f: Frame, o: Outputs) => ({ frame: take(f, rows(rowsOf(f))), outputs: rowsOfOutputs(o, rows(rowsOf(f))) });
/** The model says `value` for every row (one class with probability 1, or one number). */
const sameOutput = (o: Outputs, n: number, value: string | number): Outputs => {
  if (typeof value === 'number') return { labels: new Float64Array(n).fill(value), proba: null };
  if (!o.proba) return { labels: Array.from({ length: n }, () => value), proba: null };
  const k = o.proba.classes.length;
  const only = o.proba.classes.indexOf(value);
  return { labels: Array.from({ length: n }, () => value), proba: { classes: o.proba.classes, values: Float64Array.from({ length: n * k }, (_, i) => (i % k === only ? 1 : 0)) } };
};
/** Each row's output is its true value (a model that is never wrong there). */
const truthOutput = (f: Frame, o: Outputs): Outputs => {
  if (f.truth instanceof Float64Array) return { labels: Float64Array.from(f.truth), proba: null };
  const truth = f.truth;
  if (!o.proba) return { labels: [...truth], proba: null };
  const { classes } = o.proba;
  const k = classes.length;
  return { labels: [...truth], proba: { classes, values: Float64Array.from({ length: truth.length * k }, (_, i) => (classes[i % k] === truth[Math.floor(i / k)] ? 1 : 0)) } };
};
const firstClass = (f: Frame): string | number => (f.truth instanceof Float64Array ? f.truth[0]! : f.truth[0]!);
const columns = (f: Frame) => Object.keys(f.numeric).sort();

/** The hostile conditions, each a change of a case; numeric columns are taken by name order (a, b, c). */
const CONDITIONS: Record<string, (c: Case) => Case> = {
  'constant column a (every input)': (c) => sides(c, ALL, (f, o) => keepOutputs(withNumeric(f, columns(f)[0]!, (v) => v.map(() => 0)), o)),
  'constant column b (operational)': (c) => sides(c, ['operational'], (f, o) => keepOutputs(withNumeric(f, columns(f)[1]!, (v) => v.map(() => 3.2)), o)),
  'one predicted value (validation, operational)': (c) => sides(c, ['validation', 'operational'], (f, o) => ({ frame: f, outputs: sameOutput(o, rowsOf(f), firstClass(c.frames.reference)) })),
  'one label value (operational)': (c) => sides(c, ['operational'], (f, o) => keepOutputs({ ...f, truth: f.truth instanceof Float64Array ? f.truth.map(() => f.truth[0] as number) : f.truth.map(() => f.truth[0] as string) }, o)),
  'predictions equal the labels (validation)': (c) => sides(c, ['validation'], (f, o) => ({ frame: f, outputs: truthOutput(f, o) })),
  'empty operational window': (c) => sides(c, ['operational'], rowsOnly(() => [])),
  'all-null column c (operational)': (c) => sides(c, ['operational'], (f, o) => keepOutputs(withNumeric(f, columns(f)[2]!, (v) => v.map(() => NaN)), o)),
  'all-null column b (every input)': (c) => sides(c, ALL, (f, o) => keepOutputs(withNumeric(f, columns(f)[1]!, (v) => v.map(() => NaN)), o)),
  'one-row operational': (c) => sides(c, ['operational'], rowsOnly(() => [0])),
  'one-row reference': (c) => sides(c, ['reference'], rowsOnly(() => [0])),
  'one-row validation': (c) => sides(c, ['validation'], rowsOnly(() => [0])),
  'swapped columns a, b (operational)': (c) => sides(c, ['operational'], (f, o) => keepOutputs({ ...f, numeric: { ...f.numeric, [columns(f)[0]!]: f.numeric[columns(f)[1]!]!, [columns(f)[1]!]: f.numeric[columns(f)[0]!]! } }, o)),
  'no validation data': (c) => ({ frames: { ...c.frames, validation: null }, outputs: { ...c.outputs, validation: null } }),
  'no operational labels': (c) => sides(c, ['operational'], (f, o) => keepOutputs({ ...f, labelled: new Uint8Array(rowsOf(f)) }, o)),
};
const NAMES = Object.keys(CONDITIONS);

/** A split with the model fitted on its reference part, as bench/robustness builds it. */
function baseCase(split: Split, task: Task, seed: number): Case {
  const rng = mulberry32(seed);
  const next = () => rng.nextDouble53();
  const reference = stamp(split.reference, { prefix: 'r', start: SEPTEMBER, days: 30, labelled: 1, next });
  const validation = stamp(split.validation, { prefix: 'v', start: SEPTEMBER + 30 * DAY, days: 30, labelled: 1, next });
  const operational = stamp(split.operational, { prefix: 'o', start: SEPTEMBER + 61 * DAY, days: 30, labelled: 1, next });
  const model = fitModel(task, fitEncoder(reference), Array.from({ length: rowsOf(reference) }, (_, row) => ({ frame: reference, row, weight: 1 })), seed);
  return { frames: { reference, validation, operational }, outputs: { reference: model.predict(reference), validation: model.predict(validation), operational: model.predict(operational) } };
}

interface Outcome {
  name: string;
  full: boolean;
  /** The action, or the named error's exit code and code. */
  result: string;
}

async function runCase(dir: string, name: string, c: Case, task: Task, full: boolean, seed: number): Promise<Outcome> {
  const at = path.join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}-${full ? 'full' : 'plan'}`);
  await rm(at, { recursive: true, force: true });
  await mkdir(at, { recursive: true });
  const uris: Record<string, string> = {};
  for (const side of ['reference', 'validation', 'operational'] as const) {
    const frame = c.frames[side];
    const outputs = c.outputs[side];
    if (!frame || !outputs) continue;
    uris[side] = path.join(at, `${side}.parquet`);
    await writeFile(uris[side]!, toParquet(parquetColumns(frame, outputs.labels, outputs.proba)));
  }
  const out = path.join(at, 'out');
  try {
    const config = await resolveConfig(createStorage(), undefined, {
      reference: uris.reference!,
      operational: uris.operational!,
      ...(uris.validation ? { validation: uris.validation } : {}),
      out,
      task,
      seed,
      full,
      columns: { label: 'label', prediction: 'predicted', timestamp: 'ts', id: 'id', ...(task === 'classification' ? { proba: 'proba_' } : {}) },
    });
    const { results } = await runAnalysis(config, { storage: createStorage(), log: silentLogger, runId: `totality-${seed}`, now: () => new Date(Date.UTC(2026, 11, 1)) });
    const written = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
    const valid = validateResults(written);
    if (!valid) return { name, full, result: `results.json invalid: ${JSON.stringify(validateResults.errors?.slice(0, 2))}` };
    // The schema's last line (checks/totality.ts) must not have been needed: producers keep their figures finite.
    const patched = results.checks.filter((check) => check.summary.includes('a defect: please report it'));
    if (patched.length) return { name, full, result: `non-finite figures in ${patched.map((check) => `${check.id}: ${check.summary}`).join(' | ')}` };
    return { name, full, result: ACTIONS.includes(results.decision.action) ? results.decision.action : `unknown action ${results.decision.action}` };
  } catch (e) {
    const code = exitCodeOf(e);
    if (e instanceof MoaError && code >= 2 && code <= 4) return { name, full, result: `exit ${code} ${e.code}` };
    return { name, full, result: `exit ${code} (unnamed): ${(e as Error).stack?.split('\n').slice(0, 4).join(' ')}` };
  }
}

const named = (o: Outcome) => ACTIONS.includes(o.result as (typeof ACTIONS)[number]) || /^exit [234] [a-z_]+\.[a-z_.]+$/.test(o.result);

describe('every run ends in a decision or a named error', () => {
  let dir: string;
  let split: Split;
  let swapped: Split;
  let bikeSplit: Split;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'moa-totality-'));
    // As bench/robustness runs it (seed 1, quick): the null split, then the faults in order (each draws from the stream).
    const rng = mulberry32(1000 * 1 + 17);
    const next = () => rng.nextDouble53();
    split = nullSplit(seattle.load(TEST_DATA_DIR), next, 3000);
    for (const kind of QUICK_FAULTS) {
      const injected = injectFault(kind, split.operational, next);
      if (kind === 'swapped_columns') swapped = { ...split, operational: injected!.operational, target: injected!.target };
    }
    const bikeRng = mulberry32(1000 * 1 + 17);
    bikeSplit = nullSplit(bike.load(TEST_DATA_DIR), () => bikeRng.nextDouble53(), 1500);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('Seattle weather with two columns swapped (the robustness suite case that ended in an internal error)', async () => {
    expect(swapped.target.sort()).toEqual(['temp_max', 'wind']);
    for (const full of [false, true]) {
      const outcome = await runCase(dir, 'seattle-swapped', baseCase(swapped, 'classification', 1), 'classification', full, 1);
      console.log(`seattle-weather swapped columns (temp_max, wind), ${full ? '--full' : 'plan'}: ${outcome.result}`);
      expect(ACTIONS).toContain(outcome.result);
      if (full) {
        // The validation tail never predicts the rare classes: its confusion matrix is singular, and the check says
        // so. The operational rows are labelled, so the priors are measured (no BBSE needed) and the check judges.
        const results = JSON.parse(await readFile(path.join(dir, 'seattle-swapped-full', 'out', 'results.json'), 'utf8'));
        const bbse = results.checks.find((c: { id: string }) => c.id === 'audit.label_shift');
        expect(bbse.figures.priorsSource).toBe('measured');
        expect(['pass', 'warn', 'fail']).toContain(bbse.status);
        expect(bbse.summary).toMatch(/confusion matrix is singular \(never predicted on validation: .*the measured priors stand alone/);
        expect(bbse.figures.conditionNumber).toBeUndefined();
      }
    }
  }, 900_000);

  const COMBOS = (() => {
    const rng = mulberry32(16);
    const combos: string[][] = NAMES.map((n) => [n]);
    for (let i = 0; i < 24; i++) {
      const size = 2 + Math.floor(rng.nextDouble53() * 3);
      const pick = new Set<string>();
      while (pick.size < size) pick.add(NAMES[Math.floor(rng.nextDouble53() * NAMES.length)]!);
      combos.push([...pick]);
    }
    return combos;
  })();

  it.each([
    ['Seattle weather (classification, softmax)', 'classification' as Task],
    ['Bike Sharing hourly (regression, ridge)', 'regression' as Task],
  ])(`%s: ${NAMES.length} hostile conditions alone and ${COMBOS.length - NAMES.length} seeded combinations, with --full and without`, async (label, task) => {
    const base = baseCase(task === 'classification' ? split : bikeSplit, task, 1);
    const outcomes: Outcome[] = [];
    for (const combo of COMBOS) {
      const c = combo.reduce((acc, n) => CONDITIONS[n]!(acc), base);
      for (const full of [false, true]) outcomes.push(await runCase(dir, `${task}-${combo.join(' + ')}`, c, task, full, 7));
    }
    console.log(`totality, ${label}: ${outcomes.length} runs\n${outcomes.map((o) => `${named(o) ? '  ' : '✗ '}${o.name}${o.full ? ' --full' : ''}: ${o.result}`).join('\n')}`);
    expect(outcomes.filter((o) => !named(o))).toEqual([]);
    // --full and the plan end alike: the same action, or the same named error.
    for (let i = 0; i < outcomes.length; i += 2) expect(`${outcomes[i]!.name}: ${outcomes[i + 1]!.result}`).toBe(`${outcomes[i]!.name}: ${outcomes[i]!.result}`);
  }, 1_800_000);
});
