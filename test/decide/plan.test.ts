import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { parquetReadObjects } from 'hyparquet';
import { validateConfig } from '../../src/config/load.js';
import { CHECKS, failing, find } from '../../src/checks/index.js';
import { PLAN_STEP_IDS } from '../../src/decide/alpha.js';
import { parseHTML } from 'linkedom';
import { generateColors, trainColorModel } from '../../src/demo/color.js';
import { colorColumns, colorDemoData } from '../../src/demo/run-demo.js';
import { toParquet } from '../../src/emit/parquet.js';
import { silentLogger } from '../../src/log.js';
import { runAnalysis } from '../../src/run.js';
import { createStorage } from '../../src/storage/index.js';

const DAY = 86_400_000;
let dir: string;

async function scenario(name: string, files: Record<string, Uint8Array>) {
  const data = path.join(dir, name);
  await mkdir(data, { recursive: true });
  for (const [file, bytes] of Object.entries(files)) await writeFile(path.join(data, `${file}.parquet`), bytes);
  return data;
}

async function analyze(data: string, out: string, extra: Record<string, unknown> = {}) {
  const config = validateConfig(
    {
      reference: path.join(data, 'reference.parquet'),
      operational: path.join(data, 'operational.parquet'),
      validation: path.join(data, 'validation.parquet'),
      out: path.join(dir, out),
      columns: { label: 'color', prediction: 'predicted', proba: 'proba_', timestamp: 'ts', id: 'id' },
      ...extra,
    },
    'test',
  );
  return runAnalysis(config, { storage: createStorage(), log: silentLogger, runId: out });
}

let demoData: string;
let nullData: string;
let brokenData: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'moa-plan-'));
  const demo = colorDemoData(7);
  demoData = await scenario('demo', {
    reference: toParquet(colorColumns(demo.reference, demo.model)),
    validation: toParquet(colorColumns(demo.validation, demo.model)),
    operational: toParquet(colorColumns(demo.operational, demo.model)),
  });
  // The demo with a null surge in one feature: every other operational `r` lost.
  const broken = colorColumns(demo.operational, demo.model);
  broken.r = { type: 'float64', values: Float64Array.from(broken.r!.values as ArrayLike<number>, (v, i) => (i % 2 ? NaN : v)) };
  brokenData = await scenario('broken', {
    reference: toParquet(colorColumns(demo.reference, demo.model)),
    validation: toParquet(colorColumns(demo.validation, demo.model)),
    operational: toParquet(broken),
  });
  // A null case: operational data from the same world as the reference, half of it labelled.
  const reference = generateColors({ n: 3000, seed: 21, idPrefix: 'r', start: 0, days: 30 });
  const model = trainColorModel(reference);
  const validation = generateColors({ n: 1000, seed: 22, idPrefix: 'v', start: 30 * DAY, days: 5 });
  const operational = generateColors({ n: 2000, seed: 23, idPrefix: 'o', start: 40 * DAY, days: 20, labelled: 0.5 });
  nullData = await scenario('null', {
    reference: toParquet(colorColumns(reference, model)),
    validation: toParquet(colorColumns(validation, model)),
    operational: toParquet(colorColumns(operational, model)),
  });
});

