import { normSf } from '../stats/index.js';

/**
 * The absolute floor: is the model better than the best constant predictor on the same labelled rows? A model
 * that is not was broken before any drift (its own validation baseline may be below the floor too), so comparing
 * it only with that baseline says `none` for ever.
 *
 * Paired on the rows: d_i = (1 − margin)·e_const,i − e_model,i, with e the 0/1 error (classification; the constant
 * is the majority class of these labels) or the absolute error (regression; the constant is their median, the best
 * constant for absolute error). H0: E[d] ≥ 0 — the model removes at least `margin` of the constant's error — is
 * rejected by the one-sided z-test on the mean of d at level α; under H0 the alarm rate is at most α
 * (asymptotically, for any model that clears the margin). The constant is chosen in hindsight on the same rows,
 * which favours it slightly: the floor is a little harder to clear than a constant fixed in advance.
 */
export interface FloorTest {
  /** The constant predictor: a class name, or the median target. */
  constant: string | number;
  /** Error rate or MAE of the constant predictor. */
  floorError: number;
  /** Error rate or MAE of the model on the same rows. */
  modelError: number;
  /** One-sided p-value of "the model clears the floor by the margin". */
  pValue: number;
  z: number;
}

/** `errors` pairs per row: the model's and the constant's error (0/1 or absolute). */
export function floorTest(modelErrors: Float64Array, constantErrors: Float64Array, margin: number): Omit<FloorTest, 'constant'> {
  const n = modelErrors.length;
  let sum = 0;
  let sumSq = 0;
  let model = 0;
  let constant = 0;
  for (let i = 0; i < n; i++) {
    const d = (1 - margin) * constantErrors[i]! - modelErrors[i]!;
    sum += d;
    sumSq += d * d;
    model += modelErrors[i]!;
    constant += constantErrors[i]!;
  }
  const mean = sum / n;
  const variance = n > 1 ? Math.max(0, (sumSq - n * mean * mean) / (n - 1)) : 0;
  const se = Math.sqrt(variance / n);
  // A zero spread (every row the same d): the sign of the mean decides; z is then ±Infinity, reported as a bound.
  const z = se > 0 ? mean / se : mean < 0 ? -1e6 : mean > 0 ? 1e6 : 0;
  return { floorError: constant / n, modelError: model / n, pValue: se > 0 ? normSf(-z) : mean < 0 ? 0 : 1, z };
}

/** The majority class of `y` (codes, -1 = none) over `rows`, and the floor test against it. */
export function classificationFloor(y: Int32Array, yhat: Int32Array, rows: Int32Array, classes: readonly string[], margin: number): FloorTest {
  const counts = new Float64Array(classes.length);
  for (const i of rows) counts[y[i]!]!++;
  let majority = 0;
  for (let c = 1; c < counts.length; c++) if (counts[c]! > counts[majority]!) majority = c;
  const model = new Float64Array(rows.length);
  const constant = new Float64Array(rows.length);
  rows.forEach((i, r) => {
    model[r] = yhat[i] === y[i] ? 0 : 1;
    constant[r] = y[i] === majority ? 0 : 1;
  });
  return { constant: classes[majority]!, ...floorTest(model, constant, margin) };
}

/** The median target over `rows`, and the floor test of the model's absolute errors against it. */
export function regressionFloor(y: Float64Array, yhat: Float64Array, rows: Int32Array, margin: number): FloorTest {
  const sorted = Float64Array.from(rows, (i) => y[i]!).sort();
  const n = sorted.length;
  const median = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  const model = Float64Array.from(rows, (i) => Math.abs(yhat[i]! - y[i]!));
  const constant = Float64Array.from(rows, (i) => Math.abs(median - y[i]!));
  return { constant: median, ...floorTest(model, constant, margin) };
}
