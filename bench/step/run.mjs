// End-to-end benchmark of `moa run` on the cases of issue 19, each beside a pandas + SciPy peer doing the same
// tests in the same run (bench/step/peer.py). Data are generated (seeded) into a temporary directory, never
// committed. Prints, per case: CPU (user + sys) and wall seconds, peak RSS of the process, the action, and the
// machine's load average before the case (the machine may be shared).
//
// Usage: npm run bench:step [-- --rows N] [--cases numeric-csv,numeric-parquet,model,categorical,fashion] [--baseline DIR]
//   --rows      operational rows (default 1,000,000; the reference has as many, except in the model and fashion cases)
//   fashion     Fashion-MNIST from the Debian package dataset-fashion-mnist, images as 784-value tensors: the first
//               54,000 training images as reference, the last 6,000 as validation, the test images with classes
//               5–9 thinned to 30 % (6,500 rows) as operational, with a softmax model's label / prediction /
//               probabilities, --full (whatever --rows says)
//   --baseline  another build of moa (a directory with dist/cli.js, e.g. main before a change) run on the same data
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadavg, tmpdir, cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { generateColors, trainColorModel } from '../../dist/demo/color.js';
import { colorColumns } from '../../dist/demo/run-demo.js';
import { toParquet } from '../../dist/emit/parquet.js';
import { mulberry32 } from '../../dist/stats/index.js';
import { fitSoftmax, predictProba } from '../../dist/models/softmax.js';
import { parquetWasm } from '../../dist/ingest/parquet-wasm.js';
import { gunzipSync } from 'node:zlib';
import { Table as ArrowTable, FixedSizeList, Field, Float32, Float64, Utf8, makeData, makeVector, tableFromArrays, vectorFromArray, tableToIPC } from 'apache-arrow';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const k = args.indexOf(`--${name}`);
  return k >= 0 ? args[k + 1] : fallback;
};
const n = Number(option('rows', 1_000_000));
const cases = option('cases', 'numeric-csv,numeric-parquet,model,categorical,fashion').split(',');
const baseline = option('baseline', undefined);
const dir = path.join(tmpdir(), `moa-bench-step-${n}`);
mkdirSync(dir, { recursive: true });
const DAY = 86_400_000;
const COLUMNS = 20;

/** Standard normal by Box–Muller from the seeded uniform generator. */
function normals(rng) {
  let spare = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = rng() || 1e-300;
    const v = rng();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** 20 numeric columns; column k ~ N(k, 1 + k/10); in the operational data columns 0–3 shift by 0.2 sd. */
function numericColumns(rows, seed, drifted) {
  const z = normals(mulberry32(seed).nextDouble53);
  const cols = Array.from({ length: COLUMNS }, () => new Float64Array(rows));
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < COLUMNS; k++) {
      const sd = 1 + k / 10;
      cols[k][i] = k + sd * (z() + (drifted && k < 4 ? 0.2 : 0));
    }
  }
  return cols;
}

