import { generateColors, type ColorOptions } from '../../src/demo/color.js';
import type { Action } from '../../src/schema/results.js';
import { mulberry32 } from '../../src/stats/index.js';
import { adultFrame, bikeFrame, fashionAvailable, fashionFrame, fashionMnist, FASHION_CLASSES } from './datasets.js';
import { rowsOf, stamp, take, type Frame } from './frame.js';

/** The four sets of a scenario. The reference is fully labelled; the future set is for evaluation only. */
export interface ScenarioData {
  reference: Frame;
  /** Held-out rows of the reference world, with the production model's predictions (moa's baseline). */
  validation: Frame;
  /** The window the step sees; only its `labelled` rows carry a label. */
  operational: Frame;
  /** What comes next, from the operational world (a pipeline bug fixed): evaluation of a, b and c. */
  future: Frame;
}

export interface Scenario {
  name: string;
  /** What happens, in a line. */
  description: string;
  /** The action a careful engineer would take; fixed before the scenario was first run. */
  expected: Action;
  task: 'classification' | 'regression';
  /** Cheap enough for the CI subset. */
  quick: boolean;
  /** Why this scenario cannot run here (a missing data set), or null. */
  unavailable: () => string | null;
  build: (seed: number) => ScenarioData;
}

const SEPTEMBER = Date.UTC(2026, 8, 1);
const OCTOBER = Date.UTC(2026, 9, 1);
const NOVEMBER = Date.UTC(2026, 10, 1);
const DECEMBER = Date.UTC(2026, 11, 1);

export const random = (seed: number) => {
  const rng = mulberry32(seed);
  return () => rng.nextDouble53();
};

export function shuffled(n: number, next: () => number): Int32Array {
  const a = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** Ids, times and labelled shares for the four sets of a synthetic scenario (times: Sep, Oct, Nov, Dec). */
function timeline(sets: { reference: Frame; validation: Frame; operational: Frame; future: Frame }, labelled: number, seed: number): ScenarioData {
  const next = random(seed ^ 0x5eed);
  return {
    reference: stamp(sets.reference, { prefix: 'ref-', start: SEPTEMBER, days: 30, labelled: 1, next }),
    validation: stamp(sets.validation, { prefix: 'val-', start: OCTOBER, days: 5, labelled: 1, next }),
    operational: stamp(sets.operational, { prefix: 'op-', start: NOVEMBER, days: 28, labelled, next }),
    future: stamp(sets.future, { prefix: 'fut-', start: DECEMBER, days: 28, labelled: 1, next }),
  };
}

// ---------- color (the SEI study's data set, src/demo/color.ts) ----------

function colorFrame(o: Omit<ColorOptions, 'idPrefix' | 'start' | 'days'>): Frame {
  const rows = generateColors({ ...o, idPrefix: '', start: 0, days: 1, labelled: 1 });
  return { id: rows.id, ts: rows.ts, numeric: { r: rows.r, g: rows.g, b: rows.b }, categorical: { camera: rows.camera }, truth: rows.color as string[], labelled: new Uint8Array(rows.id.length) };
}

function colorScenario(seed: number, operational: Omit<ColorOptions, 'idPrefix' | 'start' | 'days' | 'n' | 'seed'>, labelled: number, change: (f: Frame, next: () => number) => Frame = (f) => f, changeFuture = true): ScenarioData {
  const next = random(seed + 99);
  const op = colorFrame({ n: 2000, seed: seed + 2, ...operational });
  const fut = colorFrame({ n: 2000, seed: seed + 3, ...operational });
  return timeline(
    {
      reference: colorFrame({ n: 3000, seed }),
      validation: colorFrame({ n: 1000, seed: seed + 1 }),
      operational: change(op, next),
      future: changeFuture ? change(fut, next) : fut,
    },
    labelled,
    seed,
  );
}

const WITH_PURPLE = { red: 0.176, green: 0.176, blue: 0.176, yellow: 0.176, orange: 0.176, purple: 0.12 };

/** Concept drift: orange seen by camera B is now labelled red (a relabelling policy in one region of the inputs). */
function relabelOrangeOnCameraB(f: Frame): Frame {
  const truth = (f.truth as string[]).map((c, i) => (c === 'orange' && f.categorical.camera![i] === 'cam-b' ? 'red' : c));
  return { ...f, truth };
}

/** Pipeline bug: the green channel arrives empty for a third of the window (a contiguous burst). */
function nullBurst(column: string, from: number, to: number) {
  return (f: Frame): Frame => {
    const v = Float64Array.from(f.numeric[column]!);
    const n = rowsOf(f);
    for (let i = Math.floor(from * n); i < Math.floor(to * n); i++) v[i] = NaN;
    return { ...f, numeric: { ...f.numeric, [column]: v } };
  };
}

// ---------- Fashion-MNIST (Debian package) ----------

let fashionCache: { train: ReturnType<typeof fashionMnist>; test: ReturnType<typeof fashionMnist> } | undefined;
const fashion = () => (fashionCache ??= { train: fashionMnist('train'), test: fashionMnist('t10k') });
const fashionMissing = () => (fashionAvailable() ? null : 'Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)');

/** Rows of `labels` drawn in order from a shuffled pool, with per-class weights (0 drops a class). */
export function drawByClass(labels: Uint8Array, pool: Int32Array, n: number, weights: number[], used: Set<number>): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const want = weights.map((w) => Math.round((n * w) / total));
  const out: number[] = [];
  for (const i of pool) {
    if (used.has(i)) continue;
    const c = labels[i]!;
    if (want[c]! > 0) {
      want[c]!--;
      used.add(i);
      out.push(i);
    }
  }
  return out;
}

