import { mulberry32 } from '../stats/index.js';

/**
 * The "color" data set, modelled on the CMU SEI study of automated retraining: RGB samples of named colour
 * classes, a simple classifier trained on the reference, and operational data in which brightness drifts and a
 * new colour class appears. Deterministic for a given seed.
 */
export const COLOR_CENTROIDS: Record<string, [number, number, number]> = {
  red: [200, 40, 40],
  green: [40, 170, 60],
  blue: [40, 60, 200],
  yellow: [220, 210, 50],
  orange: [230, 130, 30],
  purple: [130, 40, 160],
};
export const TRAINED_CLASSES = ['red', 'green', 'blue', 'yellow', 'orange'];
const SPREAD = 22;

export interface ColorRows {
  id: string[];
  ts: number[];
  r: Float64Array;
  g: Float64Array;
  b: Float64Array;
  camera: string[];
  /** True colour; null where the label has not arrived. */
  color: (string | null)[];
}

export interface ColorOptions {
  n: number;
  seed: number;
  idPrefix: string;
  start: number;
  days: number;
  /** Share of rows of each class (defaults to uniform over the trained classes). */
  classes?: Record<string, number>;
  /** Multiplies every channel: < 1 darkens (brightness drift). */
  brightness?: number;
  /** Share of rows whose label is known. */
  labelled?: number;
}

function gaussian(next: () => number): number {
  // Box–Muller; 1 - u keeps the log finite.
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

export function generateColors(o: ColorOptions): ColorRows {
  const rng = mulberry32(o.seed);
  const next = () => rng.nextDouble53();
  const shares = o.classes ?? Object.fromEntries(TRAINED_CLASSES.map((c) => [c, 1 / TRAINED_CLASSES.length]));
  const names = Object.keys(shares);
  const cumulative = names.map(((s) => (c: string) => (s += shares[c]!))(0));
  const rows: ColorRows = { id: [], ts: [], r: new Float64Array(o.n), g: new Float64Array(o.n), b: new Float64Array(o.n), camera: [], color: [] };
  const clip = (v: number) => Math.min(255, Math.max(0, Math.round(v * 10) / 10));
  for (let i = 0; i < o.n; i++) {
    const u = next() * cumulative[cumulative.length - 1]!;
    const cls = names[cumulative.findIndex((c) => u < c)] ?? names[names.length - 1]!;
    const [r, g, b] = COLOR_CENTROIDS[cls]!;
    const k = o.brightness ?? 1;
    rows.r[i] = clip((r + SPREAD * gaussian(next)) * k);
    rows.g[i] = clip((g + SPREAD * gaussian(next)) * k);
    rows.b[i] = clip((b + SPREAD * gaussian(next)) * k);
    rows.camera.push(next() < 0.6 ? 'cam-a' : 'cam-b');
    rows.id.push(`${o.idPrefix}${String(i).padStart(6, '0')}`);
    rows.ts.push(Math.round(o.start + (i / o.n) * o.days * 86_400_000));
    rows.color.push(next() < (o.labelled ?? 1) ? cls : null);
  }
  return rows;
}

/** Gaussian naive Bayes on the three channels: small, deterministic, and gives calibrated-looking probabilities. */
export interface ColorModel {
  classes: string[];
  mean: number[][];
  variance: number[][];
  logPrior: number[];
}

export function trainColorModel(rows: ColorRows): ColorModel {
  const classes = [...new Set(rows.color.filter((c): c is string => c !== null))].sort();
  const channels = [rows.r, rows.g, rows.b];
  const mean = classes.map(() => [0, 0, 0]);
  const variance = classes.map(() => [0, 0, 0]);
  const counts = classes.map(() => 0);
  rows.color.forEach((c, i) => {
    const k = c === null ? -1 : classes.indexOf(c);
    if (k < 0) return;
    counts[k]!++;
    channels.forEach((ch, j) => (mean[k]![j]! += ch[i]!));
  });
  mean.forEach((m, k) => m.forEach((_, j) => (m[j]! /= counts[k]!)));
  rows.color.forEach((c, i) => {
    const k = c === null ? -1 : classes.indexOf(c);
    if (k < 0) return;
    channels.forEach((ch, j) => (variance[k]![j]! += (ch[i]! - mean[k]![j]!) ** 2));
  });
  variance.forEach((v, k) => v.forEach((_, j) => (v[j] = v[j]! / counts[k]! + 1e-6)));
  const total = counts.reduce((a, b) => a + b, 0);
  return { classes, mean, variance, logPrior: counts.map((c) => Math.log(c / total)) };
}

export function predictColors(model: ColorModel, rows: ColorRows): { predicted: string[]; proba: Float64Array[] } {
  const channels = [rows.r, rows.g, rows.b];
  const n = rows.r.length;
  const proba = model.classes.map(() => new Float64Array(n));
  const predicted: string[] = [];
  const logp = new Float64Array(model.classes.length);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 0; k < model.classes.length; k++) {
      let s = model.logPrior[k]!;
      for (let j = 0; j < 3; j++) {
        const v = model.variance[k]![j]!;
        s += -0.5 * Math.log(2 * Math.PI * v) - (channels[j]![i]! - model.mean[k]![j]!) ** 2 / (2 * v);
      }
      logp[k] = s;
      if (s > logp[best]!) best = k;
    }
    let z = 0;
    for (let k = 0; k < logp.length; k++) z += Math.exp(logp[k]! - logp[best]!);
    for (let k = 0; k < logp.length; k++) proba[k]![i] = Math.exp(logp[k]! - logp[best]!) / z;
    predicted.push(model.classes[best]!);
  }
  return { predicted, proba };
}

