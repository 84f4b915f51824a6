import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { resolveRoles, take, toDataset, type Dataset, type Roles } from '../../src/ingest/dataset.js';
import { decode } from '../../src/ingest/formats.js';
import { columnLength, type Column, type Table } from '../../src/ingest/table.js';
import { ConfigSchema, type Config, type ConfigInput } from '../../src/schema/config.js';
import { TEST_DATA_DIR, testDataText } from '../support/data.js';
import { tabularEncoder } from '../../src/analyze/encode.js';
import { fitSoftmax, predictProba } from '../../src/models/softmax.js';

export function config(overrides: Partial<ConfigInput> = {}): Config {
  return ConfigSchema.parse({ reference: 'mem://ref', operational: 'mem://op', out: 'mem://out', ...overrides });
}

export function csvTable(file: string): Table {
  return decode(new Uint8Array(readFileSync(file)), { format: 'csv', uri: file, subject: 'test', types: {} });
}

/** Rows of a table by index, as a dataset. */
export function rowsOf(table: Table, rows: Int32Array | number[], role: 'reference' | 'operational', uri = `mem://${role}`): Dataset {
  const picks = Int32Array.from(rows);
  return { role, uri, rows: picks.length, columns: new Map(table.columns.map((c) => [c.name, take(c, picks)])) };
}

export function datasetOf(columns: Column[], role: 'reference' | 'operational'): Dataset {
  const rows = columns.length === 0 ? 0 : columnLength(columns[0]!);
  return toDataset(role, `mem://${role}`, { rows, columns });
}

export function resolved(cfg: Config, reference: Dataset, operational: Dataset): { roles: Roles; reference: Dataset; operational: Dataset } {
  const { roles, datasets } = resolveRoles(cfg, reference, [operational]);
  return { roles, reference: datasets[0]!, operational: datasets[1]! };
}

export const numeric = (name: string, values: ArrayLike<number>): Column => {
  const v = Float64Array.from(values as ArrayLike<number>);
  const nulls = Uint8Array.from(v, (x) => (Number.isNaN(x) ? 1 : 0));
  return { name, type: 'numeric', values: v, nulls, integer: false };
};

export const categorical = (name: string, values: (string | null)[]): Column => {
  const categories: string[] = [];
  const index = new Map<string, number>();
  const codes = Int32Array.from(values, (v) => {
    if (v === null) return -1;
    let k = index.get(v);
    if (k === undefined) (k = categories.length), index.set(v, k), categories.push(v);
    return k;
  });
  return { name, type: 'categorical', codes, categories, boolean: false };
};

export function bikeDays(): Table {
  return csvTable(path.join(TEST_DATA_DIR, 'bike-sharing/day.csv.gz')); // decode gunzips by the .gz name
}

export const FASHION_DIR = '/usr/share/datasets/fashion-mnist';

/**
 * Fashion-MNIST from the Debian package, or a printed reason why not: under CI the package is required.
 * Returns images scaled to [0, 1] and labels.
 */
export function fashionMnist(split: 'train' | 't10k'): { images: Float32Array; labels: Uint8Array; n: number } | string {
  const images = path.join(FASHION_DIR, `${split}-images-idx3-ubyte.gz`);
  const labels = path.join(FASHION_DIR, `${split}-labels-idx1-ubyte.gz`);
  if (!existsSync(images) || !existsSync(labels)) {
    const reason = `Fashion-MNIST not found at ${FASHION_DIR} (install the Debian package dataset-fashion-mnist)`;
    if (process.env.CI === 'true') throw new Error(reason);
    return reason;
  }
  const img = gunzipSync(readFileSync(images));
  const lab = gunzipSync(readFileSync(labels));
  const n = img.readUInt32BE(4);
  const pixels = img.readUInt32BE(8) * img.readUInt32BE(12);
  const out = new Float32Array(n * pixels);
  for (let i = 0; i < out.length; i++) out[i] = img[16 + i]! / 255;
  return { images: out, labels: Uint8Array.from(lab.subarray(8, 8 + n)), n };
}

const ADULT_COLUMNS = ['age', 'workclass', 'fnlwgt', 'education', 'education-num', 'marital-status', 'occupation', 'relationship', 'race', 'sex', 'capital-gain', 'capital-loss', 'hours-per-week', 'native-country', 'income'];
const ADULT_NUMERIC = new Set(['age', 'fnlwgt', 'education-num', 'capital-gain', 'capital-loss', 'hours-per-week']);

/** UCI Adult training file (no header, ", "-separated, "?" = missing) as a table. */
export function adultTable(): Table {
  const text = testDataText('adult/adult.data.gz');
  const lines = text.split('\n').filter((l) => l.trim().length > 0);
  const cells = lines.map((l) => l.split(',').map((c) => c.trim()));
  const columns = ADULT_COLUMNS.map((name, j) =>
    ADULT_NUMERIC.has(name) ? numeric(name, cells.map((r) => Number(r[j]))) : categorical(name, cells.map((r) => (r[j] === '?' ? null : r[j]!))),
  );
  return { rows: lines.length, columns };
}

/**
 * Adult with a "production model": softmax regression fitted on the first 5 000 rows (so use rows from 5 000 on),
 * adding `proba_<class>` columns and a `prediction` column for the output-drift checks.
 */
export function adultWithModel(): Table {
  const table = adultTable();
  const fitRows = Int32Array.from({ length: 5000 }, (_, i) => i);
  const everyRow = Int32Array.from({ length: table.rows }, (_, i) => i);
  const all = rowsOf(table, everyRow, 'reference');
  const features = table.columns.map((c) => c.name).filter((n) => n !== 'income');
  const encoder = tabularEncoder(all, features, { squares: false });
  const income = table.columns.find((c) => c.name === 'income')!;
  if (income.type !== 'categorical') throw new Error('income should be categorical');
  const model = fitSoftmax(encoder.encode(all, fitRows), fitRows.map((i) => income.codes[i]!), income.categories.length, { epochs: 10, seed: 3 });
  const proba = predictProba(model, encoder.encode(all, everyRow));
  const k = income.categories.length;
  table.columns.push(
    ...income.categories.map((cls, c) => numeric(`proba_${cls}`, Float64Array.from({ length: table.rows }, (_, i) => proba[i * k + c]!))),
    categorical(
      'prediction',
      Array.from({ length: table.rows }, (_, i) => {
        let best = 0;
        for (let c = 1; c < k; c++) if (proba[i * k + c]! > proba[i * k + best]!) best = c;
        return income.categories[best]!;
      }),
    ),
  );
  return table;
}