function fashionScenario(seed: number, o: { referenceWeights: number[]; operationalWeights: number[]; labelled: number; noise?: number }): ScenarioData {
  const { train, test } = fashion();
  const next = random(seed);
  const trainPool = shuffled(train.labels.length, next);
  const testPool = shuffled(test.labels.length, next);
  const used = new Set<number>();
  const usedTest = new Set<number>();
  const reference = fashionFrame(train, drawByClass(train.labels, trainPool, 6000, o.referenceWeights, used));
  const validation = fashionFrame(train, drawByClass(train.labels, trainPool, 2000, o.referenceWeights, used));
  let operational = fashionFrame(train, drawByClass(train.labels, trainPool, 4000, o.operationalWeights, used));
  let future = fashionFrame(test, drawByClass(test.labels, testPool, 4000, o.operationalWeights, usedTest));
  if (o.noise) {
    // Sensor corruption: additive Gaussian noise on every pooled pixel, clipped to the pixel range.
    const corrupt = (f: Frame): Frame => ({
      ...f,
      numeric: Object.fromEntries(Object.entries(f.numeric).map(([k, v]) => [k, Float64Array.from(v, (x) => Math.min(255, Math.max(0, x + o.noise! * Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()))))])),
    });
    operational = corrupt(operational);
    future = corrupt(future);
  }
  return timeline({ reference, validation, operational, future }, o.labelled, seed);
}

const UNIFORM = FASHION_CLASSES.map(() => 1);

// ---------- Adult, Bike Sharing (test/data) ----------

function adultSubgroup(seed: number): ScenarioData {
  const next = random(seed);
  const train = adultFrame('adult.data');
  const test = adultFrame('adult.test');
  const pool = shuffled(rowsOf(train), next);
  // Operational and future: married people make up 80 % of the rows (about 46 % in the census sample).
  const married: number[] = [];
  const other: number[] = [];
  for (const i of shuffled(rowsOf(test), next)) (test.categorical.marital_status![i] === 'Married-civ-spouse' ? married : other).push(i);
  const mix = (from: number) => [...married.slice(from * 3200, (from + 1) * 3200), ...other.slice(from * 800, (from + 1) * 800)];
  const order = (idx: number[]) => Array.from(shuffled(idx.length, next), (k) => idx[k]!);
  return timeline(
    {
      reference: take(train, pool.subarray(0, 8000)),
      validation: take(train, pool.subarray(8000, 10000)),
      operational: take(test, order(mix(0))),
      future: take(test, order(mix(1))),
    },
    0.4,
    seed,
  );
}

function bikeScenario(seed: number, unitBug: boolean): ScenarioData {
  const next = random(seed);
  const all = bikeFrame();
  const y2011: number[] = [];
  const early2012: number[] = [];
  const late2012: number[] = [];
  all.ts.forEach((t, i) => {
    if (all.year[i] === 0) y2011.push(i);
    else if (t < Date.UTC(2012, 4, 1)) early2012.push(i);
    else late2012.push(i);
  });
  const holdout = new Set(Array.from(shuffled(y2011.length, next).subarray(0, Math.round(y2011.length * 0.2)), (k) => y2011[k]!));
  let operational = take(all, early2012);
  if (unitBug) {
    // An upstream change ships temperature in °C instead of the normalised t/41 the model was trained on.
    operational = { ...operational, numeric: { ...operational.numeric, temp: Float64Array.from(operational.numeric.temp!, (t) => t * 41) } };
  }
  return {
    reference: take(all, y2011.filter((i) => !holdout.has(i))),
    validation: take(all, [...holdout].sort((a, b) => a - b)),
    operational,
    future: take(all, late2012),
  };
}

