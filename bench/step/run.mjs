// End-to-end benchmark of `moa run`: the color data scaled to N operational rows (default 1M) against a
// reference of N/2, with the model's predictions and probabilities, read from local Parquet. Prints wall time and
// peak memory of the CLI process per plan mode. Usage: npm run bench:step [-- N]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateColors, trainColorModel } from '../../dist/demo/color.js';
import { colorColumns } from '../../dist/demo/run-demo.js';
import { toParquet } from '../../dist/emit/parquet.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const n = Number(process.argv[2] ?? 1_000_000);
const dir = path.join(tmpdir(), `moa-bench-step-${n}`);
mkdirSync(dir, { recursive: true });
const DAY = 86_400_000;
let t = Date.now();
const reference = generateColors({ n: Math.round(n / 2), seed: 1, idPrefix: 'r', start: 0, days: 30 });
const model = trainColorModel(reference);
const validation = generateColors({ n: Math.min(100_000, Math.round(n / 10)), seed: 2, idPrefix: 'v', start: 30 * DAY, days: 5 });
const scenarios = {
  'no change': generateColors({ n, seed: 3, idPrefix: 'o', start: 40 * DAY, days: 30, labelled: 0.3 }),
  'drift + new class': generateColors({ n, seed: 4, idPrefix: 'o', start: 40 * DAY, days: 30, labelled: 0.3, brightness: 0.8, classes: { red: 0.176, green: 0.176, blue: 0.176, yellow: 0.176, orange: 0.176, purple: 0.12 } }),
};
writeFileSync(path.join(dir, 'reference.parquet'), toParquet(colorColumns(reference, model)));
writeFileSync(path.join(dir, 'validation.parquet'), toParquet(colorColumns(validation, model)));
for (const [name, rows] of Object.entries(scenarios)) writeFileSync(path.join(dir, `${name.replace(/\W+/g, '-')}.parquet`), toParquet(colorColumns(rows, model)));
console.log(`data: ${n} operational rows, ${Math.round(n / 2)} reference, written in ${((Date.now() - t) / 1000).toFixed(1)} s to ${dir}`);

console.log('| scenario | mode | action | tests run / full | wall s | peak RSS MB |');
console.log('| --- | --- | --- | --- | ---: | ---: |');
for (const name of Object.keys(scenarios)) {
  for (const mode of ['plan', 'full']) {
    const out = path.join(dir, `out-${name.replace(/\W+/g, '-')}-${mode}`);
    const args = ['-f', '%e %M', process.execPath, path.join(root, 'dist/cli.js'), 'run',
      '--reference', path.join(dir, 'reference.parquet'), '--operational', path.join(dir, `${name.replace(/\W+/g, '-')}.parquet`),
      '--validation', path.join(dir, 'validation.parquet'), '--out', out,
      '--label', 'color', '--prediction', 'predicted', '--proba', 'proba_', '--id', 'id', '--timestamp', 'ts', ...(mode === 'full' ? ['--full'] : [])];
    // /usr/bin/time prints wall seconds and peak resident set (KB) of the CLI process on its last stderr line.
    const child = spawnSync('/usr/bin/time', args, { env: { ...process.env, MOA_LOG_LEVEL: 'warn' }, encoding: 'utf8', maxBuffer: 1 << 26 });
    const last = child.stderr.trim().split('\n').pop() ?? '';
    if (child.status !== 0) {
      console.log(`| ${name} | ${mode} | exit ${child.status} | | | |\n${child.stderr.slice(-2000)}`);
      continue;
    }
    const [wall, rssKb] = last.split(/\s+/).map(Number);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    console.log(`| ${name} | ${mode} | ${results.decision.action} | ${results.plan.testsRun} / ${results.plan.testsFull} | ${wall.toFixed(1)} | ${Math.round(rssKb / 1024)} |`);
  }
}