async function writeCsv(file, header, rows, cell) {
  if (existsSync(file)) return;
  const out = createWriteStream(`${file}.tmp`);
  out.write(`${header.join(',')}\n`);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    let line = '';
    for (let k = 0; k < header.length; k++) line += (k ? ',' : '') + cell(i, k);
    chunk += `${line}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.write(chunk);
  out.end();
  await once(out, 'finish');
  const { renameSync } = await import('node:fs');
  renameSync(`${file}.tmp`, file);
}

const names = Array.from({ length: COLUMNS }, (_, k) => `x${k}`);
async function numericData() {
  const files = {};
  for (const [side, seed, drifted] of [['reference', 11, false], ['operational', 12, true]]) {
    const csv = path.join(dir, `numeric-${side}.csv`);
    const parquet = path.join(dir, `numeric-${side}.parquet`);
    if (!existsSync(csv) || !existsSync(parquet)) {
      const cols = numericColumns(n, seed, drifted);
      if (!existsSync(csv)) await writeCsv(csv, names, n, (i, k) => cols[k][i].toFixed(6));
      if (!existsSync(parquet)) await writeParquetStreamed(parquet, names, cols);
    }
    files[side] = { csv, parquet };
  }
  return files;
}

/**
 * Float64 columns as Parquet in row groups of 1M rows, written batch by batch (parquet-wasm's streaming writer): the
 * whole-table writer builds the file in its 4 GB wasm heap and fails at 10M × 20.
 */
async function writeParquetStreamed(file, columnNames, cols) {
  const { Compression, Table: WasmTable, WriterPropertiesBuilder, transformParquetStream } = parquetWasm();
  const rows = cols[0].length;
  let written = 0;
  const batches = new ReadableStream({
    pull(controller) {
      if (written >= rows) return controller.close();
      const end = Math.min(rows, written + 500_000);
      const table = WasmTable.fromIPCStream(tableToIPC(tableFromArrays(Object.fromEntries(columnNames.map((name, k) => [name, cols[k].subarray(written, end)]))), 'stream'));
      const recordBatches = table.recordBatches();
      table.free();
      for (const batch of recordBatches) controller.enqueue(batch);
      written = end;
    },
  });
  const props = new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).setMaxRowGroupSize(1_000_000).build();
  await pipeline(Readable.fromWeb(await transformParquetStream(batches, props)), createWriteStream(`${file}.tmp`));
  renameSync(`${file}.tmp`, file);
}

/** 20 columns of 1,000 categories (Zipf-like weights); in the operational data 4 columns move 10 % of the mass. */
async function categoricalData() {
  const files = {};
  const K = 1000;
  const weights = Array.from({ length: K }, (_, j) => 1 / (j + 10));
  const total = weights.reduce((a, b) => a + b, 0);
  const cdf = (w) => {
    const c = new Float64Array(K);
    let acc = 0;
    const sum = w.reduce((a, b) => a + b, 0);
    for (let j = 0; j < K; j++) c[j] = acc += w[j] / sum;
    return c;
  };
  const base = cdf(weights);
  // Moved: 10 % of the mass taken proportionally from every category and given to categories 500–599.
  const moved = cdf(weights.map((w, j) => 0.9 * w + (j >= 500 && j < 600 ? (0.1 * total) / 100 : 0)));
  const draw = (c, u) => {
    let lo = 0;
    let hi = K - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (c[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  for (const [side, seed, drifted] of [['reference', 21, false], ['operational', 22, true]]) {
    const csv = path.join(dir, `categorical-${side}.csv`);
    const rng = mulberry32(seed).nextDouble53;
    const header = Array.from({ length: COLUMNS }, (_, k) => `c${k}`);
    await writeCsv(csv, header, n, (_i, k) => `v${draw(drifted && k < 4 ? moved : base, rng())}`);
    files[side] = csv;
  }
  return files;
}

async function modelData() {
  const files = {
    reference: path.join(dir, 'model-reference.parquet'),
    validation: path.join(dir, 'model-validation.parquet'),
    operational: path.join(dir, 'model-operational.parquet'),
  };
  if (Object.values(files).every(existsSync)) return files;
  const reference = generateColors({ n: Math.round(n / 2), seed: 1, idPrefix: 'r', start: 0, days: 30 });
  const model = trainColorModel(reference);
  const validation = generateColors({ n: Math.min(100_000, Math.round(n / 10)), seed: 2, idPrefix: 'v', start: 30 * DAY, days: 5 });
  const operational = generateColors({ n, seed: 4, idPrefix: 'o', start: 40 * DAY, days: 30, labelled: 0.3, brightness: 0.8, classes: { red: 0.176, green: 0.176, blue: 0.176, yellow: 0.176, orange: 0.176, purple: 0.12 } });
  writeFileSync(files.reference, toParquet(colorColumns(reference, model)));
  writeFileSync(files.validation, toParquet(colorColumns(validation, model)));
  writeFileSync(files.operational, toParquet(colorColumns(operational, model)));
  return files;
}

const FASHION_DIR = process.env.MOA_FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';
const FASHION_CLASSES = ['tshirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'boot'];

function idx(split) {
  const images = gunzipSync(readFileSync(path.join(FASHION_DIR, `${split}-images-idx3-ubyte.gz`)));
  const labels = gunzipSync(readFileSync(path.join(FASHION_DIR, `${split}-labels-idx1-ubyte.gz`)));
  const count = images.readUInt32BE(4);
  const pixels = new Float32Array(count * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images[16 + i] / 255;
  return { count, pixels, labels: labels.subarray(8, 8 + count) };
}

/** Images [from, to) of a split as Parquet: `image` (784 float32 per row), label, prediction and one probability per class. */
function fashionParquet(data, from, to, model) {
  const rows = to - from;
  const pixels = data.pixels.subarray(from * 784, to * 784);
  const proba = predictProba(model, Float64Array.from(pixels));
  const k = FASHION_CLASSES.length;
  const item = makeData({ type: new Float32(), length: rows * 784, data: pixels });
  const columns = {
    image: makeVector(makeData({ type: new FixedSizeList(784, new Field('item', new Float32(), false)), length: rows, nullCount: 0, child: item })),
    label: vectorFromArray(Array.from(data.labels.subarray(from, to), (c) => FASHION_CLASSES[c]), new Utf8()),
    predicted: vectorFromArray(Array.from({ length: rows }, (_, i) => {
      let best = 0;
      for (let c = 1; c < k; c++) if (proba[i * k + c] > proba[i * k + best]) best = c;
      return FASHION_CLASSES[best];
    }), new Utf8()),
  };
  FASHION_CLASSES.forEach((name, c) => (columns[`proba_${name}`] = vectorFromArray(Array.from({ length: rows }, (_, i) => proba[i * k + c]), new Float64())));
  const { Compression, Table: WasmTable, WriterPropertiesBuilder, writeParquet } = parquetWasm();
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(new ArrowTable(columns), 'stream')), new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).build());
}

function fashionData() {
  const files = { reference: path.join(dir, 'fashion-reference.parquet'), validation: path.join(dir, 'fashion-validation.parquet'), operational: path.join(dir, 'fashion-operational.parquet') };
  if (Object.values(files).every(existsSync)) return files;
  if (!existsSync(path.join(FASHION_DIR, 'train-images-idx3-ubyte.gz'))) return null;
  const train = idx('train');
  const test = idx('t10k');
  // The "production model": softmax regression on 5,000 of the reference images (pixels as they are).
  const fitRows = 5000;
  const model = fitSoftmax(Float64Array.from(train.pixels.subarray(0, fitRows * 784)), Int32Array.from(train.labels.subarray(0, fitRows)), FASHION_CLASSES.length, { epochs: 5, seed: 7 });
  writeFileSync(files.reference, fashionParquet(train, 0, 54_000, model));
  writeFileSync(files.validation, fashionParquet(train, 54_000, 60_000, model));
  // Operational: the test images with a changed class mix (classes 5–9 kept with chance 0.3), so the step goes on
  // to select what to retrain on, as a prior shift asks.
  const rng = mulberry32(8).nextDouble53;
  const kept = Array.from({ length: test.count }, (_, i) => i).filter((i) => test.labels[i] < 5 || rng() < 0.3);
  const shifted = { count: kept.length, pixels: new Float32Array(kept.length * 784), labels: Uint8Array.from(kept, (i) => test.labels[i]) };
  kept.forEach((i, r) => shifted.pixels.set(test.pixels.subarray(i * 784, (i + 1) * 784), r * 784));
  writeFileSync(files.operational, fashionParquet(shifted, 0, shifted.count, model));
  return files;
}

/** Run a command under /usr/bin/time; returns wall, CPU and peak RSS of the process, and its exit status. */
function measure(command, commandArgs, env = {}) {
  const load = loadavg()[0];
  const child = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', command, ...commandArgs], {
    env: { ...process.env, MOA_LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const line = child.stderr.split('\n').reverse().find((l) => l.startsWith('TIME ')) ?? '';
  const [wall, user, sys, rssKb] = line.split(/\s+/).slice(1).map(Number);
  return { status: child.status, wall, cpu: user + sys, rssMb: Math.round(rssKb / 1024), load, stdout: child.stdout, stderr: child.stderr };
}

const rows = [];
function report(caseName, who, m, detail) {
  const row = `| ${caseName} | ${who} | ${m.status === 0 ? detail : `exit ${m.status}`} | ${m.cpu.toFixed(1)} | ${m.wall.toFixed(1)} | ${m.rssMb} | ${m.load.toFixed(2)} |`;
  rows.push(row);
  console.log(row);
  if (m.status !== 0) console.log(m.stderr.slice(-1500));
}

function runMoa(caseName, cliRoot, who, moaArgs) {
  const out = path.join(dir, `out-${caseName}-${who.replace(/\W+/g, '-')}`);
  const m = measure(process.execPath, [path.join(cliRoot, 'dist/cli.js'), 'run', ...moaArgs, '--out', out]);
  let detail = '';
  if (m.status === 0 || m.status === 10) {
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    const drifted = (results.checks ?? []).filter((c) => c.kind === 'feature_drift' && c.status !== 'pass').length;
    detail = `${results.decision.action}; ${drifted} features drifted`;
    m.status = 0;
  }
  report(caseName, who, m, detail);
}

function runPeer(caseName, peerArgs) {
  const m = measure('/usr/bin/python3', [path.join(root, 'bench/step/peer.py'), ...peerArgs]);
  report(caseName, 'pandas + SciPy', m, m.stdout.trim().split('\n').pop() ?? '');
}

console.log(`moa bench:step — ${n.toLocaleString('en-US')} operational rows; ${cpus().length} cores (${cpus()[0]?.model ?? '?'}); node ${process.version}; commit ${spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim()}`);
console.log(`data in ${dir}`);
console.log('| case | who | result | CPU s | wall s | peak RSS MB | load (1 min) |');
console.log('| --- | --- | --- | ---: | ---: | ---: | ---: |');
const builds = [['moa', root], ...(baseline ? [[`moa baseline (${path.basename(baseline)})`, baseline]] : [])];
for (const name of cases) {
  if (name === 'numeric-csv' || name === 'numeric-parquet') {
    const files = await numericData();
    const format = name === 'numeric-csv' ? 'csv' : 'parquet';
    for (const [who, cliRoot] of builds) runMoa(name, cliRoot, who, ['--reference', files.reference[format], '--operational', files.operational[format]]);
    if (format === 'csv') runPeer(name, ['numeric', files.reference.csv, files.operational.csv]);
    else console.log(`| ${name} | pandas + SciPy | n/a: Debian's pandas has no Parquet engine (no pyarrow) | | | | |`);
  } else if (name === 'categorical') {
    const files = await categoricalData();
    for (const [who, cliRoot] of builds) runMoa(name, cliRoot, who, ['--reference', files.reference, '--operational', files.operational]);
    runPeer(name, ['categorical', files.reference, files.operational]);
  } else if (name === 'model') {
    const files = await modelData();
    for (const [who, cliRoot] of builds) {
      runMoa(name, cliRoot, who, ['--reference', files.reference, '--operational', files.operational, '--validation', files.validation,
        '--label', 'color', '--prediction', 'predicted', '--proba', 'proba_', '--id', 'id', '--timestamp', 'ts', '--full']);
    }
    console.log(`| ${name} | pandas + SciPy | n/a: no Parquet engine in Debian's pandas | | | | |`);
  } else if (name === 'fashion') {
    const files = fashionData();
    if (!files) {
      console.log(`| ${name} | moa | skipped: Fashion-MNIST not installed (apt-get install dataset-fashion-mnist) | | | | |`);
      continue;
    }
    for (const [who, cliRoot] of builds) {
      runMoa(name, cliRoot, who, ['--reference', files.reference, '--operational', files.operational, '--validation', files.validation,
        '--label', 'label', '--prediction', 'predicted', '--proba', 'proba_', '--full']);
    }
    console.log(`| ${name} | pandas + SciPy | n/a: no Parquet engine in Debian's pandas | | | | |`);
  } else throw new Error(`unknown case ${name}`);
}