const always = () => null;

export const SCENARIOS: Scenario[] = [
  {
    name: 'color_new_class',
    description: 'color: purple (12 %) appears, 40 % of labels in',
    expected: 'retrain',
    task: 'classification',
    quick: true,
    unavailable: always,
    build: (seed) => colorScenario(seed, { classes: WITH_PURPLE }, 0.4),
  },
  {
    name: 'color_drift',
    description: 'color: every channel darkened to 70 % (camera exposure), 40 % labelled',
    expected: 'retrain',
    task: 'classification',
    quick: false,
    unavailable: always,
    build: (seed) => colorScenario(seed, { brightness: 0.7 }, 0.4),
  },
  {
    name: 'color_control',
    description: 'color: no change (false-alarm control), 40 % labelled',
    expected: 'none',
    task: 'classification',
    quick: true,
    unavailable: always,
    build: (seed) => colorScenario(seed, {}, 0.4),
  },
  {
    name: 'color_concept',
    description: 'color: orange from camera B relabelled red (concept drift in one region), 40 % labelled',
    expected: 'retrain',
    task: 'classification',
    quick: false,
    unavailable: always,
    build: (seed) => colorScenario(seed, {}, 0.4, relabelOrangeOnCameraB),
  },
  {
    name: 'color_null_burst',
    description: 'color: pipeline bug, g empty for a third of the window (fixed by the future)',
    expected: 'fix_data',
    task: 'classification',
    quick: true,
    unavailable: always,
    build: (seed) => colorScenario(seed, {}, 0.4, nullBurst('g', 0.4, 0.75), false),
  },
  {
    name: 'color_drift_no_labels',
    description: 'color: darkened to 70 %, 0.3 % of labels in',
    expected: 'collect_labels',
    task: 'classification',
    quick: false,
    unavailable: always,
    build: (seed) => colorScenario(seed, { brightness: 0.7 }, 0.003),
  },
  {
    name: 'fmnist_new_class',
    description: 'Fashion-MNIST 7×7: ankle boots (unseen) appear, 40 % labelled',
    expected: 'retrain',
    task: 'classification',
    quick: false,
    unavailable: fashionMissing,
    build: (seed) => fashionScenario(seed, { referenceWeights: UNIFORM.map((w, c) => (c === 9 ? 0 : w)), operationalWeights: UNIFORM, labelled: 0.4 }),
  },
  {
    name: 'fmnist_label_shift',
    description: 'Fashion-MNIST 7×7: t-shirts, trousers, pullovers 4× as common, no labels yet',
    expected: 'reweight',
    task: 'classification',
    quick: false,
    unavailable: fashionMissing,
    build: (seed) => fashionScenario(seed, { referenceWeights: UNIFORM, operationalWeights: UNIFORM.map((w, c) => (c < 3 ? 4 : w)), labelled: 0 }),
  },
  {
    name: 'fmnist_noise',
    description: 'Fashion-MNIST 7×7: Gaussian sensor noise (σ = 40 of 255), 40 % labelled',
    expected: 'retrain',
    task: 'classification',
    quick: false,
    unavailable: fashionMissing,
    build: (seed) => fashionScenario(seed, { referenceWeights: UNIFORM, operationalWeights: UNIFORM, labelled: 0.4, noise: 40 }),
  },
  {
    name: 'fmnist_control',
    description: 'Fashion-MNIST 7×7: no change (false-alarm control), 40 % labelled',
    expected: 'none',
    task: 'classification',
    quick: false,
    unavailable: fashionMissing,
    build: (seed) => fashionScenario(seed, { referenceWeights: UNIFORM, operationalWeights: UNIFORM, labelled: 0.4 }),
  },
  {
    name: 'adult_subgroup',
    description: 'Adult: married people 80 % of the window (46 % in training), 40 % labelled',
    expected: 'retrain',
    task: 'classification',
    quick: false,
    unavailable: always,
    build: adultSubgroup,
  },
  {
    name: 'bike_2012',
    description: 'Bike Sharing hourly: trained on 2011, window Jan–Apr 2012 (demand grew), future May–Dec 2012',
    expected: 'retrain',
    task: 'regression',
    quick: false,
    unavailable: always,
    build: (seed) => bikeScenario(seed, false),
  },
  {
    name: 'bike_unit_bug',
    description: 'Bike Sharing: as bike_2012, but temp arrives in °C instead of normalised (pipeline bug)',
    expected: 'fix_data',
    task: 'regression',
    quick: false,
    unavailable: always,
    build: (seed) => bikeScenario(seed, true),
  },
];
