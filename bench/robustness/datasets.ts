/**
 * The public datasets of the robustness suite, read from one directory laid out as <dir>/adult/adult.data,
 * <dir>/bike-sharing/hour.csv, <dir>/bank-marketing/bank-marketing.csv, <dir>/seattle-weather/seattle-weather.csv,
 * <dir>/sklearn-bundled/{iris,wine_data,breast_cancer}.csv and digits.csv.gz, <dir>/fashion-mnist/t10k-*.gz; any
 * text file may be stored gzipped as `name.gz` (as test/data does). Adult, Bike Sharing and Fashion-MNIST use
 * bench/scenarios' loaders.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { adultFrame, bikeFrame, fashionFrame, fashionMnist, readDataText } from '../scenarios/datasets.js';
import type { Frame } from '../scenarios/frame.js';

export interface RobustnessDataset {
  name: string;
  task: 'classification' | 'regression';
  /** A file whose presence says the dataset is there. */
  file: string;
  load(dir: string): Frame;
}

const blank = (n: number) => ({ id: [] as string[], ts: [] as number[], labelled: new Uint8Array(n) });

/** sklearn's bundled CSVs: a header "n, d, class names…", then d feature columns and the class index. */
function sklearnCsv(text: string, names?: string[]): Frame {
  const rows = (parse(text, { skip_empty_lines: true, relax_column_count: true }) as string[][]).map((r) => r.map((v) => v.trim()));
  const hasHeader = names === undefined;
  const header = hasHeader ? rows[0]! : [];
  const classes = hasHeader ? header.slice(2) : names!;
  const data = hasHeader ? rows.slice(1) : rows;
  const d = data[0]!.length - 1;
  const numeric: Record<string, Float64Array> = {};
  for (let j = 0; j < d; j++) numeric[`x${String(j).padStart(2, '0')}`] = Float64Array.from(data, (r) => Number(r[j]));
  return { ...blank(data.length), numeric, categorical: {}, truth: data.map((r) => classes[Number(r[d])] ?? `class_${r[d]}`) };
}

function bankFrame(dir: string): Frame {
  const records = parse(readDataText(path.join(dir, 'bank-marketing', 'bank-marketing.csv')), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  // OpenML's anonymised names (V1…V16): age, job, marital, education, default, balance, housing, loan, contact,
  // day, month, duration, campaign, pdays, previous, poutcome; Class 2 = subscribed.
  const num = (k: string) => Float64Array.from(records, (r) => Number(r[k]));
  const cat = (k: string) => records.map((r) => r[k]!);
  return {
    ...blank(records.length),
    numeric: { age: num('V1'), balance: num('V6'), day: num('V10'), duration: num('V12'), campaign: num('V13'), pdays: num('V14'), previous: num('V15') },
    categorical: { job: cat('V2'), marital: cat('V3'), education: cat('V4'), housing: cat('V7'), loan: cat('V8'), contact: cat('V9'), month: cat('V11'), poutcome: cat('V16') },
    truth: records.map((r) => (r.Class === '2' ? 'yes' : 'no')),
  };
}

function seattleFrame(dir: string): Frame {
  const records = parse(readDataText(path.join(dir, 'seattle-weather', 'seattle-weather.csv')), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const num = (k: string) => Float64Array.from(records, (r) => Number(r[k]));
  return { ...blank(records.length), numeric: { precipitation: num('precipitation'), temp_max: num('temp_max'), temp_min: num('temp_min'), wind: num('wind') }, categorical: {}, truth: records.map((r) => r.weather!) };
}

export const ROBUSTNESS_DATASETS: RobustnessDataset[] = [
  { name: 'iris', task: 'classification', file: 'sklearn-bundled/iris.csv', load: (d) => sklearnCsv(readDataText(path.join(d, 'sklearn-bundled', 'iris.csv'))) },
  { name: 'wine', task: 'classification', file: 'sklearn-bundled/wine_data.csv', load: (d) => sklearnCsv(readDataText(path.join(d, 'sklearn-bundled', 'wine_data.csv'))) },
  { name: 'breast-cancer', task: 'classification', file: 'sklearn-bundled/breast_cancer.csv', load: (d) => sklearnCsv(readDataText(path.join(d, 'sklearn-bundled', 'breast_cancer.csv'))) },
  {
    name: 'digits',
    task: 'classification',
    file: 'sklearn-bundled/digits.csv',
    load: (d) => sklearnCsv(readDataText(path.join(d, 'sklearn-bundled', 'digits.csv')), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']),
  },
  { name: 'seattle-weather', task: 'classification', file: 'seattle-weather/seattle-weather.csv', load: seattleFrame },
  { name: 'adult', task: 'classification', file: 'adult/adult.data', load: (d) => adultFrame('adult.data', d) },
  { name: 'bank-marketing', task: 'classification', file: 'bank-marketing/bank-marketing.csv', load: bankFrame },
  { name: 'bike-sharing', task: 'regression', file: 'bike-sharing/hour.csv', load: (d) => ({ ...bikeFrame(d), id: [], ts: [] }) },
  {
    name: 'fashion-mnist',
    task: 'classification',
    file: 'fashion-mnist/t10k-images-idx3-ubyte',
    load: (d) => {
      const data = fashionMnist('t10k', 7, path.join(d, 'fashion-mnist'));
      return fashionFrame(data, Array.from({ length: data.labels.length }, (_, i) => i));
    },
  },
];

export const datasetAvailable = (ds: RobustnessDataset, dir: string): boolean => existsSync(path.join(dir, ds.file)) || existsSync(path.join(dir, `${ds.file}.gz`));
