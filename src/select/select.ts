import type { Dataset, Roles } from '../ingest/dataset.js';
import type { RowOrigin } from '../ingest/load.js';
import type { Config } from '../schema/config.js';
import type { CheckResult } from '../schema/results.js';
import type { Selection } from '../schema/selection.js';
import type { SelectionEvidence } from '../decide/evidence.js';

export type { SelectionEvidence } from '../decide/evidence.js';
import { evaluateCandidates, type Candidate, type CandidateScore, type Part } from './candidates.js';
import { buildDesign } from './design.js';
import { labelQueue } from './label-queue.js';
import { labelledRows, newest, RECENT_SHARES, timeSplit } from './split.js';
import { classWeighting, effectiveRows } from './class-weights.js';
import { CHECKS } from '../checks/index.js';

/** Adjusted p-value below which the summary calls a candidate's lead over naive refit more than noise. */
const NOISE_LEVEL = 0.05;

/**
 * The selected rows, each named so a training stage can find it in any later read: the object it came from (`uri`)
 * and its row number there (`row`), its stable `id` (the id column, else `uri#row`), and its label as the run saw
 * it (joined from the label feed where the feed supplied it).
 */
export interface SelectionRows {
  weights: { source: string[]; uri: string[]; row: number[]; id: string[]; label: (string | number | null)[]; weight: number[] };
  labelQueue: { uri: string[]; row: number[]; id: string[]; reason: string[]; score: number[] };
  validation: { source: string[]; uri: string[]; row: number[]; id: string[]; label: (string | number | null)[] };
}

/** Where each row of the two datasets came from (ingest's RowOrigin), to name the selected rows. */
export interface SelectionOrigins {
  reference: RowOrigin;
  operational: RowOrigin;
}

/** A row's stable name: its object and row number there, and its id (the id column's value, else `uri#row`). */
function namer(d: Dataset, roles: Roles, origin: RowOrigin) {
  const c = roles.id ? d.columns.get(roles.id) : undefined;
  const idValue = (r: number): string | null =>
    c?.type === 'categorical' ? (c.codes[r]! < 0 ? null : c.categories[c.codes[r]!]!) : c?.type === 'numeric' ? (Number.isNaN(c.values[r]!) ? null : String(c.values[r])) : null;
  const uri = (r: number) => origin.uris[origin.object[r]!]!;
  const row = (r: number) => origin.row[r]!;
  return { uri, row, id: (r: number) => idValue(r) ?? `${uri(r)}#${row(r)}` };
}

/** The label of a row as the run saw it: class name, number, or null when unlabelled. */
function labelOf(d: Dataset, roles: Roles) {
  const c = roles.label ? d.columns.get(roles.label) : undefined;
  return (r: number): string | number | null =>
    c?.type === 'categorical' ? (c.codes[r]! < 0 ? null : c.categories[c.codes[r]!]!) : c?.type === 'numeric' ? (Number.isNaN(c.values[r]!) ? null : c.values[r]!) : null;
}

function currentModelScore(d: Dataset, roles: Roles, rows: Int32Array): CandidateScore | null {
  if (!roles.prediction || !roles.label) return null;
  const y = d.columns.get(roles.label);
  const p = d.columns.get(roles.prediction);
  if (!y || !p) return null;
  let n = 0;
  let sum = 0;
  for (const r of rows) {
    if (y.type === 'categorical' && p.type === 'categorical') {
      if (p.codes[r]! < 0) continue;
      n++;
      if (p.codes[r] === y.codes[r]) sum++;
    } else if (y.type === 'numeric' && p.type === 'numeric') {
      const e = Math.abs(y.values[r]! - p.values[r]!);
      if (!Number.isFinite(e)) continue;
      n++;
      sum += e;
    }
  }
  if (n === 0) return null;
  return { name: 'current_model', description: 'The deployed model as it is (no retraining), from its logged predictions.', rows: 0, effectiveRows: null, metric: y.type === 'categorical' ? 'accuracy' : 'mae', value: sum / n, recommended: false };
}

