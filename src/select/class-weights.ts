import type { Dataset, Roles } from '../ingest/dataset.js';
import { isNull } from '../ingest/table.js';
import { CHECKS, type CheckOf } from '../checks/index.js';

type LabelShiftCheck = CheckOf<typeof CHECKS.labelShift>;

/**
 * The class weights a training stage may apply, and why: w(y) = q(y)/p(y), the operational prior over the reference
 * prior, for every class present in the reference or operational labels. Published only when the run's own
 * label-shift check supports them; otherwise `weights` is null and `reason` says which check speaks against them.
 */
export interface ClassWeighting {
  /** `measured`: q from the operational labels; `estimated`: q from BBSE (no labels to measure it); null: none. */
  source: 'measured' | 'estimated' | null;
  /** Every class in the data → its weight, clipped to [1/clip, clip]: never zero or negative. */
  weights: Record<string, number> | null;
  reason: string;
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** Label counts by class name over the labelled rows of a dataset (categorical labels only). */
function labelCounts(d: Dataset, roles: Roles): Map<string, number> {
  const counts = new Map<string, number>();
  const c = roles.label ? d.columns.get(roles.label) : undefined;
  if (c?.type !== 'categorical') return counts;
  for (let r = 0; r < d.rows; r++) {
    if (isNull(c, r)) continue;
    const name = c.categories[c.codes[r]!]!;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/** Why the check's estimate cannot be used as a prior shift: its status, or its premise test. */
function rejection(check: LabelShiftCheck | undefined): string | null {
  if (!check) return 'No label-shift check ran in this run (no labelled validation data with predictions, or new classes broke its premise): no evidence that only the class priors moved.';
  if (check.status !== 'fail') return `The label-shift check did not find a prior shift (status ${check.status}): ${check.summary}`;
  if (check.figures.pure === true) return null;
  const f = check.figures;
  if (f.consistentWithLabelShift === false) {
    return `The label-shift check's premise failed on the operational labels (p(ŷ | y) changed for ${f.conditionalShiftClasses ?? 0} of ${f.conditionalClassesTested ?? 0} classes, p(x | y) for ${f.conditionalFeatureShifts ?? 0} of ${f.conditionalFeatureTests ?? 0} class–feature pairs), so the change is not a pure prior shift and class weights would not correct it.`;
  }
  if (f.reweightedOutputsPValue !== undefined) {
    return `The label-shift check's premise failed: the validation outputs reweighted by the estimate do not match the operational outputs (p = ${f.reweightedOutputsPValue.toPrecision(2)}), so the change is not a pure prior shift.`;
  }
  return "The label-shift check's premise (class-conditional inputs unchanged) could not be tested: class weights would rest on an untested assumption.";
}

/**
 * Class weights from the run's label-shift evidence, safe to train with:
 * - none unless the label-shift check failed (priors moved) and its premise test passed (`pure`);
 * - measured beats estimated: with operational labels (the check measured priors from them), q comes from the
 *   labels, and the BBSE estimate is named as contradicted when a measured prior falls outside its interval;
 * - without labels, BBSE's estimate (its premise tested by the reweighted-outputs test);
 * - p(y) is the reference prior (the rows the weights multiply; the validation prior when the reference has no
 *   labels); a class present in the data without a prior to divide by keeps weight 1; every weight is clipped to
 *   [1/clip, clip], so none is zero or negative, whatever the estimate said.
 */
export function classWeighting(check: LabelShiftCheck | undefined, reference: Dataset, operational: Dataset, roles: Roles, clip: number): ClassWeighting {
  const rejected = rejection(check);
  if (rejected || !check) return { source: null, weights: null, reason: `Unweighted. ${rejected}` };
  const priors = check.details?.priors ?? [];
  const refCounts = labelCounts(reference, roles);
  const opCounts = labelCounts(operational, roles);
  const refTotal = total(refCounts);
  const classes = [...new Set([...refCounts.keys(), ...opCounts.keys(), ...priors.map((p) => p.class)])].sort();
  const measured = priors.length > 0 && priors.every((p) => p.measured !== undefined);
  const notes: string[] = [];
  let raw: Map<string, number>;
  let source: ClassWeighting['source'];
  // p(y): the reference prior (the rows the weights multiply), else the validation prior the check used.
  const refPrior = (cls: string, validationPrior: number) => (refTotal > 0 ? (refCounts.get(cls) ?? 0) / refTotal : validationPrior);
  if (measured) {
    const opTotal = total(opCounts);
    source = 'measured';
    raw = new Map(
      priors.map((p) => {
        const q = opTotal > 0 ? (opCounts.get(p.class) ?? 0) / opTotal : p.measured!;
        const base = refPrior(p.class, p.reference);
        return [p.class, base > 0 ? q / base : NaN];
      }),
    );
    // Classes outside the estimate's support (no validation rows) are measured too.
    if (opTotal > 0 && refTotal > 0) for (const c of classes) if (!raw.has(c) && refCounts.has(c)) raw.set(c, (opCounts.get(c) ?? 0) / opTotal / (refCounts.get(c)! / refTotal));
    notes.push(`w(y) = the operational label share (${check.figures.operationalRows} rows checked) over the ${refTotal > 0 ? 'reference' : 'validation'} label share: measured priors, not the BBSE estimate.`);
    const contradicted = priors.filter((p) => p.estimated !== undefined && p.lo !== undefined && p.hi !== undefined && (p.measured! < p.lo || p.measured! > p.hi));
    if (contradicted.length) {
      const shown = contradicted.slice(0, 3).map((p) => `${p.class} estimated ${pct(p.estimated!)}, measured ${pct(p.measured!)}`);
      notes.push(`The BBSE estimate is contradicted by the labels (${shown.join('; ')}: outside its ${Math.round(100 * (check.threshold?.level ?? 0.95))} % interval) and is not used.`);
    }
  } else {
    source = 'estimated';
    // The estimated path always carries BBSE's estimate for every class of its support.
    raw = new Map(priors.map((p) => [p.class, refPrior(p.class, p.reference) > 0 && p.estimated !== undefined ? p.estimated / refPrior(p.class, p.reference) : NaN]));
    notes.push(`w(y) = the BBSE estimate of the operational prior over the ${refTotal > 0 ? 'reference' : 'validation'} prior (no operational labels to measure it).`);
    if ((check.figures.clipped ?? 0) > 0) {
      notes.push(`BBSE's raw solution was negative for ${check.figures.clipped} class(es) (estimated prior 0): clipping keeps their weight above 0.`);
    }
  }
  const weights: Record<string, number> = {};
  const clipped: string[] = [];
  const neutral: string[] = [];
  for (const c of classes) {
    const w = raw.get(c);
    if (w === undefined || !Number.isFinite(w)) {
      neutral.push(c);
      weights[c] = 1;
      continue;
    }
    const bounded = Math.min(clip, Math.max(1 / clip, w));
    if (bounded !== w) clipped.push(`${c} ${w.toPrecision(3)}`);
    weights[c] = bounded;
  }
  if (clipped.length) notes.push(`Clipped to [1/${clip}, ${clip}] (select.weightClip): ${clipped.join(', ')}.`);
  if (neutral.length) notes.push(`Weight 1 for ${neutral.join(', ')}: no prior to divide by.`);
  return { source, weights, reason: notes.join(' ') };
}

/** Kish's effective sample size (Σw)² / Σw²: how many equally weighted rows the weighted rows are worth. */
export function effectiveRows(weights: ArrayLike<number>): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < weights.length; i++) {
    s += weights[i]!;
    s2 += weights[i]! * weights[i]!;
  }
  return s2 > 0 ? (s * s) / s2 : 0;
}
