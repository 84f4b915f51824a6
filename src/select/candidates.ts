import type { Dataset, Roles } from '../ingest/dataset.js';
import { fitRidge, predictRidge } from '../models/ridge.js';
import { fitSoftmax, predictClass } from '../models/softmax.js';
import { mulberry32 } from '../stats/index.js';
import { effectiveRows } from './class-weights.js';
import type { Design } from './design.js';
import { holm, mcnemarExact, pairedT, type PairedComparison } from './paired.js';

/** A candidate's paired comparison with `naive_refit` on the hold-out, with its Holm-adjusted p-value. */
export interface CandidateComparison extends PairedComparison {
  name: string;
  adjustedP: number;
}

export interface CandidateEvaluation {
  scores: CandidateScore[];
  /** Every candidate but `naive_refit` against it (empty without a `naive_refit` candidate). */
  comparisons: CandidateComparison[];
}

/** Rows of one dataset that a candidate trains on, with their weights (default 1). */
export interface Part {
  source: 'reference' | 'operational';
  dataset: Dataset;
  rows: Int32Array;
  weights?: Float64Array;
}

export interface Candidate {
  name: string;
  description: string;
  parts: Part[];
}

export interface CandidateScore {
  name: string;
  description: string;
  rows: number;
  /** Kish's effective sample size of the training weights, (Σw)²/Σw² (null for the deployed model). */
  effectiveRows: number | null;
  metric: 'accuracy' | 'mae';
  value: number;
  recommended: boolean;
}

function target(d: Dataset, roles: Roles, rows: Int32Array, classification: boolean): Float64Array {
  const label = d.columns.get(roles.label!)!;
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    out[i] = label.type === 'categorical' ? label.codes[r]! : label.type === 'numeric' ? label.values[r]! : NaN;
  }
  if (classification && label.type !== 'categorical') throw new Error('classification proxy needs a categorical label');
  return out;
}

/** Deterministic subsample to at most `cap` rows, keeping each part's share. */
function bound(parts: Part[], cap: number, seed: number): Part[] {
  const total = parts.reduce((a, p) => a + p.rows.length, 0);
  if (total <= cap) return parts;
  const rng = mulberry32(seed);
  return parts.map((p) => {
    const keep = Math.max(1, Math.round((p.rows.length * cap) / total));
    const idx = Int32Array.from({ length: p.rows.length }, (_, i) => i);
    for (let i = 0; i < keep; i++) {
      const j = i + Math.floor(rng.nextDouble53() * (idx.length - i));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    const chosen = idx.subarray(0, keep).sort();
    return { ...p, rows: chosen.map((i) => p.rows[i]!), ...(p.weights ? { weights: Float64Array.from(chosen, (i) => p.weights![i]!) } : {}) };
  });
}

/**
 * Train the proxy model (softmax regression, or ridge for regression) on each candidate and score it on the
 * held-out most recent labelled rows. The best is recommended; on a tie the earlier (simpler) candidate wins.
 * Every other candidate is also compared with `naive_refit` on the same rows (exact McNemar on correctness, or a
 * paired t-test on absolute errors; Holm over the candidates), so the result says whether a lead is beyond the
 * hold-out's noise. The comparison informs and does not decide: on the scenario benchmark, requiring significance
 * threw away small real gains more often than it avoided a loss (docs/benchmarks.md).
 */
export function evaluateCandidates(
  candidates: Candidate[],
  holdout: { dataset: Dataset; rows: Int32Array },
  design: Design,
  roles: Roles,
  options: { classes: number; maxRows: number; seed: number },
): CandidateEvaluation {
  const classification = roles.task === 'classification';
  const xTest = design.encode(holdout.dataset, holdout.rows);
  const yTest = target(holdout.dataset, roles, holdout.rows, classification);
  // Per hold-out row: 1/0 correct (classification) or the absolute error (regression), for the paired tests.
  const perRow: (Uint8Array | Float64Array)[] = [];
  const scores: CandidateScore[] = candidates.map((c) => {
    const parts = bound(c.parts, options.maxRows, options.seed);
    const n = parts.reduce((a, p) => a + p.rows.length, 0);
    const x = new Float64Array(n * design.width);
    const y = new Float64Array(n);
    const w = new Float64Array(n);
    let at = 0;
    for (const p of parts) {
      x.set(design.encode(p.dataset, p.rows), at * design.width);
      y.set(target(p.dataset, roles, p.rows, classification), at);
      w.set(p.weights ?? new Float64Array(p.rows.length).fill(1), at);
      at += p.rows.length;
    }
    let value: number;
    if (classification) {
      const model = fitSoftmax(x, Int32Array.from(y), options.classes, { epochs: 15, seed: options.seed, sampleWeight: w });
      const predicted = predictClass(model, xTest);
      const right = Uint8Array.from(predicted, (p, i) => (p === yTest[i] ? 1 : 0));
      perRow.push(right);
      value = right.reduce((a, b) => a + b, 0) / right.length;
    } else {
      const model = fitRidge(x, y, { lambda: 1, sampleWeight: w });
      const predicted = predictRidge(model, xTest);
      const error = Float64Array.from(predicted, (p, i) => Math.abs(p - yTest[i]!));
      perRow.push(error);
      value = error.reduce((a, b) => a + b, 0) / error.length;
    }
    return { name: c.name, description: c.description, rows: n, effectiveRows: effectiveRows(w), metric: classification ? 'accuracy' : 'mae', value, recommended: false };
  });
  const { index, comparisons } = recommend(scores, perRow);
  if (scores[index]) scores[index]!.recommended = true;
  return { scores, comparisons };
}

/**
 * The recommendation of `evaluateCandidates` on per-row hold-out results (0/1 correctness, or absolute errors for
 * `mae`): the index of the best figure (the earlier on a tie) and every candidate's paired comparison with
 * `naive_refit` (none without a `naive_refit` candidate).
 */
export function recommend(scores: CandidateScore[], perRow: (Uint8Array | Float64Array)[]): { index: number; comparisons: CandidateComparison[] } {
  const accuracy = scores[0]?.metric !== 'mae';
  let index = 0;
  scores.forEach((s, i) => {
    if (accuracy ? s.value > scores[index]!.value + 1e-9 : s.value < scores[index]!.value - 1e-9) index = i;
  });
  const naive = scores.findIndex((s) => s.name === 'naive_refit');
  const comparisons: CandidateComparison[] = [];
  if (naive < 0) return { index, comparisons };
  const others = scores.map((_, i) => i).filter((i) => i !== naive);
  const raw = others.map((i) => (accuracy ? mcnemarExact(perRow[i] as Uint8Array, perRow[naive] as Uint8Array) : pairedT(perRow[i] as Float64Array, perRow[naive] as Float64Array)));
  const adjusted = holm(raw.map((r) => r.pValue));
  others.forEach((i, k) => comparisons.push({ name: scores[i]!.name, ...raw[k]!, adjustedP: adjusted[k]! }));
  return { index, comparisons };
}
