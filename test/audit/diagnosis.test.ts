import { describe, expect, it } from '@jest/globals';
import { CHECKS, type AnyCheckEntry, type CheckResult, type CheckStatus, type FiguresOf } from '../../src/checks/index.js';
import { diagnoseShift } from '../../src/decide/diagnosis.js';
import { checkOf } from '../support/checks.js';

const check = <E extends AnyCheckEntry>(entry: E, status: CheckStatus, figures: FiguresOf<E> = {}, id = `${entry.kind}.x`) => checkOf(entry, { id, status, figures, summary: '' } as never);

const gate = check(CHECKS.dataQuality, 'fail');
const newClass = check(CHECKS.newClasses, 'fail');
const drift = check(CHECKS.featureDrift, 'fail');
const noDrift = check(CHECKS.featureDrift, 'pass');
const mvDrift = check(CHECKS.multivariateDrift, 'fail');
const output = check(CHECKS.outputDrift, 'fail');
const dropped = check(CHECKS.performance, 'fail');
const held = check(CHECKS.performance, 'pass');
const labelConfirmed = check(CHECKS.labelShift, 'fail', { consistentWithLabelShift: true });
const labelRefuted = check(CHECKS.labelShift, 'fail', { consistentWithLabelShift: false });
const labelUnlabelled = check(CHECKS.labelShift, 'fail');
const labelExplained = check(CHECKS.labelShift, 'fail', { pure: true });
const labelUnexplained = check(CHECKS.labelShift, 'fail', { pure: false });
const cbpeBelow = check(CHECKS.estimatedPerformance, 'pass', { measuredWithinInterval: false, measuredAccuracy: 0.7, estimatedOnLabelled_lo: 0.8, estimatedOnLabelled_hi: 0.85 });
const cbpeAbove = check(CHECKS.estimatedPerformance, 'pass', { measuredWithinInterval: false, measuredAccuracy: 0.9, estimatedOnLabelled_lo: 0.8, estimatedOnLabelled_hi: 0.85 });
const slices = check(CHECKS.sliceDegradation, 'fail');

/** [evidence, expected diagnosis, expected alternatives] — the rules of diagnoseShift, each with the case that separates it. */
const grid: [string, CheckResult[], string, string[]][] = [
  ['nothing', [noDrift, held], 'none', []],
  ['broken data wins over everything', [gate, newClass, drift, dropped], 'data_quality', ['new_class', 'covariate']],
  ['new classes', [newClass, drift], 'new_class', ['covariate']],
  ['priors moved, p(ŷ|y) held', [labelConfirmed, drift, held], 'label', ['covariate']],
  ['priors moved but p(ŷ|y) changed: not label shift', [labelRefuted, drift, held], 'covariate', []],
  ['priors moved, no labels, no input drift', [labelUnlabelled, noDrift], 'label', []],
  ['priors moved, no labels, reweighted outputs match', [labelExplained, drift], 'label', ['covariate']],
  ['priors moved, no labels, reweighted outputs differ', [labelUnexplained, drift], 'covariate', []],
  ['priors moved, no labels, inputs drifted: ambiguous', [labelUnlabelled, drift], 'covariate', ['label']],
  ['drop without input drift', [noDrift, dropped], 'concept', []],
  ['drop with input drift', [drift, dropped], 'covariate', []],
  ['measured below CBPE even with drift', [drift, dropped, cbpeBelow], 'concept', ['covariate']],
  ['measured above CBPE is no concept evidence', [drift, held, cbpeAbove], 'covariate', []],
  ['weak slices without input drift', [noDrift, held, slices], 'concept', []],
  ['weak slices with input drift', [mvDrift, held, slices], 'covariate', []],
  ['only outputs drifted', [noDrift, output], 'covariate', []],
];

describe('shift-type diagnosis rules', () => {
  it.each(grid)('%s', (_, checks, expected, alternatives) => {
    const d = diagnoseShift(checks);
    expect(d.kind).toBe(CHECKS.shiftDiagnosis.kind);
    expect(d.figures.shiftType).toBe(expected);
    expect((d.details!.alternatives as string[]).sort()).toEqual([...alternatives].sort());
    expect(d.status).toBe(expected === 'none' ? 'pass' : 'warn');
    const evidence = d.details!.evidence as { shiftType: string; checks: string[] }[];
    if (expected !== 'none') {
      expect(evidence[0]!.shiftType).toBe(expected);
      for (const id of evidence[0]!.checks) expect(checks.map((c) => c.id)).toContain(id);
    }
  });
});
