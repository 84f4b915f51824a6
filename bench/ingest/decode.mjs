// Micro-benchmark of the CSV reader alone: decodes files already on disk (default: the categorical and numeric
// inputs that `npm run bench:step -- --rows 1000000` generates) the way `moa run` reads a local file (streamed in
// chunks), and prints CPU and wall seconds per file, best of --repeat, with a checksum of the decoded columns so two
// builds can be compared for identical tables.
//
// With --together, the files are also decoded all at once (as `moa run` reads its inputs: a file of 4 MiB or more
// in a worker thread), printing the CPU and wall of the whole.
//
// Usage: npm run build && node bench/ingest/decode.mjs [--repeat 3] [--together] [FILE.csv ...]
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { decodeCsvStream } from '../../dist/ingest/formats.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const k = args.indexOf('--repeat');
const repeat = k >= 0 ? Number(args.splice(k, 2)[1]) : 3;
const t = args.indexOf('--together');
const together = t >= 0 && args.splice(t, 1).length > 0;
const dir = path.join(tmpdir(), 'moa-bench-step-1000000');
const files = args.length ? args : ['categorical-reference.csv', 'numeric-reference.csv'].map((f) => path.join(dir, f));

/** The decoded table's content as a hash: values' bytes, null masks, codes and category strings, in column order. */
function digest(table) {
  const hash = createHash('sha256');
  hash.update(String(table.rows));
  for (const c of table.columns) {
    hash.update(`${c.name}:${c.type}:${c.integer ?? ''}:${c.boolean ?? ''}`);
    for (const part of [c.values, c.nulls, c.codes]) if (part) hash.update(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
    if (c.categories) hash.update(JSON.stringify(c.categories));
  }
  return hash.digest('hex').slice(0, 16);
}

let commit = '?';
try {
  commit = execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim();
} catch {}
console.log(`commit ${commit}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const decodeFile = async (file) => decodeCsvStream(() => createReadStream(file, { highWaterMark: 1 << 20 }), (await stat(file)).size, { format: 'csv', uri: file, subject: '--bench', types: {} });
for (const file of files) {
  const size = (await stat(file)).size;
  let best = { cpu: Infinity, wall: Infinity };
  let sum = '';
  for (let r = 0; r < repeat; r++) {
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const table = await decodeFile(file);
    const cpu = process.cpuUsage(cpu0);
    const wall = (performance.now() - wall0) / 1000;
    best = { cpu: Math.min(best.cpu, (cpu.user + cpu.system) / 1e6), wall: Math.min(best.wall, wall) };
    sum = digest(table);
  }
  console.log(`${path.basename(file)}: ${(size / 1e6).toFixed(0)} MB, CPU ${best.cpu.toFixed(2)} s, wall ${best.wall.toFixed(2)} s (best of ${repeat}), table ${sum}`);
}
if (together) {
  let best = { cpu: Infinity, wall: Infinity };
  for (let r = 0; r < repeat; r++) {
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    await Promise.all(files.map(decodeFile));
    const cpu = process.cpuUsage(cpu0);
    best = { cpu: Math.min(best.cpu, (cpu.user + cpu.system) / 1e6), wall: Math.min(best.wall, (performance.now() - wall0) / 1000) };
  }
  console.log(`all ${files.length} at once: CPU ${best.cpu.toFixed(2)} s, wall ${best.wall.toFixed(2)} s (best of ${repeat})`);
}
