import type { ClassOutcomes } from './outcomes.js';
import { confidenceBin } from './reliability.js';

export interface PerClass {
  class: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ConfusionMetrics {
  accuracy: number;
  /** Mean recall over the classes that occur among the labels (scikit-learn's balanced_accuracy_score). */
  balancedAccuracy: number;
  /** Unweighted mean F1 over classes that occur among labels or predictions (scikit-learn's average='macro'). */
  macroF1: number;
  /** Equals accuracy for single-label classification; reported because users look for it. */
  microF1: number;
  perClass: PerClass[];
}

/** k×k counts, row = true class, column = predicted class, over the given rows. */
export function confusionCounts(o: ClassOutcomes, rows: Int32Array, out = new Float64Array(o.classes.length ** 2)): Float64Array {
  const k = o.classes.length;
  out.fill(0);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    out[o.y[i]! * k + o.yhat[i]!]!++;
  }
  return out;
}

/**
 * Metrics of a confusion matrix (row = true, column = predicted). Counts may be fractional — CBPE feeds an
 * expected confusion matrix. A class never predicted has precision 0, as scikit-learn reports it.
 */
export function metricsFromConfusion(cm: Float64Array, classes: string[]): ConfusionMetrics {
  const k = classes.length;
  let total = 0;
  let hits = 0;
  const perClass: PerClass[] = [];
  let recallSum = 0;
  let recallCount = 0;
  let f1Sum = 0;
  let f1Count = 0;
  for (let c = 0; c < k; c++) {
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < k; j++) {
      support += cm[c * k + j]!;
      predicted += cm[j * k + c]!;
    }
    const tp = cm[c * k + c]!;
    total += support;
    hits += tp;
    if (support === 0 && predicted === 0) continue;
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perClass.push({ class: classes[c]!, precision, recall, f1, support });
    if (support > 0) (recallSum += recall), recallCount++;
    f1Sum += f1;
    f1Count++;
  }
  const accuracy = total > 0 ? hits / total : NaN;
  return { accuracy, balancedAccuracy: recallCount ? recallSum / recallCount : NaN, macroF1: f1Count ? f1Sum / f1Count : NaN, microF1: accuracy, perClass };
}

/** Per-row quantities of probabilistic predictions, computed once so that bootstrap replicates only sum them. */
export interface ProbaScores {
  /** −log p(true class), floored at 1e-15 like scikit-learn's log_loss. */
  logLoss: Float64Array;
  /** Multiclass Brier score Σ_c (p_c − 1[y = c])²; for two classes twice scikit-learn's brier_score_loss. */
  brier: Float64Array;
  /** Probability of the predicted class, and whether the prediction was right. */
  confidence: Float64Array;
  correct: Uint8Array;
  bin: Int32Array;
}

/** Per-row scores over `rows` (which must have labels and finite probabilities), aligned with `rows`. */
export function probaScores(o: ClassOutcomes, rows: Int32Array, bins: number): ProbaScores {
  const k = o.classes.length;
  const p = o.proba!;
  const n = rows.length;
  const s: ProbaScores = { logLoss: new Float64Array(n), brier: new Float64Array(n), confidence: new Float64Array(n), correct: new Uint8Array(n), bin: new Int32Array(n) };
  for (let r = 0; r < n; r++) {
    const i = rows[r]!;
    const y = o.y[i]!;
    s.logLoss[r] = -Math.log(Math.max(p[i * k + y]!, 1e-15));
    let b = 0;
    for (let c = 0; c < k; c++) b += (p[i * k + c]! - (c === y ? 1 : 0)) ** 2;
    s.brier[r] = b;
    s.confidence[r] = p[i * k + o.yhat[i]!]!;
    s.correct[r] = o.yhat[i] === y ? 1 : 0;
    s.bin[r] = confidenceBin(s.confidence[r]!, bins);
  }
  return s;
}

/** Log loss, Brier score and ECE of the rows picked by `picks` (positions into the ProbaScores arrays). */
export function probaMetrics(s: ProbaScores, picks: Int32Array | null, bins: number): { logLoss: number; brier: number; ece: number } {
  const n = picks ? picks.length : s.logLoss.length;
  let ll = 0;
  let br = 0;
  const count = new Float64Array(bins);
  const conf = new Float64Array(bins);
  const hits = new Float64Array(bins);
  for (let r = 0; r < n; r++) {
    const i = picks ? picks[r]! : r;
    ll += s.logLoss[i]!;
    br += s.brier[i]!;
    const b = s.bin[i]!;
    count[b]!++;
    conf[b]! += s.confidence[i]!;
    hits[b]! += s.correct[i]!;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]! > 0) ece += Math.abs(hits[b]! - conf[b]!) / n;
  return { logLoss: ll / n, brier: br / n, ece };
}
