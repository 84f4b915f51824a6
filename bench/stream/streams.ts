import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { mulberry32 } from '../../src/stats/index.js';
import { fashionAvailable, fashionFrame, fashionMnist, FASHION_CLASSES } from '../scenarios/datasets.js';
import { drawByClass, random, shuffled } from '../scenarios/definitions.js';
import { repoRoot } from '../scenarios/repo.js';
import { rowsOf, type Frame } from '../scenarios/frame.js';

/** One stream in time order, cut into `windows` equal windows; the first `history` windows are the model's history. */
export interface StreamData {
  /** Every row in time order with its complete truth (`labelled` is set per label regime by the runner). */
  frame: Frame;
  windows: number;
  history: number;
  /** The operational window that gets the injected fault. */
  faultWindow: number;
  /** A class absent from the history that appears at `window` (streams built with one). */
  newClass: { name: string; window: number } | null;
  /** Windows where the generator (or the data's known history) changes the concept or the class mix. */
  changes: number[];
}

export interface StreamSpec {
  name: string;
  description: string;
  task: 'classification' | 'regression';
  /** In the BENCH_QUICK=1 subset (CI): needs nothing but the repository and Debian packages. */
  quick: boolean;
  /** The label regimes of the quick subset (together the quick streams meet each regime and fault kind once). */
  quickRegimes?: ('all' | 'p20' | 'late')[];
  /** Why the stream cannot be built here (a missing data file), or null. */
  unavailable: (dataDir: string) => string | null;
  build: (seed: number, o: { dataDir: string; quick: boolean }) => StreamData;
}

/** Where the public data sets are read from: --datasets DIR, MOA_DATASETS_DIR, else the repository's test/data. */
export function datasetsDir(args: string[]): string {
  const i = args.indexOf('--datasets');
  if (i >= 0 && args[i + 1]) return path.resolve(args[i + 1]!);
  // The checkout being run (npm run and jest start in it); the compiled copy's own location may be another checkout.
  const root = existsSync(path.join(process.cwd(), 'package.json')) ? process.cwd() : repoRoot();
  return process.env.MOA_DATASETS_DIR ?? path.join(root, 'test', 'data');
}