describe('the ordered plan', () => {
  it('stops once nothing is wrong — after the label-shift step, which a classifier with validation data always reaches — and --full reaches the same action', async () => {
    const planned = await analyze(nullData, 'null-plan');
    const full = await analyze(nullData, 'null-full', { full: true });
    expect(planned.results.decision.action).toBe('none');
    expect(full.results.decision.action).toBe('none');
    // No harm alarm, but a pure prior shift would still be `reweight`: the plan stops after the label-shift step.
    expect(planned.results.plan.stoppedAt).toBe('label_shift');
    expect(planned.results.plan.steps.find((s) => s.id === 'label_shift')!.status).toBe('run');
    expect(planned.results.plan.testsRun).toBeLessThan(full.results.plan.testsRun);
    expect(planned.results.plan.testsFull).toBe(full.results.plan.testsRun);
    expect(planned.results.plan.skipped.map((s) => s.id)).toContain('drift');
    expect(planned.results.selection).toBeNull();
    expect(planned.manifest.data.weights).toBeNull();
  });

  it('spends one error budget across the steps, keyed by step id, and the report shows every step’s α', async () => {
    const { results, report } = await analyze(nullData, 'null-alpha', { plan: { alpha: 0.1 } });
    const a = results.plan.alpha;
    const steps = results.plan.steps.filter((s) => s.id !== 'selection');
    expect(steps.map((s) => s.id)).toEqual([...PLAN_STEP_IDS]);
    // Regression: the budget was keyed `labelShift` while the step is `label_shift`, so the report's α was blank.
    for (const s of steps) expect(a[s.id]).toEqual(expect.any(Number));
    expect(steps.reduce((sum, s) => sum + a[s.id]!, 0)).toBeCloseTo(0.1, 12);
    const row = parseHTML(report).document.querySelector('#plan tbody tr:nth-child(4)')!; // gates, evidence, harm, label_shift
    expect(row.querySelector('code')!.textContent).toBe('label_shift');
    expect(row.querySelectorAll('td')[4]!.textContent).toBe('0.01');
    const performance = find(results.checks, CHECKS.performance)!;
    expect(performance.threshold?.alpha).toBeLessThanOrEqual(a.harm!);
  });

  // Regression: the plan never filled the gates' exclusions, so the manifest's `exclusions` was always [].
  it('past a failed null-rate gate (gates.allowFailed), excludes the invalid rows from training and says so', async () => {
    const { results, manifest } = await analyze(brokenData, 'broken', { gates: { allowFailed: true } });
    expect(failing(results.checks, CHECKS.dataQuality).map((c) => c.id)).toContain('quality.column.r');
    expect(results.selection).not.toBeNull();
    const exclusion = results.selection!.exclusions.find((e) => e.check === 'quality.column.r')!;
    expect(exclusion.rows).toBe(Math.floor(results.inputs.find((i) => i.role === 'operational')!.rows / 2));
    expect(exclusion.reason).toContain('null');
    expect(manifest.data.exclusions).toEqual(results.selection!.exclusions);
  });

  it('on the demo, retrains and writes a selection that beats naive refitting on held-out recent rows', async () => {
    const { results, manifest } = await analyze(demoData, 'demo');
    expect(results.decision.action).toBe('retrain');
    // New classes make the label-shift estimate inapplicable: the plan skips it, --full runs it, same action.
    const full = await analyze(demoData, 'demo-full', { full: true });
    expect(full.results.decision.action).toBe('retrain');
    expect(results.plan.skipped.map((s) => s.id)).toEqual(['label_shift']);
    expect(results.plan.testsRun).toBeLessThan(full.results.plan.testsRun);
    expect(results.plan.testsFull).toBe(full.results.plan.testsRun);
    const selection = results.selection!;
    const naive = selection.candidates.find((c) => c.name === 'naive_refit')!;
    const best = selection.candidates.find((c) => c.recommended)!;
    expect(best.value).toBeGreaterThanOrEqual(naive.value);
    expect(manifest.data.weights?.candidate).toBe(best.name);
    expect(manifest.evaluation.proxy.length).toBeGreaterThanOrEqual(3);

    // The Parquet files are readable by an independent reader (hyparquet), and say what the manifest says.
    const read = async (uri: string) => {
      const bytes = await readFile(uri);
      return parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
    };
    const weights = await read(manifest.data.weights!.uri);
    expect(weights.length).toBe(manifest.data.weights!.rows);
    // The file holds the recommended candidate's sources, as the selection counts them (recent_window: operational only).
    const sources = (['reference', 'operational'] as const).filter((s) => selection.weights[s] > 0);
    expect(sources.length).toBeGreaterThan(0);
    expect(new Set(weights.map((w) => w.source))).toEqual(new Set(sources));
    for (const w of weights) expect(w.weight).toBeGreaterThan(0);

    const queue = await read(manifest.data.labelQueue!.uri);
    expect(queue.length).toBeLessThanOrEqual(manifest.data.labelQueue!.budget);
    expect(queue.length).toBeGreaterThan(0);
    const opIds = new Set(queue.map((q) => q.id));
    expect(opIds.size).toBe(queue.length); // no row queued twice

    const validation = await read(manifest.data.validation!.uri);
    expect(validation.length).toBe(manifest.data.validation!.rows);
    // Held-out rows are the most recent labelled rows; with afterAcceptance: train they are in the final weights
    // (the training stage leaves them out only for its acceptance fit).
    expect(manifest.data.validation!.afterAcceptance).toBe('train');
    const trainedOperational = new Set(weights.filter((w) => w.source === 'operational').map((w) => w.row));
    for (const v of validation) expect(trainedOperational.has(v.row)).toBe(true);
    expect(Date.parse(manifest.data.validation!.since!)).toBeGreaterThan(Date.parse('2026-11-15T00:00:00Z'));
  });
});
