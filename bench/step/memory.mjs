// Bounded memory (issue 18): prints, for the built CLI (dist/),
//  1. a gzip bomb (a small .csv.gz that inflates to GBs): exit code, error code, wall seconds and peak RSS
//     (targets: a named error in under 5 s with under 300 MB RSS);
//  2. a 120 MB CSV run as both reference and operational: peak RSS against the bytes of the decoded columns
//     (target: at most 2x), and the same for decoding the file alone;
//  3. the same for a Parquet file of 10M rows × 20 float64 columns in row groups of 1M rows (1.6 GB of columns),
//     written batch by batch with parquet-wasm's streaming writer (its whole-table writer holds the file in the
//     32-bit wasm heap).
// Data are generated (seeded) into a temporary directory.
// Usage: node bench/step/memory.mjs [MB of CSV, default 120] [rows of the Parquet case, default 10000000; 0 skips it]
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { mulberry32 } from '../../dist/stats/index.js';
import { parquetWasm } from '../../dist/ingest/parquet-wasm.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const megabytes = Number(process.argv[2] ?? 120);
const parquetRows = Number(process.argv[3] ?? 10_000_000);
const dir = path.join(tmpdir(), 'moa-bench-memory');
mkdirSync(dir, { recursive: true });
const cli = path.join(root, 'dist/cli.js');

function measure(args) {
  const load = loadavg()[0];
  const child = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, ...args], { encoding: 'utf8', env: { ...process.env, MOA_LOG_LEVEL: 'warn' }, maxBuffer: 1 << 26 });
  const line = child.stderr.split('\n').reverse().find((l) => l.startsWith('TIME ')) ?? '';
  const [wall, user, sys, rssKb] = line.split(/\s+/).slice(1).map(Number);
  return { status: child.status, wall, cpu: user + sys, rssMb: rssKb / 1024, load, stderr: child.stderr, stdout: child.stdout };
}

// The commit measured (dirty when src/ or bench/ differ from it): figures are quoted with it.
const git = (...args) => spawnSync('git', ['-C', root, ...args], { encoding: 'utf8' }).stdout.trim();
console.log(`commit ${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--', 'src', 'bench') ? '-dirty' : ''}, node ${process.version}`);

// 1. Two bombs: 400 MB and 2 GiB of one repeated CSV row, gzipped at level 9 (about 0.4 MB and 2 MB).
console.log(`| case | result | wall s | CPU s | peak RSS MB | target | load (1 min) |`);
console.log('| --- | --- | ---: | ---: | ---: | --- | ---: |');
for (const inflated of [400 * 2 ** 20, 2 ** 31]) {
  const bomb = path.join(dir, `bomb-${inflated}.csv.gz`);
  if (!existsSync(bomb)) {
    const gzip = createGzip({ level: 9 });
    const out = gzip.pipe(createWriteStream(`${bomb}.tmp`));
    gzip.write('a,b,c\n');
    const block = Buffer.from('1,2,3\n'.repeat(1 << 20));
    for (let written = 0; written < inflated; written += block.length) if (!gzip.write(block)) await once(gzip, 'drain');
    gzip.end();
    await once(out, 'finish');
    renameSync(`${bomb}.tmp`, bomb);
  }
  const bombOut = path.join(dir, 'out-bomb');
  rmSync(bombOut, { recursive: true, force: true });
  const b = measure([cli, 'run', '--reference', bomb, '--operational', bomb, '--out', bombOut]);
  const errorFile = path.join(bombOut, 'error.json');
  const error = existsSync(errorFile) ? JSON.parse(readFileSync(errorFile, 'utf8')) : null;
  console.log(`| gzip bomb (${(statSync(bomb).size / 2 ** 20).toFixed(2)} MB → ${(inflated / 2 ** 20).toFixed(0)} MiB) | exit ${b.status}, ${error?.error?.code ?? error?.code ?? 'no error.json'} | ${b.wall.toFixed(2)} | ${b.cpu.toFixed(2)} | ${b.rssMb.toFixed(0)} | < 5 s, < 300 MB, exit 3 | ${b.load.toFixed(2)} |`);
}

