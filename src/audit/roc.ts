import { aucTest } from '../stats/index.js';
import { labelledRows, type ClassOutcomes } from './outcomes.js';

/** At most this many points are kept of the curve: enough to draw it and for KFP's confidence metrics. */
const MAX_POINTS = 101;

export interface RocCurve {
  /** The class whose probability is the score (the second class, as KFP and scikit-learn take `pos_label`). */
  positive: string;
  /**
   * From the highest threshold (nothing predicted positive) down to the lowest (everything positive). `precision`
   * is TP / (TP + FP) at the threshold, 1 where nothing is predicted positive (scikit-learn's convention), so the
   * same points give the precision–recall curve (recall = tpr).
   */
  points: { threshold: number; tpr: number; fpr: number; precision: number }[];
  /** Area under the full curve: the Mann–Whitney U of positive over negative scores / (n₊·n₋), ties one half. */
  auc: number;
  /** Average precision over the full (unthinned) curve: Σ (Rₙ − Rₙ₋₁)·Pₙ, scikit-learn's average_precision_score. */
  averagePrecision: number;
  /** Labelled rows of each class: the PR curve's chance level is positives / (positives + negatives). */
  positives: number;
  negatives: number;
}

/**
 * The ROC and precision–recall curves of a binary classifier on its labelled rows with probabilities: one point per
 * distinct score (thinned evenly to MAX_POINTS, both ends kept). Null when there are not two classes, no
 * probabilities, or one class has no labelled row — a curve needs both.
 */
export function rocCurve(o: ClassOutcomes): RocCurve | null {
  if (o.classes.length !== 2 || !o.proba) return null;
  const rows = labelledRows(o, true);
  const scores = new Float64Array(rows.length);
  const positive = new Uint8Array(rows.length);
  let nPos = 0;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    scores[r] = o.proba[i * 2 + 1]!;
    positive[r] = o.y[i] === 1 ? 1 : 0;
    nPos += positive[r]!;
  }
  const nNeg = rows.length - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  const order = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]!);
  const all: RocCurve['points'] = [{ threshold: 1, tpr: 0, fpr: 0, precision: 1 }];
  let tp = 0;
  let fp = 0;
  let averagePrecision = 0;
  for (let k = 0; k < order.length; k++) {
    const r = order[k]!;
    if (positive[r]) tp++;
    else fp++;
    // A point after the last row of each run of equal scores: thresholds are "score ≥ t".
    if (k === order.length - 1 || scores[order[k + 1]!] !== scores[r]) {
      const point = { threshold: scores[r]!, tpr: tp / nPos, fpr: fp / nNeg, precision: tp / (tp + fp) };
      averagePrecision += (point.tpr - all[all.length - 1]!.tpr) * point.precision;
      all.push(point);
    }
  }
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(nNeg);
  for (let r = 0, a = 0, b = 0; r < rows.length; r++) positive[r] ? (pos[a++] = scores[r]!) : (neg[b++] = scores[r]!);
  return { positive: o.classes[1]!, points: thin(all), auc: aucTest(pos, neg).auc, averagePrecision, positives: nPos, negatives: nNeg };
}

function thin<T>(points: T[]): T[] {
  if (points.length <= MAX_POINTS) return points;
  const step = (points.length - 1) / (MAX_POINTS - 1);
  return Array.from({ length: MAX_POINTS }, (_, k) => points[Math.round(k * step)]!);
}
