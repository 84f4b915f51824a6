import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadTable } from '../../src/ingest/load.js';
import type { Column } from '../../src/ingest/table.js';
import { silentLogger } from '../../src/log.js';
import { fitSoftmax, predictClass, type SoftmaxModel } from '../../src/models/softmax.js';
import { createStorage } from '../../src/storage/index.js';
import { SCENARIOS } from './definitions.js';
import { encode, fitEncoder, rowsOf, type Frame } from './frame.js';
import { SOFTMAX } from './harness.js';

/**
 * Training noise of a classification scenario's retrainings: (a) naive refit, (b) the manifest's weights file and
 * (b) without the validation rows, each fitted at SEEDS training seeds (default 8) — future accuracy (mean, sd,
 * range) and the weighted training loss the fit reaches. Reads the weights file of a previous
 * `npm run bench:scenarios -- NAME` in the same MOA_BENCH_WORKDIR and seed. With DUMP=dir it writes each design
 * (standardisation inputs, labels, weights) and the future set as JSON, for `lbfgs.py` to find the exact optimum.
 *
 *   npx tsc -p bench/scenarios/tsconfig.json && node node_modules/.cache/moa-bench-scenarios/bench/scenarios/noise.js adult_subgroup
 */
const name = process.argv[2] ?? 'adult_subgroup';
const seed = Number(process.env.MOA_BENCH_SEED ?? 42);
const workDir = process.env.MOA_BENCH_WORKDIR ?? path.join(os.tmpdir(), 'moa-bench-scenarios');
const dump = process.env.DUMP;
const seeds = Array.from({ length: Number(process.env.SEEDS ?? 8) }, (_, i) => seed + i);

const scenario = SCENARIOS.find((s) => s.name === name);
if (!scenario || scenario.task !== 'classification') throw new Error(`noise: ${name} is not a classification scenario`);
const data = scenario.build(seed);
const encoder = fitEncoder(data.reference);
const classes = [...new Set(data.reference.truth as string[])].sort();

async function column(uri: string, col: string): Promise<Column> {
  const { table } = await loadTable(createStorage(), uri, { role: 'selection', format: 'parquet', types: {}, log: silentLogger });
  const c = table.columns.find((x) => x.name === col);
  if (!c) throw new Error(`noise: ${uri} has no column ${col} (run npm run bench:scenarios -- ${name} first)`);
  return c;
}
const numbers = (c: Column) => (c.type === 'numeric' ? c.values : new Float64Array());
const selection = path.join(workDir, name, 'out', 'selection');
const source = await column(path.join(selection, 'weights.parquet'), 'source');
const row = numbers(await column(path.join(selection, 'weights.parquet'), 'row'));
const weight = numbers(await column(path.join(selection, 'weights.parquet'), 'weight'));
const held = new Set(numbers(await column(path.join(selection, 'validation.parquet'), 'row')));

type TrainRow = { frame: Frame; row: number; weight: number };
const b: TrainRow[] = [];
for (let i = 0; i < row.length; i++) {
  const frame = source.type === 'categorical' && source.categories[source.codes[i]!] === 'reference' ? data.reference : data.operational;
  if (frame === data.operational && frame.labelled[row[i]!] !== 1) continue;
  b.push({ frame, row: row[i]!, weight: weight[i]! });
}
const all = (frame: Frame) => Array.from({ length: rowsOf(frame) }, (_, r) => ({ frame, row: r, weight: 1 }));
const sets: Record<string, TrainRow[]> = {
  a: [...all(data.reference), ...all(data.operational).filter((r) => data.operational.labelled[r.row] === 1)],
  b,
  bHeldOut: b.filter((r) => !(r.frame === data.operational && held.has(r.row))),
};

const xFuture = encode(encoder, data.future);
const yFuture = Int32Array.from(data.future.truth as string[], (c) => classes.indexOf(c));
const accuracy = (m: SoftmaxModel) => predictClass(m, xFuture).reduce((s, p, i) => s + (p === yFuture[i] ? 1 : 0), 0) / yFuture.length;

/** The objective fitSoftmax minimises: weighted mean cross-entropy + (l2/2)·|W|² on standardised features. */
function objective(m: SoftmaxModel, x: Float64Array, y: Int32Array, w: Float64Array): number {
  const { classes: k, features: d } = m;
  const logits = new Float64Array(k);
  let total = 0;
  let weightSum = 0;
  for (let i = 0; i < y.length; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let s = m.bias[c]!;
      for (let j = 0; j < d; j++) s += (m.weights[c * d + j]! * (x[i * d + j]! - m.mean[j]!)) / m.scale[j]!;
      logits[c] = s;
      if (s > max) max = s;
    }
    let z = 0;
    for (let c = 0; c < k; c++) z += Math.exp(logits[c]! - max);
    total += w[i]! * (max + Math.log(z) - logits[y[i]!]!);
    weightSum += w[i]!;
  }
  let norm = 0;
  for (const v of m.weights) norm += v * v;
  return total / weightSum + (SOFTMAX.l2 / 2) * norm;
}

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const sd = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + (x - mean(v)) ** 2, 0) / (v.length - 1));
if (dump) await mkdir(dump, { recursive: true });
if (dump) await writeFile(path.join(dump, `${name}-future.json`), JSON.stringify({ x: Array.from(xFuture), y: Array.from(yFuture) }));
process.stdout.write(`${name}, seed ${seed}, training seeds ${seeds[0]}…${seeds.at(-1)}, ${JSON.stringify(SOFTMAX)}\n`);
for (const [label, rows] of Object.entries(sets)) {
  const x = new Float64Array(rows.length * encoder.width);
  rows.forEach((r, i) => x.set(encode(encoder, r.frame, [r.row]), i * encoder.width));
  const y = Int32Array.from(rows, (r) => classes.indexOf((r.frame.truth as string[])[r.row]!));
  const w = Float64Array.from(rows, (r) => r.weight);
  if (dump) await writeFile(path.join(dump, `${name}-${label}.json`), JSON.stringify({ x: Array.from(x), y: Array.from(y), w: Array.from(w), width: encoder.width, k: classes.length, l2: SOFTMAX.l2 }));
  const acc: number[] = [];
  const loss: number[] = [];
  for (const s of seeds) {
    const m = fitSoftmax(x, y, classes.length, { ...SOFTMAX, seed: s, sampleWeight: w });
    acc.push(accuracy(m));
    loss.push(objective(m, x, y, w));
  }
  process.stdout.write(
    `${label.padEnd(8)} ${String(rows.length).padStart(6)} rows, weights ${Math.min(...w).toFixed(2)}–${Math.max(...w).toFixed(2)}: future accuracy mean ${mean(acc).toFixed(4)} sd ${sd(acc).toFixed(4)} range ${(Math.max(...acc) - Math.min(...acc)).toFixed(4)}; training loss mean ${mean(loss).toFixed(5)} (${Math.min(...loss).toFixed(5)}–${Math.max(...loss).toFixed(5)})\n`,
  );
}
