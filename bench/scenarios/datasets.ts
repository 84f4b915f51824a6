import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import type { Frame } from './frame.js';
import { testDataDir } from './repo.js';


/** The full Fashion-MNIST set from the Debian package dataset-fashion-mnist. */
export const FASHION_DIR = process.env.MOA_FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';
export const FASHION_CLASSES = ['tshirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'boot'];
export const fashionAvailable = (): boolean => existsSync(path.join(FASHION_DIR, 'train-images-idx3-ubyte.gz'));

/**
 * Fashion-MNIST images average-pooled from 28×28 to `side`×`side` (side divides 28) — 7×7 keeps the
 * benchmark fast on two cores while the classes stay separable (~80 % with softmax regression).
 */
export function fashionMnist(split: 'train' | 't10k', side = 7, dir = FASHION_DIR): { pixels: Float64Array; labels: Uint8Array; side: number } {
  const images = gunzipSync(readFileSync(path.join(dir, `${split}-images-idx3-ubyte.gz`)));
  const labels = gunzipSync(readFileSync(path.join(dir, `${split}-labels-idx1-ubyte.gz`)));
  const n = images.readUInt32BE(4);
  const rows = images.readUInt32BE(8);
  const pool = rows / side;
  if (!Number.isInteger(pool)) throw new RangeError(`fashionMnist: ${side} does not divide ${rows}`);
  const d = side * side;
  const pixels = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const base = 16 + i * rows * rows;
    for (let y = 0; y < rows; y++) for (let x = 0; x < rows; x++) pixels[i * d + Math.floor(y / pool) * side + Math.floor(x / pool)]! += images[base + y * rows + x]! / (pool * pool);
  }
  return { pixels, labels: new Uint8Array(labels.subarray(8, 8 + n)), side };
}

/** A Fashion-MNIST frame: one numeric column per pooled pixel (p00…), truth = class names; ids and times set later. */
export function fashionFrame(data: { pixels: Float64Array; labels: Uint8Array; side: number }, rows: ArrayLike<number>): Frame {
  const d = data.side * data.side;
  const numeric: Record<string, Float64Array> = {};
  for (let j = 0; j < d; j++) numeric[`p${String(j).padStart(2, '0')}`] = Float64Array.from({ length: rows.length }, (_, i) => data.pixels[rows[i]! * d + j]!);
  return {
    id: [],
    ts: [],
    numeric,
    categorical: {},
    truth: Array.from({ length: rows.length }, (_, i) => FASHION_CLASSES[data.labels[rows[i]!]!]!),
    labelled: new Uint8Array(rows.length),
  };
}

/** A data file as text: `file`, or `file.gz` as this repository stores it (test/data). */
export function readDataText(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : gunzipSync(readFileSync(`${file}.gz`)).toString('utf8');
}

/** UCI Adult (train and test files); truth = income class without the test file's trailing dot. */
export function adultFrame(file: 'adult.data' | 'adult.test', dir = testDataDir()): Frame {
  const text = readDataText(path.join(dir, 'adult', file));
  const records = (parse(text, { trim: true, skip_empty_lines: true, relax_column_count: true, from_line: file === 'adult.test' ? 2 : 1 }) as string[][]).filter((r) => r.length === 15);
  const num = (j: number) => Float64Array.from(records, (r) => Number(r[j]));
  const cat = (j: number) => records.map((r) => (r[j] === '?' ? null : r[j]!));
  return {
    id: [],
    ts: [],
    numeric: { age: num(0), education_num: num(4), capital_gain: num(10), capital_loss: num(11), hours_per_week: num(12) },
    categorical: { workclass: cat(1), marital_status: cat(5), occupation: cat(6), relationship: cat(7), race: cat(8), sex: cat(9) },
    truth: records.map((r) => (r[14]!.startsWith('>50K') ? 'high' : 'low')),
    labelled: new Uint8Array(records.length),
  };
}

/** UCI Bike Sharing hourly counts; truth = cnt; `ts` is the real hour; hr and weathersit are categorical. */
export function bikeFrame(dir = testDataDir()): Frame & { year: Uint8Array } {
  const text = readDataText(path.join(dir, 'bike-sharing', 'hour.csv'));
  const records = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const num = (k: string) => Float64Array.from(records, (r) => Number(r[k]));
  const cat = (k: string) => records.map((r) => r[k]!);
  return {
    id: records.map((r) => `hour-${r.instant}`),
    ts: records.map((r) => Date.parse(`${r.dteday}T00:00:00Z`) + Number(r.hr) * 3_600_000),
    numeric: { workingday: num('workingday'), holiday: num('holiday'), temp: num('temp'), atemp: num('atemp'), hum: num('hum'), windspeed: num('windspeed') },
    categorical: { hr: cat('hr'), weekday: cat('weekday'), weathersit: cat('weathersit'), season: cat('season') },
    truth: num('cnt'),
    labelled: new Uint8Array(records.length).fill(1),
    year: Uint8Array.from(records, (r) => Number(r.yr)),
  };
}