/** A data file under the data sets directory, stored plain or gzipped. */
function dataFile(dir: string, rel: string): string | null {
  for (const p of [path.join(dir, rel), path.join(dir, rel + '.gz')]) if (existsSync(p)) return p;
  return null;
}
const readText = (p: string): string => (p.endsWith('.gz') ? gunzipSync(readFileSync(p)) : readFileSync(p)).toString('utf8');
const missing = (rel: string) => (dir: string) => (dataFile(dir, rel) ? null : `${rel} not found under ${dir} (pass --datasets DIR or set MOA_DATASETS_DIR)`);
function csvRecords(dir: string, rel: string): Record<string, string>[] {
  const p = dataFile(dir, rel);
  if (!p) throw new Error(missing(rel)(dir)!);
  return parse(readText(p), { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
}

const HOUR = 3_600_000;
const START = Date.UTC(2026, 0, 1);

/** A frame from columns; ids from the stream name, times given or one hour apart. */
function frameOf(name: string, o: { numeric: Record<string, Float64Array>; categorical?: Record<string, (string | null)[]>; truth: string[] | Float64Array; ts?: number[] }): Frame {
  const n = o.truth.length;
  return {
    id: Array.from({ length: n }, (_, i) => `${name}-${String(i).padStart(6, '0')}`),
    ts: o.ts ?? Array.from({ length: n }, (_, i) => START + i * HOUR),
    numeric: o.numeric,
    categorical: o.categorical ?? {},
    truth: o.truth,
    labelled: new Uint8Array(n),
  };
}

// ---------- generators ----------

/**
 * SEA concepts (Street & Kim 2001): three features uniform on [0, 10], class 1 when f1 + f2 <= θ; θ moves through
 * 8, 9, 7, 9.5 in four equal blocks (abrupt drift at each block start); 10 % of labels flipped. f3 is irrelevant.
 */
function sea(seed: number, o: { quick: boolean }): StreamData {
  const windows = 16;
  const perWindow = o.quick ? 400 : 1000;
  const n = windows * perWindow;
  const rng = mulberry32(seed + 1001);
  const u = () => rng.nextDouble53();
  const f = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const truth: string[] = [];
  const thetas = [8, 9, 7, 9.5];
  for (let i = 0; i < n; i++) {
    for (const c of f) c[i] = 10 * u();
    const theta = thetas[Math.floor((i / n) * 4)]!;
    let y = f[0]![i]! + f[1]![i]! <= theta;
    if (u() < 0.1) y = !y;
    truth.push(y ? 'yes' : 'no');
  }
  return { frame: frameOf('sea', { numeric: { f1: f[0]!, f2: f[1]!, f3: f[2]! }, truth }), windows, history: 4, faultWindow: 10, newClass: null, changes: [4, 8, 12] };
}

/**
 * Rotating hyperplane as in MOA's HyperplaneGenerator: 10 features uniform on [0, 1], class = Σ wᵢxᵢ ≥ ½ Σ wᵢ;
 * after every row the first 5 weights move by 0.001 in their direction, which flips with probability 10 %
 * (gradual drift); 5 % label noise.
 */
function hyperplane(seed: number, o: { quick: boolean }): StreamData {
  const windows = 16;
  const perWindow = o.quick ? 400 : 1000;
  const n = windows * perWindow;
  const d = 10;
  const drifting = 5;
  const rng = mulberry32(seed + 2002);
  const u = () => rng.nextDouble53();
  const w = Float64Array.from({ length: d }, () => u());
  const sigma = Float64Array.from({ length: d }, () => 1);
  const x = Array.from({ length: d }, () => new Float64Array(n));
  const truth: string[] = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    let total = 0;
    for (let j = 0; j < d; j++) {
      x[j]![i] = u();
      s += w[j]! * x[j]![i]!;
      total += w[j]!;
    }
    let y = s >= 0.5 * total;
    if (u() < 0.05) y = !y;
    truth.push(y ? 'yes' : 'no');
    for (let j = 0; j < drifting; j++) {
      w[j]! += sigma[j]! * 0.001;
      if (u() < 0.1) sigma[j]! *= -1;
    }
  }
  const numeric = Object.fromEntries(x.map((v, j) => [`x${j}`, v]));
  return { frame: frameOf('hyperplane', { numeric, truth }), windows, history: 4, faultWindow: 10, newClass: null, changes: [] };
}

// ---------- images: a class appearing mid-stream, then a prior shift ----------

/**
 * Per-window class weights: `hidden` absent before `appears`, all classes alike until `shiftAt`, then the classes
 * in `favoured` three times as frequent.
 */
function classSchedule(k: number, hidden: number, appears: number, shiftAt: number, favoured: number[]) {
  return (w: number): number[] =>
    Array.from({ length: k }, (_, c) => (c === hidden && w < appears ? 0 : w >= shiftAt && favoured.includes(c) ? 3 : 1));
}

const SKLEARN_DIGITS = '/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz';
/** scikit-learn's digits (python3-sklearn), or digits.csv(.gz) under the data sets directory. */
const digitsFile = (dir: string): string | null => dataFile(dir, 'sklearn-bundled/digits.csv') ?? (existsSync(SKLEARN_DIGITS) ? SKLEARN_DIGITS : null);

/** Drawn without replacement from a shuffled pool, window by window, with `schedule`'s class weights. */
function drawWindows(labels: Uint8Array, windows: number, perWindow: number, schedule: (w: number) => number[], seed: number): number[] {
  const pool = shuffled(labels.length, random(seed));
  const used = new Set<number>();
  const rows: number[] = [];
  for (let w = 0; w < windows; w++) {
    const drawn = drawByClass(labels, pool, perWindow, schedule(w), used);
    // Within a window the order is random (drawByClass keeps pool order, which is already shuffled).
    rows.push(...drawn);
  }
  return rows;
}

function digits(seed: number, o: { dataDir: string }): StreamData {
  const file = digitsFile(o.dataDir)!;
  const records = parse(readText(file), { skip_empty_lines: true }) as string[][];
  const labels = Uint8Array.from(records, (r) => Number(r[64]));
  const windows = 12;
  const hidden = 7;
  const rows = drawWindows(labels, windows, 140, classSchedule(10, hidden, 6, 9, [0, 1, 2]), seed + 3003);
  const numeric: Record<string, Float64Array> = {};
  for (let j = 0; j < 64; j++) numeric[`px${String(j).padStart(2, '0')}`] = Float64Array.from(rows, (i) => Number(records[i]![j]));
  const truth = rows.map((i) => `digit${labels[i]}`);
  return { frame: frameOf('digits', { numeric, truth }), windows, history: 3, faultWindow: 8, newClass: { name: `digit${hidden}`, window: 6 }, changes: [6, 9] };
}

let fashionCache: ReturnType<typeof fashionMnist> | undefined;
function fashion(seed: number): StreamData {
  const train = (fashionCache ??= fashionMnist('train'));
  const windows = 16;
  const hidden = FASHION_CLASSES.indexOf('bag');
  // 600 rows a window: moa's tests on 49 pixel columns made 1,000-row windows take hours over the table.
  const rows = drawWindows(train.labels, windows, 600, classSchedule(10, hidden, 8, 12, [0, 1, 2]), seed + 4004);
  const f = fashionFrame(train, rows);
  return { frame: frameOf('fashion', { numeric: f.numeric, truth: f.truth }), windows, history: 4, faultWindow: 10, newClass: { name: 'bag', window: 8 }, changes: [8, 12] };
}

// ---------- real streams in time order ----------

/** UCI Bike Sharing, hourly, 2011-2012 in time order; target cnt (RMSE); the 2012 growth is the drift. */
function bike(_seed: number, o: { dataDir: string }): StreamData {
  const r = csvRecords(o.dataDir, 'bike-sharing/hour.csv');
  const num = (k: string) => Float64Array.from(r, (x) => Number(x[k]));
  const cat = (k: string) => r.map((x) => x[k]!);
  const frame = frameOf('bike', {
    numeric: { temp: num('temp'), atemp: num('atemp'), hum: num('hum'), windspeed: num('windspeed'), workingday: num('workingday'), holiday: num('holiday') },
    categorical: { hr: cat('hr'), weekday: cat('weekday'), weathersit: cat('weathersit'), season: cat('season') },
    truth: num('cnt'),
    ts: r.map((x) => Date.parse(`${x.dteday}T00:00:00Z`) + Number(x.hr) * HOUR),
  });
  return { frame, windows: 16, history: 4, faultWindow: 10, newClass: null, changes: [8] };
}

/**
 * UCI Bank Marketing in contact order (May 2008 - Nov 2010); the subscription rate rises from 4 % to 28 % over the
 * stream. V12 (call duration) is known only after the call and is left out, as a real pipeline would. The file has
 * no year, so times are spread evenly over the period.
 */
function bank(_seed: number, o: { dataDir: string }): StreamData {
  // Every third contact (15,071 rows, still in time order): the full file made one run of the table take hours on
  // two shared cores, most of it refitting the always/sliding/drift policies on up to 36,000 rows each window.
  const r = csvRecords(o.dataDir, 'bank-marketing/bank-marketing.csv').filter((_, i) => i % 3 === 0);
  const num = (k: string) => Float64Array.from(r, (x) => Number(x[k]));
  const cat = (k: string) => r.map((x) => x[k]!);
  const start = Date.UTC(2008, 4, 1);
  const span = Date.UTC(2010, 10, 30) - start;
  const frame = frameOf('bank', {
    numeric: { age: num('V1'), balance: num('V6'), day: num('V10'), campaign: num('V13'), pdays: num('V14'), previous: num('V15') },
    categorical: { job: cat('V2'), marital: cat('V3'), education: cat('V4'), default: cat('V5'), housing: cat('V7'), loan: cat('V8'), contact: cat('V9'), month: cat('V11'), poutcome: cat('V16') },
    truth: r.map((x) => (x.Class === '2' ? 'yes' : 'no')),
    ts: r.map((_, i) => start + Math.round((i / r.length) * span)),
  });
  return { frame, windows: 16, history: 4, faultWindow: 10, newClass: null, changes: [] };
}

/** Seattle daily weather 2012-2015 (vega-datasets): the weather class from precipitation, temperatures and wind. */
function seattle(_seed: number, o: { dataDir: string }): StreamData {
  const r = csvRecords(o.dataDir, 'seattle-weather/seattle-weather.csv');
  const num = (k: string) => Float64Array.from(r, (x) => Number(x[k]));
  const frame = frameOf('seattle', {
    numeric: { precipitation: num('precipitation'), temp_max: num('temp_max'), temp_min: num('temp_min'), wind: num('wind') },
    truth: r.map((x) => x.weather!),
    ts: r.map((x) => Date.parse(x.date!.replaceAll('/', '-') + 'T12:00:00Z')),
  });
  return { frame, windows: 12, history: 3, faultWindow: 8, newClass: null, changes: [3, 6] };
}

const always = () => null;

export const STREAMS: StreamSpec[] = [
  { name: 'bike', description: 'Bike Sharing hourly 2011-2012 in time order, count (RMSE)', task: 'regression', quick: false, unavailable: missing('bike-sharing/hour.csv'), build: bike },
  { name: 'bank', description: 'Bank Marketing in contact order, subscribed (duration left out)', task: 'classification', quick: false, unavailable: missing('bank-marketing/bank-marketing.csv'), build: bank },
  { name: 'seattle', description: 'Seattle daily weather 2012-2015, weather class', task: 'classification', quick: false, unavailable: missing('seattle-weather/seattle-weather.csv'), build: seattle },
  { name: 'sea', description: 'SEA concepts, θ 8 → 9 → 7 → 9.5 (abrupt), 10 % label noise', task: 'classification', quick: true, quickRegimes: ['all', 'p20', 'late'], unavailable: always, build: (s, o) => sea(s, o) },
  { name: 'hyperplane', description: 'rotating hyperplane, 10 features, 5 drifting by 0.001 per row (gradual), 5 % noise', task: 'classification', quick: true, quickRegimes: ['p20'], unavailable: always, build: (s, o) => hyperplane(s, o) },
  {
    name: 'digits',
    description: 'sklearn digits (8×8): digit7 absent until window 6, digits 0-2 three times as frequent from window 9',
    task: 'classification',
    quick: true,
    quickRegimes: ['late'],
    unavailable: (dir) => (digitsFile(dir) ? null : `digits not found (apt-get install python3-sklearn, or sklearn-bundled/digits.csv.gz under ${dir})`),
    build: (s, o) => digits(s, o),
  },
  {
    name: 'fashion',
    description: 'Fashion-MNIST pooled to 7×7: bag absent until window 8, t-shirt/trouser/pullover three times as frequent from window 12',
    task: 'classification',
    quick: false,
    unavailable: () => (fashionAvailable() ? null : 'Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)'),
    build: (s) => fashion(s),
  },
];

/** Row ranges of the `windows` equal windows of a stream. */
export function windowBounds(data: StreamData): number[] {
  const n = rowsOf(data.frame);
  return Array.from({ length: data.windows + 1 }, (_, w) => Math.round((w * n) / data.windows));
}

export type FaultKind = 'unit_x100' | 'nulls_70' | 'stuck';
export const FAULT_KINDS: FaultKind[] = ['unit_x100', 'nulls_70', 'stuck'];

/**
 * A pipeline fault in rows [from, to) of one numeric column: values ×100 (a unit change), 70 % of values null, or
 * every value stuck at the history's median. The column is drawn (seeded) among the numeric columns whose most
 * frequent history value covers under half the rows, so each fault is visible in the data.
 */
export function injectFault(f: Frame, kind: FaultKind, from: number, to: number, historyEnd: number, seed: number): { frame: Frame; column: string } {
  const candidates = Object.entries(f.numeric)
    .filter(([, v]) => {
      const counts = new Map<number, number>();
      let top = 0;
      for (let i = 0; i < historyEnd; i++) top = Math.max(top, counts.set(v[i]!, (counts.get(v[i]!) ?? 0) + 1).get(v[i]!)!);
      return top < historyEnd / 2;
    })
    .map(([k]) => k)
    .sort();
  if (candidates.length === 0) throw new Error('injectFault: no numeric column varies enough to break visibly');
  const rng = mulberry32(seed + 5005);
  const column = candidates[Math.floor(rng.nextDouble53() * candidates.length)]!;
  const v = Float64Array.from(f.numeric[column]!);
  const median = Float64Array.from(v.subarray(0, historyEnd)).sort()[Math.floor(historyEnd / 2)]!;
  for (let i = from; i < to; i++) {
    if (kind === 'unit_x100') v[i] = v[i]! * 100;
    else if (kind === 'nulls_70') v[i] = rng.nextDouble53() < 0.7 ? NaN : v[i]!;
    else v[i] = median;
  }
  return { frame: { ...f, numeric: { ...f.numeric, [column]: v } }, column };
}
