/**
 * The manifest a real training stage uses as it is: a late-label run (operational part files without labels, the
 * labels in a feed under another column name) writes a selection whose rows carry stable ids, their labels and
 * their weights; `sources`, the selection and its counts agree; and the worked training stages (Python with pandas
 * + scikit-learn, and TypeScript) train on exactly those rows with those weights.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { tableFromIPC } from 'apache-arrow';
import { parse } from 'csv-parse/sync';
import { readParquet } from 'parquet-wasm';
import { trainFromManifest } from '../../examples/train-typescript/train.js';
import { colorColumns, colorDemoData } from '../../src/demo/run-demo.js';
import { toCsv } from '../../src/emit/csv.js';
import { toParquet, type ParquetColumn } from '../../src/emit/parquet.js';
import type { Manifest } from '../../src/schema/manifest.js';
import { REPO_ROOT, runCli } from '../support/cli.js';

type Row = Record<string, string | number | null>;
const PYTHON = '/usr/bin/python3';
const DAY = 86_400_000;
// Hooks and tests here spawn whole `moa run`s and training stages (20-40 s each on an idle 2-core machine); a shared
// machine takes several times that. A timeout is no assertion about speed here (bench/ measures speed).
jest.setTimeout(300_000);

function rowsOf(file: string): Row[] {
  if (file.endsWith('.csv')) return parse(readFileSync(file), { columns: true, skip_empty_lines: true }) as Row[];
  const table = tableFromIPC(readParquet(readFileSync(file)).intoIPCStream());
  return table.toArray().map((r) => r.toJSON() as Row);
}

const slice = (columns: Record<string, ParquetColumn>, from: number, to: number) =>
  Object.fromEntries(Object.entries(columns).map(([k, c]) => [k, { ...c, values: Array.prototype.slice.call(c.values, from, to) } as ParquetColumn]));

/**
 * Why the Python example cannot run here, or null. With CSV it needs pandas and scikit-learn (Debian packages, so
 * under CI they must be there); Parquet also needs pyarrow, which Debian 12 does not package.
 */
function pythonMissing(format: 'parquet' | 'csv'): string | null {
  const modules = format === 'csv' ? 'pandas, sklearn' : 'pandas, sklearn, pyarrow';
  try {
    execFileSync(PYTHON, ['-c', `import ${modules}`], { stdio: 'pipe' });
    return null;
  } catch {
    const reason = `${PYTHON} cannot import ${modules} (CSV: apt-get install python3-pandas python3-sklearn; Parquet also needs pyarrow, not packaged in Debian 12)`;
    if (format === 'csv' && process.env.CI === 'true') throw new Error(reason);
    return reason;
  }
}

