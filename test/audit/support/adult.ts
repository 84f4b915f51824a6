import type { Dataset } from '../../../src/ingest/dataset.js';
import type { Column } from '../../../src/ingest/table.js';
import { fitSoftmax, predictProba } from '../../../src/models/softmax.js';
import { testDataText } from '../../support/data.js';
import { argmaxRows, categorical, dataset, numeric, outputColumns } from './datasets.js';

/** UCI Adult (test/data/adult): 14 features, income label. */
export const NUMERIC = ['age', 'fnlwgt', 'education-num', 'capital-gain', 'capital-loss', 'hours-per-week'];
export const CATEGORICAL = ['workclass', 'education', 'marital-status', 'occupation', 'relationship', 'race', 'sex', 'native-country'];
const ORDER = ['age', 'workclass', 'fnlwgt', 'education', 'education-num', 'marital-status', 'occupation', 'relationship', 'race', 'sex', 'capital-gain', 'capital-loss', 'hours-per-week', 'native-country'];
export const CLASSES = ['<=50K', '>50K'];

export interface AdultPart {
  n: number;
  num: Record<string, Float64Array>;
  /** Category codes per feature into `categories[feature]` (-1 = missing, "?" in the files). */
  cat: Record<string, Int32Array>;
  y: Int32Array;
}

function parse(file: string, categories: Record<string, string[]>): AdultPart {
  const lines = testDataText(`adult/${file}.gz`)
    .split('\n')
    .filter((l) => l.includes(',') && !l.startsWith('|'));
  const n = lines.length;
  const num = Object.fromEntries(NUMERIC.map((f) => [f, new Float64Array(n)]));
  const cat = Object.fromEntries(CATEGORICAL.map((f) => [f, new Int32Array(n)]));
  const y = new Int32Array(n);
  lines.forEach((line, i) => {
    const parts = line.split(', ').map((s) => s.trim());
    ORDER.forEach((f, j) => {
      const v = parts[j]!;
      if (f in num) num[f]![i] = Number(v);
      else {
        const list = (categories[f] ??= []);
        let code = list.indexOf(v);
        if (v === '?') code = -1;
        else if (code < 0) code = list.push(v) - 1;
        cat[f]![i] = code;
      }
    });
    y[i] = parts[14]!.replace('.', '') === '>50K' ? 1 : 0;
  });
  return { n, num, cat, y };
}

export interface AdultSetup {
  categories: Record<string, string[]>;
  validation: AdultPart;
  operational: AdultPart;
  /** Class probabilities (n × 2) of the trained model on each part. */
  validationProba: Float64Array;
  operationalProba: Float64Array;
  /** A Dataset of some rows of a part, with the model's outputs and the given labels (default: the true ones). */
  toDataset(role: Dataset['role'], part: 'validation' | 'operational', rows?: Int32Array, labels?: Int32Array): Dataset;
}

/** One-hot categoricals (missing = all zero) after the numeric columns. */
function design(part: AdultPart, categories: Record<string, string[]>): { x: Float64Array; d: number } {
  const widths = CATEGORICAL.map((f) => categories[f]!.length);
  const d = NUMERIC.length + widths.reduce((a, b) => a + b, 0);
  const x = new Float64Array(part.n * d);
  for (let i = 0; i < part.n; i++) {
    let at = i * d;
    for (const f of NUMERIC) x[at++] = f === 'capital-gain' || f === 'capital-loss' ? Math.log1p(part.num[f]![i]!) : part.num[f]![i]!;
    CATEGORICAL.forEach((f, j) => {
      const code = part.cat[f]![i]!;
      if (code >= 0) x[at + code] = 1;
      at += widths[j]!;
    });
  }
  return { x, d };
}

/**
 * The "production model": softmax regression fitted on the first 16,000 rows of adult.data; validation is the rest
 * of adult.data (16,561 rows) and the operational data is adult.test (16,281 rows), both unseen by the model.
 */
export function adultSetup(): AdultSetup {
  const categories: Record<string, string[]> = {};
  const data = parse('adult.data', categories);
  const operational = parse('adult.test', categories);
  const slice = (p: AdultPart, from: number, to: number): AdultPart => ({
    n: to - from,
    num: Object.fromEntries(Object.entries(p.num).map(([k, v]) => [k, v.slice(from, to)])),
    cat: Object.fromEntries(Object.entries(p.cat).map(([k, v]) => [k, v.slice(from, to)])),
    y: p.y.slice(from, to),
  });
  const train = slice(data, 0, 16000);
  const validation = slice(data, 16000, data.n);
  const t = design(train, categories);
  const model = fitSoftmax(t.x, train.y, 2, { epochs: 8, seed: 3, learningRate: 0.02 });
  const validationProba = predictProba(model, design(validation, categories).x);
  const operationalProba = predictProba(model, design(operational, categories).x);
  const toDataset = (role: Dataset['role'], which: 'validation' | 'operational', rows?: Int32Array, labels?: Int32Array): Dataset => {
    const part = which === 'validation' ? validation : operational;
    const proba = which === 'validation' ? validationProba : operationalProba;
    const pick = rows ?? Int32Array.from({ length: part.n }, (_, i) => i);
    const columns: Column[] = [];
    for (const f of NUMERIC) columns.push(numeric(f, Float64Array.from(pick, (i) => part.num[f]![i]!)));
    for (const f of CATEGORICAL) columns.push(categorical(f, Int32Array.from(pick, (i) => part.cat[f]![i]!), categories[f]!));
    const p = new Float64Array(pick.length * 2);
    pick.forEach((i, r) => p.set(proba.subarray(i * 2, i * 2 + 2), r * 2));
    const y = Int32Array.from(pick, (i) => (labels ?? part.y)[i]!);
    columns.push(...outputColumns(CLASSES, y, argmaxRows(p, 2), p));
    return dataset(role, columns);
  };
  return { categories, validation, operational, validationProba, operationalProba, toDataset };
}

export const FEATURES = [...NUMERIC, ...CATEGORICAL];