/**
 * SELECT: concrete data for the training stage. Candidates are built from the evidence, each checked with the
 * proxy model on the most recent labelled rows held out; the best one's rows and weights are written out.
 */
export function selectData(
  reference: Dataset,
  operational: Dataset,
  roles: Roles,
  config: Config,
  evidence: SelectionEvidence,
  origins: SelectionOrigins,
): { selection: Selection; rows: SelectionRows; checks: CheckResult[] } {
  const cfg = config.select;
  const opName = namer(operational, roles, origins.operational);
  const refName = namer(reference, roles, origins.reference);
  const opLabel = labelOf(operational, roles);
  const refLabel = labelOf(reference, roles);
  const excluded = new Set((evidence.excluded ?? []).flatMap((e) => e.rows));
  const split = timeSplit(operational, roles, cfg.holdoutShare, cfg.minHoldout);
  const refLabelled = labelledRows(reference, roles);
  const opTrain = split ? split.train.filter((r) => !excluded.has(r)) : labelledRows(operational, roles).filter((r) => !excluded.has(r));
  const checks: CheckResult[] = [];

  // Class weights only where the run's own label-shift check supports them (class-weights.ts), already clipped.
  const weighting = classWeighting(evidence.labelShift, reference, operational, roles, cfg.weightClip);
  const classWeightOf = (() => {
    const cw = weighting.weights;
    const label = roles.label ? reference.columns.get(roles.label) : undefined;
    if (!cw || label?.type !== 'categorical') return null;
    return (r: number) => (label.codes[r]! < 0 ? 1 : (cw[label.categories[label.codes[r]!]!] ?? 1));
  })();
  // Weights for reference rows: density ratio × class weights, clipped to [1/weightClip, weightClip].
  const refWeights = (useImportance: boolean, useClass: boolean) =>
    Float64Array.from(refLabelled, (r) => Math.min(cfg.weightClip, Math.max(1 / cfg.weightClip, (useImportance && evidence.referenceImportance ? evidence.referenceImportance[r]! : 1) * (useClass && classWeightOf ? classWeightOf(r) : 1))));

  // A candidate is a rule over the labelled operational rows; it is scored with the held-out rows left out, and
  // its final weights apply the same rule to every labelled operational row (the held-out ones included).
  const ts = roles.timestamp ? operational.columns.get(roles.timestamp) : undefined;
  const order = ts?.type === 'timestamp' || ts?.type === 'numeric' ? 'by timestamp' : 'in row order';
  const targeted = new Set((evidence.targeted ?? []).flatMap((t) => t.rows));
  const ref: Part = { source: 'reference', dataset: reference, rows: refLabelled };
  const build = (opRows: Int32Array): Candidate[] => {
    const list: Candidate[] = [];
    const op: Part = { source: 'operational', dataset: operational, rows: opRows };
    if (refLabelled.length > 0) {
      list.push({ name: 'naive_refit', description: 'Reference plus every labelled operational row, all alike (blind refitting).', parts: [ref, op] });
      if (opRows.length > 0) {
        const balance = refLabelled.length / opRows.length;
        list.push({ name: 'balanced', description: 'Reference plus labelled operational rows weighted so old and new data count equally.', parts: [ref, { ...op, weights: new Float64Array(opRows.length).fill(balance) }] });
      }
      if (evidence.referenceImportance) {
        list.push({ name: 'importance_weighted', description: `Reference rows weighted by the density ratio (domain classifier, clipped to [1/${cfg.weightClip}, ${cfg.weightClip}]) plus labelled operational rows.`, parts: [{ ...ref, weights: refWeights(true, false) }, op] });
      }
      if (classWeightOf) {
        list.push({ name: 'class_weighted', description: `Reference rows weighted by the class-prior ratio w(y) (${weighting.source}, clipped to [1/${cfg.weightClip}, ${cfg.weightClip}]) plus labelled operational rows.`, parts: [{ ...ref, weights: refWeights(false, true) }, op] });
      }
      if (targeted.size > 0 && opRows.length > 0) {
        list.push({ name: 'targeted', description: `Reference plus labelled operational rows, rows of degraded slices and new-class clusters weighted ×${cfg.targetedWeight}.`, parts: [ref, { ...op, weights: Float64Array.from(opRows, (r) => (targeted.has(r) ? cfg.targetedWeight : 1)) }] });
      }
    }
    if (evidence.onsetSince != null && (ts?.type === 'timestamp' || ts?.type === 'numeric')) {
      const recent = opRows.filter((r) => ts.values[r]! >= evidence.onsetSince!);
      if (recent.length >= cfg.minHoldout) {
        list.push({ name: 'recent_window', description: `Only labelled operational rows since drift began (${new Date(evidence.onsetSince).toISOString()}).`, parts: [{ ...op, rows: recent }] });
      }
    }
    // Recency windows of fixed sizes: when the newest data is what matters (a concept change inside the window,
    // with no drift onset in the inputs to find it), only they can say so.
    for (const w of RECENT_SHARES) {
      const recent = newest(operational, roles, opRows, w.share);
      if (recent.length < cfg.minHoldout) continue;
      list.push({ name: w.name, description: `Only the ${w.text} of the labelled operational rows (${order}).`, parts: [{ ...op, rows: recent }] });
    }
    return list;
  };
  const candidates = build(opTrain);

  let scores: CandidateScore[] = [];
  let recommended: Candidate | undefined;
  let why: string;
  if (split && candidates.length > 0 && roles.label && roles.task) {
    const design = buildDesign(reference, roles, config.seed);
    const label = reference.columns.get(roles.label);
    const classes = label?.type === 'categorical' ? label.categories.length : 0;
    const evaluation = evaluateCandidates(candidates, { dataset: operational, rows: split.holdout }, design, roles, { classes, maxRows: cfg.maxTrainRows, seed: config.seed });
    scores = evaluation.scores;
    recommended = candidates[scores.findIndex((s) => s.recommended)];
    why = `Best proxy ${scores[0]?.metric ?? 'score'} on the ${split.holdout.length} newest labelled operational rows among ${candidates.length} candidates (select.proxy_comparison).`;
    const current = currentModelScore(operational, roles, split.holdout);
    if (current) scores.push(current);
    const best = scores.find((s) => s.recommended)!;
    const naive = scores.find((s) => s.name === 'naive_refit');
    const test = roles.task === 'classification' ? 'exact McNemar' : 'paired t-test on absolute errors';
    const chosen = evaluation.comparisons.find((c) => c.name === best.name);
    // Whether the lead over naive refit is beyond the hold-out's noise: said, not acted on (see evaluateCandidates).
    const lead = chosen
      ? ` vs naive refit ${naive!.value.toFixed(4)}: ${chosen.better} held-out rows better, ${chosen.worse} worse, ${test} p = ${chosen.adjustedP.toPrecision(2)} (Holm over ${evaluation.comparisons.length} candidates)${chosen.adjustedP < NOISE_LEVEL ? '' : ', within the hold-out noise'}`
      : '';
    checks.push({
      id: 'select.proxy_comparison',
      stage: CHECKS.proxyComparison.stage,
      kind: CHECKS.proxyComparison.kind,
      status: 'pass',
      method: `${roles.task === 'classification' ? 'softmax regression' : 'ridge regression'} proxy trained on each candidate, scored on the ${split.holdout.length} newest labelled operational rows (${order}${split.holdoutSince != null ? `, since ${new Date(split.holdoutSince).toISOString()}` : ''}; a held-out time slice, not a random one); each candidate compared with naive refit on the same rows (one-sided ${test}, Holm)`,
      figures: {
        candidates: candidates.length,
        holdout: split.holdout.length,
        best: best.value,
        ...(naive ? { naive: naive.value } : {}),
        ...(current ? { current: current.value } : {}),
        ...(chosen ? { pValue: chosen.adjustedP } : {}),
      },
      summary: `Recommended ${best.name} (${best.metric} ${best.value.toFixed(4)}${lead})${current ? `; current model ${current.value.toFixed(4)}` : ''}.`,
      details: { candidates: scores, comparisons: evaluation.comparisons },
    });
  } else if (candidates.length > 0) {
    // No labelled hold-out to compare on: the most informed candidate the evidence supports.
    recommended = candidates.find((c) => c.name === 'class_weighted') ?? candidates.find((c) => c.name === 'importance_weighted') ?? candidates[0];
    why = `Too few labelled operational rows for a time-based hold-out (fewer than 2 × select.minHoldout = ${2 * cfg.minHoldout}): no proxy comparison, so the most informed candidate the evidence supports (class weights the label-shift check supports, else density-ratio weights, else naive refit).`;
  } else {
    why = 'No candidate: no labelled rows to train on.';
  }

  const rows: SelectionRows = {
    weights: { source: [], uri: [], row: [], id: [], label: [], weight: [] },
    labelQueue: { uri: [], row: [], id: [], reason: [], score: [] },
    validation: { source: [], uri: [], row: [], id: [], label: [] },
  };
  // The training stage fits on the rows outside validation.parquet to accept the model, then on all of these.
  const allLabelled = split ? Int32Array.from([...opTrain, ...split.holdout.filter((r) => !excluded.has(r))]).sort() : opTrain;
  const final = recommended ? build(allLabelled).find((c) => c.name === recommended!.name) : undefined;
  for (const part of final?.parts ?? []) {
    const name = part.source === 'reference' ? refName : opName;
    const label = part.source === 'reference' ? refLabel : opLabel;
    part.rows.forEach((r, i) => {
      rows.weights.source.push(part.source);
      rows.weights.uri.push(name.uri(r));
      rows.weights.row.push(name.row(r));
      rows.weights.id.push(name.id(r));
      rows.weights.label.push(label(r));
      rows.weights.weight.push(part.weights ? part.weights[i]! : 1);
    });
  }
  const queue = labelQueue(operational, roles, { novel: evidence.novelRows ?? [], slices: (evidence.targeted ?? []).filter((t) => t.check.includes('slice')).flatMap((t) => t.rows) }, cfg.labelBudget);
  for (const q of queue) {
    rows.labelQueue.uri.push(opName.uri(q.row));
    rows.labelQueue.row.push(opName.row(q.row));
    rows.labelQueue.id.push(opName.id(q.row));
    rows.labelQueue.reason.push(q.reason);
    rows.labelQueue.score.push(q.score);
  }
  for (const r of split?.holdout ?? []) {
    rows.validation.source.push('operational');
    rows.validation.uri.push(opName.uri(r));
    rows.validation.row.push(opName.row(r));
    rows.validation.id.push(opName.id(r));
    rows.validation.label.push(opLabel(r));
  }
  const byReason: Record<string, number> = {};
  for (const q of queue) byReason[q.reason] = (byReason[q.reason] ?? 0) + 1;
  const selection: Selection = {
    recommended: recommended?.name ?? null,
    description: recommended?.description ?? 'No candidate: no labelled reference rows to train on.',
    candidates: scores,
    window: { since: evidence.onsetSince != null ? new Date(evidence.onsetSince).toISOString() : null },
    weights: {
      rows: rows.weights.row.length,
      reference: rows.weights.source.filter((s) => s === 'reference').length,
      operational: rows.weights.source.filter((s) => s === 'operational').length,
      weightSum: rows.weights.weight.reduce((a, b) => a + b, 0),
      effectiveRows: effectiveRows(rows.weights.weight),
    },
    reason: why,
    classWeights: weighting.weights,
    classWeighting: {
      source: weighting.source,
      reason: weighting.reason,
      clip: cfg.weightClip,
      effectiveRows: classWeightOf && refLabelled.length ? effectiveRows(refWeights(false, true)) : null,
    },
    exclusions: (evidence.excluded ?? []).map((e) => ({ source: 'operational', rows: e.rows.length, reason: e.reason, check: e.check })),
    labelQueue: { rows: queue.length, budget: cfg.labelBudget, byReason },
    validation: { rows: rows.validation.row.length, since: split?.holdoutSince != null ? new Date(split.holdoutSince).toISOString() : null },
  };
  return { selection, rows, checks };
}