describe('training stage on a late-label run', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'moa-train-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const feedLabel = new Map<string, string>();

  /**
   * The inputs in one format: reference and validation with labels; serving logs without any label column, with a
   * model-version column, in two part files; the label feed (labels that arrived three days after the request) with
   * its label in a column named `outcome`. CSV needs the time columns typed, as a config file does.
   */
  function writeInputs(format: 'parquet' | 'csv'): string {
    const data = path.join(dir, `data-${format}`);
    const { model, reference, validation, operational } = colorDemoData(7);
    mkdirSync(path.join(data, 'operational'), { recursive: true });
    mkdirSync(path.join(data, 'labels'), { recursive: true });
    const write = (file: string, columns: Record<string, ParquetColumn>) => writeFileSync(path.join(data, `${file}.${format}`), format === 'csv' ? toCsv(columns) : toParquet(columns));
    write('reference', colorColumns(reference, model));
    write('validation', colorColumns(validation, model));
    const { color: _labels, ...logged } = colorColumns(operational, model);
    const n = operational.id.length;
    const withVersion = { ...logged, model_version: { type: 'string', values: operational.id.map(() => 'v3') } as ParquetColumn };
    write('operational/part-00000', slice(withVersion, 0, 1200));
    write('operational/part-00001', slice(withVersion, 1200, n));
    const ids: string[] = [];
    const outcomes: string[] = [];
    const times: number[] = [];
    operational.color.forEach((c, i) => {
      if (c === null) return;
      ids.push(operational.id[i]!);
      outcomes.push(c);
      times.push(operational.ts[i]! + 3 * DAY);
      feedLabel.set(operational.id[i]!, c);
    });
    write('labels/part-0', { id: { type: 'string', values: ids }, outcome: { type: 'string', values: outcomes }, label_ts: { type: 'timestamp', values: times } });
    writeFileSync(path.join(data, 'moa.yaml'), 'columns:\n  types: { ts: timestamp, label_ts: timestamp }\n');
    return data;
  }

  const run = async (format: 'parquet' | 'csv', out: string, extra: string[]) => {
    const data = writeInputs(format);
    const result = await runCli([
      'run', '--reference', path.join(data, `reference.${format}`), '--operational', path.join(data, 'operational'), '--validation', path.join(data, `validation.${format}`),
      '--config', path.join(data, 'moa.yaml'),
      '--labels', path.join(data, 'labels'), '--label', 'color', '--label-feed-column', 'outcome', '--prediction', 'predicted', '--proba', 'proba_',
      '--id', 'id', '--timestamp', 'ts', '--model-version', 'model_version', '--out', path.join(dir, out), ...extra,
    ]);
    expect(result.stderr).not.toContain('"level":"error"');
    expect(result.code).toBe(0);
    return JSON.parse(readFileSync(path.join(dir, out, 'retrain-config.json'), 'utf8')) as Manifest;
  };

  for (const format of ['parquet', 'csv'] as const) {
    describe(`selection as ${format}`, () => {
      let manifest: Manifest;
      let selection: Row[];
      beforeAll(async () => {
        manifest = await run(format, `out-${format}`, format === 'csv' ? ['--selection-format', 'csv'] : []);
        selection = rowsOf(manifest.data.weights!.uri);
      });

      it('retrains, with one selection file whose counts, weight sum and sources agree with the manifest', () => {
        expect(['retrain', 'reweight']).toContain(manifest.decision.action);
        const weights = manifest.data.weights!;
        expect(weights.uri).toBe(path.join(dir, `out-${format}`, 'selection', `weights.${format}`));
        expect(weights.format).toBe(format);
        expect(Object.keys(selection[0]!)).toEqual(['source', 'uri', 'row', 'id', 'label', 'weight']);
        expect(selection.length).toBe(weights.rows);
        const sum = selection.reduce((a, r) => a + Number(r.weight), 0);
        expect(Math.abs(sum - weights.weightSum)).toBeLessThan(1e-9 * weights.weightSum);
        const count = (s: string) => selection.filter((r) => r.source === s).length;
        expect(weights.bySource).toEqual({ reference: count('reference'), operational: count('operational') });
        for (const source of manifest.data.sources) {
          if (source.role === 'validation') continue;
          expect({ role: source.role, rows: source.rows }).toEqual({ role: source.role, rows: count(source.role) });
          if (count(source.role) === 0) expect(source.use).toBe('none');
        }
        expect(manifest.data.features.sort()).toEqual(['b', 'camera', 'g', 'r']);
      });

      it('every row names its object and row there, carries the id found at that row, and its label (late labels from the feed)', () => {
        const objects = new Map<string, Row[]>();
        const at = (uri: string) => (objects.has(uri) ? objects.get(uri)! : (objects.set(uri, rowsOf(uri)), objects.get(uri)!));
        let fromFeed = 0;
        for (const r of selection) {
          const source = at(String(r.uri))[Number(r.row)]!;
          expect(String(source.id)).toBe(String(r.id));
          if (r.source === 'operational') {
            expect(String(r.uri)).toMatch(new RegExp(`operational/part-0000[01]\\.${format}$`));
            expect(r.label).toBe(feedLabel.get(String(r.id)));
            fromFeed++;
          } else {
            expect(String(r.label)).toBe(String(source.color));
          }
        }
        expect(fromFeed).toBeGreaterThan(100);
        // Which objects appear depends on the recommended candidate (recent_window: operational rows only).
        const uris = new Set(selection.map((r) => path.basename(String(r.uri))));
        const expected = [`reference.${format}`, `part-00000.${format}`, `part-00001.${format}`];
        for (const u of uris) expect(expected).toContain(u);
        expect(uris.has(`reference.${format}`)).toBe(manifest.data.weights!.bySource.reference > 0);
        expect([...uris].some((u) => u.startsWith('part-'))).toBe(true);
      });

      it('the Python example (pandas + scikit-learn) trains on exactly the selected rows with their weights', () => {
        const missing = pythonMissing(format);
        if (missing) {
          console.warn(`skipped: ${missing}`);
          return;
        }
        const out = execFileSync(PYTHON, [path.join(REPO_ROOT, 'examples/train-python/train.py'), path.join(dir, `out-${format}`, 'retrain-config.json'), path.join(dir, `model-${format}.pkl`)], { encoding: 'utf8' });
        const summary = JSON.parse(out.trim().split('\n').pop()!) as { trained: boolean; rows: number; weight_sum: number; by_source: Record<string, number>; distinct_ids: number; classes: string[]; training_accuracy: number };
        expect(summary.trained).toBe(true);
        expect(summary.rows).toBe(manifest.data.weights!.rows);
        expect(Math.abs(summary.weight_sum - manifest.data.weights!.weightSum)).toBeLessThan(1e-9 * manifest.data.weights!.weightSum);
        expect(summary.by_source).toEqual(Object.fromEntries(Object.entries(manifest.data.weights!.bySource).filter(([, v]) => v > 0)));
        expect(summary.classes).toEqual([...new Set(selection.map((r) => String(r.label)))].sort());
        expect(summary.training_accuracy).toBeGreaterThan(0.8);
        expect(existsSync(path.join(dir, `model-${format}.pkl`))).toBe(true);
      });

      it('the TypeScript example trains on exactly the selected rows with their weights', async () => {
        const result = await trainFromManifest(path.join(dir, `out-${format}`, 'retrain-config.json'));
        expect(result.trained).toBe(true);
        expect(result.rows).toBe(manifest.data.weights!.rows);
        expect(Math.abs(result.weightSum! - manifest.data.weights!.weightSum)).toBeLessThan(1e-9 * manifest.data.weights!.weightSum);
        expect(result.bySource).toEqual(Object.fromEntries(Object.entries(manifest.data.weights!.bySource).filter(([, v]) => v > 0)));
        expect(result.model!.classes).toEqual([...new Set(selection.map((r) => String(r.label)))].sort());
      });
    });
  }

  it('without --id, a selected row\'s id is its object URI and row number', async () => {
    const data = writeInputs('parquet');
    const { model, operational } = colorDemoData(7);
    writeFileSync(path.join(data, 'inline.parquet'), toParquet(colorColumns(operational, model)));
    const result = await runCli(['run', '--reference', path.join(data, 'reference.parquet'), '--operational', path.join(data, 'inline.parquet'), '--label', 'color', '--prediction', 'predicted', '--timestamp', 'ts', '--ignore', 'id', '--out', path.join(dir, 'out-noid')]);
    expect(result.code).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'out-noid', 'retrain-config.json'), 'utf8')) as Manifest;
    const rows = rowsOf(manifest.data.weights!.uri);
    expect(rows.length).toBe(manifest.data.weights!.rows);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.id).toBe(`${r.uri}#${r.row}`);
  });
});
