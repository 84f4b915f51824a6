import type { CHECKS, CheckOf } from '../checks/index.js';

/** What ANALYZE and AUDIT found that says which rows to train on, weigh, exclude or label: the plan's hand-over to SELECT. */
export interface SelectionEvidence {
  /** Density-ratio weights for reference rows (domain classifier), already clipped and normalised to mean 1. */
  referenceImportance?: Float64Array;
  /** The label-shift check (BBSE, with its premise test): SELECT derives class weights from it only when it supports them. */
  labelShift?: CheckOf<typeof CHECKS.labelShift>;
  /** Operational rows to emphasise (degraded slices, new-class clusters). */
  targeted?: { rows: number[]; reason: string; check: string }[];
  /** Operational rows that look like new classes, for the label queue. */
  novelRows?: number[];
  /** Operational rows that a failed data-quality gate excluded from training. */
  excluded?: { rows: number[]; reason: string; check: string }[];
  /** Start of persistent drift (ms), from the drift-onset check. */
  onsetSince?: number | null;
}

/** Merge what a plan step found into the evidence so far: lists add up, single values are set. */
export function mergeEvidence(into: SelectionEvidence, found: SelectionEvidence): SelectionEvidence {
  return {
    ...into,
    ...found,
    targeted: found.targeted ? [...(into.targeted ?? []), ...found.targeted] : into.targeted,
    excluded: found.excluded ? [...(into.excluded ?? []), ...found.excluded] : into.excluded,
    novelRows: found.novelRows ? [...(into.novelRows ?? []), ...found.novelRows] : into.novelRows,
  };
}