// 2. A numeric CSV of about `megabytes` MB: 20 columns of 6-decimal numbers.
const csv = path.join(dir, `numeric-${megabytes}mb.csv`);
const columns = 20;
if (!existsSync(csv)) {
  const rng = mulberry32(3).nextDouble53;
  const out = createWriteStream(`${csv}.tmp`);
  out.write(`${Array.from({ length: columns }, (_, k) => `x${k}`).join(',')}\n`);
  let size = 0;
  while (size < megabytes * 1e6) {
    let chunk = '';
    for (let r = 0; r < 5000; r++) {
      let line = '';
      for (let k = 0; k < columns; k++) line += `${k ? ',' : ''}${((rng() - 0.5) * 20 * (k + 1)).toFixed(6)}`;
      chunk += `${line}\n`;
    }
    size += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  renameSync(`${csv}.tmp`, csv);
}
const rows = readFileSync(csv).reduce((count, byte) => count + (byte === 10 ? 1 : 0), 0) - 1;
const decodedMb = (rows * columns * 8) / 2 ** 20;
/**
 * A script that reads the file given as its argument from local storage as `moa run` reads it (`reader`: the
 * ingest function of dist/ingest/formats.js, `call`: the expression that decodes `object` at `location`).
 */
function decodeScript(name, reader, call) {
  const script = path.join(dir, name);
  writeFileSync(
    script,
    `import { ${reader} } from ${JSON.stringify(path.join(root, 'dist/ingest/formats.js'))};\n` +
      `import { LocalStorage } from ${JSON.stringify(path.join(root, 'dist/storage/local.js'))};\n` +
      `import { parseLocation } from ${JSON.stringify(path.join(root, 'dist/storage/index.js'))};\n` +
      `const file = process.argv[2]; const storage = new LocalStorage(); const location = parseLocation(file, 'bench');\n` +
      `const [object] = await storage.list(location, 'bench');\n` +
      `const t = await ${call};\n` +
      `console.log(t.rows);\n`,
  );
  return script;
}
// Streamed from the file into the columns.
const decodeCsv = decodeScript('decode-only.mjs', 'decodeCsvStream', "decodeCsvStream(() => storage.stream(object, location, 'bench'), object.size, { format: 'csv', uri: file, subject: 'bench', types: {} })");
const d = measure([decodeCsv, csv]);
console.log(`| decode one ${(statSync(csv).size / 1e6).toFixed(0)} MB CSV, streamed from the file (${rows} × ${columns}; columns ${decodedMb.toFixed(0)} MB) | exit ${d.status} | ${d.wall.toFixed(2)} | ${d.cpu.toFixed(2)} | ${d.rssMb.toFixed(0)} (${(d.rssMb / decodedMb).toFixed(2)}× columns) | ≤ 2× | ${d.load.toFixed(2)} |`);
const runOut = path.join(dir, 'out-run');
const r = measure([cli, 'run', '--reference', csv, '--operational', csv, '--out', runOut]);
console.log(`| moa run, that CSV as reference and operational (columns ${(2 * decodedMb).toFixed(0)} MB) | exit ${r.status} | ${r.wall.toFixed(2)} | ${r.cpu.toFixed(2)} | ${r.rssMb.toFixed(0)} (${(r.rssMb / (2 * decodedMb)).toFixed(2)}× columns) | ≤ 2× | ${r.load.toFixed(2)} |`);
if (r.status !== 0 && r.status !== 10) console.log(r.stderr.slice(-1500));

// 3. A Parquet file of `parquetRows` rows × 20 float64 columns, written 500,000 rows at a time into row groups of
// 1,000,000 (the wasm heap holds about one row group while writing, never the file).
if (parquetRows > 0) {
  const parquet = path.join(dir, `numeric-${parquetRows}.parquet`);
  if (!existsSync(parquet)) {
    const { Compression, Table: WasmTable, WriterPropertiesBuilder, transformParquetStream } = parquetWasm();
    const rng = mulberry32(5).nextDouble53;
    let written = 0;
    const batches = new ReadableStream({
      pull(controller) {
        if (written >= parquetRows) return controller.close();
        const n = Math.min(500_000, parquetRows - written);
        const cols = {};
        for (let k = 0; k < columns; k++) {
          const values = new Float64Array(n);
          for (let i = 0; i < n; i++) values[i] = (rng() - 0.5) * 20 * (k + 1);
          cols[`x${k}`] = values;
        }
        const table = WasmTable.fromIPCStream(tableToIPC(tableFromArrays(cols), 'stream'));
        const recordBatches = table.recordBatches();
        table.free();
        for (const batch of recordBatches) controller.enqueue(batch);
        written += n;
      },
    });
    const props = new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).setMaxRowGroupSize(1_000_000).build();
    await pipeline(Readable.fromWeb(await transformParquetStream(batches, props)), createWriteStream(`${parquet}.tmp`));
    renameSync(`${parquet}.tmp`, parquet);
  }
  const parquetMb = (parquetRows * columns * 8) / 2 ** 20;
  // One column chunk at a time from a file-backed Blob.
  const decodeParquet = decodeScript('decode-parquet.mjs', 'decodeParquetBlob', "decodeParquetBlob(await storage.blob(object, location, 'bench'), { format: 'parquet', uri: file, subject: 'bench', types: {} })");
  const p = measure([decodeParquet, parquet]);
  console.log(`| decode one ${(statSync(parquet).size / 1e6).toFixed(0)} MB Parquet, column chunk by column chunk (${parquetRows} × ${columns}; columns ${parquetMb.toFixed(0)} MB) | exit ${p.status} | ${p.wall.toFixed(2)} | ${p.cpu.toFixed(2)} | ${p.rssMb.toFixed(0)} (${(p.rssMb / parquetMb).toFixed(2)}× columns) | ≤ 2× | ${p.load.toFixed(2)} |`);
  if (p.status !== 0) console.log(p.stderr.slice(-1500));
  const parquetOut = path.join(dir, 'out-run-parquet');
  const q = measure([cli, 'run', '--reference', parquet, '--operational', parquet, '--out', parquetOut]);
  console.log(`| moa run, that Parquet as reference and operational (columns ${(2 * parquetMb).toFixed(0)} MB) | exit ${q.status} | ${q.wall.toFixed(2)} | ${q.cpu.toFixed(2)} | ${q.rssMb.toFixed(0)} (${(q.rssMb / (2 * parquetMb)).toFixed(2)}× columns) | ≤ 2× | ${q.load.toFixed(2)} |`);
  if (q.status !== 0 && q.status !== 10) console.log(q.stderr.slice(-1500));
}
