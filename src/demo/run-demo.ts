import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveConfig } from '../config/load.js';
import { toParquet, type ParquetColumn } from '../emit/parquet.js';
import type { Logger } from '../log.js';
import { runAnalysis } from '../run.js';
import { createStorage } from '../storage/index.js';
import { generateColors, predictColors, trainColorModel, type ColorModel, type ColorRows } from './color.js';

const DAY = 86_400_000;
const SEPTEMBER = Date.UTC(2026, 8, 1);
const NOVEMBER = Date.UTC(2026, 10, 1);

/** The demo's three data sets: reference and validation from one world, operational from a changed one. */
export function colorDemoData(seed = 7): { model: ColorModel; reference: ColorRows; validation: ColorRows; operational: ColorRows } {
  const reference = generateColors({ n: 3000, seed, idPrefix: 'ref-', start: SEPTEMBER, days: 30 });
  const validation = generateColors({ n: 1000, seed: seed + 1, idPrefix: 'val-', start: SEPTEMBER + 30 * DAY, days: 5 });
  const operational = generateColors({
    n: 2000,
    seed: seed + 2,
    idPrefix: 'op-',
    start: NOVEMBER,
    days: 28,
    brightness: 0.8,
    classes: { red: 0.176, green: 0.176, blue: 0.176, yellow: 0.176, orange: 0.176, purple: 0.12 },
    labelled: 0.4,
  });
  return { model: trainColorModel(reference), reference, validation, operational };
}

export function colorColumns(rows: ColorRows, model: ColorModel): Record<string, ParquetColumn> {
  const { predicted, proba } = predictColors(model, rows);
  return {
    id: { type: 'string', values: rows.id },
    ts: { type: 'timestamp', values: rows.ts },
    r: { type: 'float64', values: rows.r },
    g: { type: 'float64', values: rows.g },
    b: { type: 'float64', values: rows.b },
    camera: { type: 'string', values: rows.camera },
    color: { type: 'string', values: rows.color },
    predicted: { type: 'string', values: predicted },
    ...Object.fromEntries(model.classes.map((c, k) => [`proba_${c}`, { type: 'float64', values: proba[k]! } as ParquetColumn])),
  };
}

/** The config the demo runs with; also written next to the data as an example config file. */
export function demoConfig(dataDir: string, outDir: string): Record<string, unknown> {
  return {
    reference: path.join(dataDir, 'reference.parquet'),
    operational: path.join(dataDir, 'operational.parquet'),
    validation: path.join(dataDir, 'validation.parquet'),
    out: outDir,
    columns: { label: 'color', prediction: 'predicted', proba: 'proba_', timestamp: 'ts', id: 'id' },
  };
}

export async function writeColorDemo(dir: string, seed = 7): Promise<{ dataDir: string }> {
  const dataDir = path.join(dir, 'data');
  await mkdir(dataDir, { recursive: true });
  const { model, reference, validation, operational } = colorDemoData(seed);
  await writeFile(path.join(dataDir, 'reference.parquet'), toParquet(colorColumns(reference, model)));
  await writeFile(path.join(dataDir, 'validation.parquet'), toParquet(colorColumns(validation, model)));
  await writeFile(path.join(dataDir, 'operational.parquet'), toParquet(colorColumns(operational, model)));
  return { dataDir };
}

/** `moa demo`: generate the color data under DIR/data, analyze into DIR/out, print the decision. */
export async function runDemo(dir: string, log: Logger): Promise<number> {
  const root = path.resolve(dir);
  const { dataDir } = await writeColorDemo(root);
  const outDir = path.join(root, 'out');
  const raw = demoConfig(dataDir, outDir);
  await writeFile(path.join(root, 'moa-config.json'), JSON.stringify(raw, null, 2) + '\n');
  log.info('demo data written', { dir: dataDir });
  const storage = createStorage();
  const config = await resolveConfig(storage, undefined, raw);
  const { results, uris } = await runAnalysis(config, { storage, log });
  const d = results.decision;
  process.stdout.write(
    [
      `decision: ${d.action} (shift: ${d.shiftType}, confidence ${d.confidence.toFixed(2)})`,
      ...d.reasons.map((r) => `  - ${r.text}`),
      `tests run: ${results.plan.testsRun} of ${results.plan.testsFull}`,
      `report:   ${uris.report}`,
      `manifest: ${uris.manifest}`,
      '',
    ].join('\n'),
  );
  return 0;
}
