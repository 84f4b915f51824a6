import { describe, expect, it } from '@jest/globals';
import { CheckResultSchema, nonFinitePaths, totalCheck, type CheckResult } from '../../src/checks/index.js';

/** The last line of totality (src/checks/totality.ts): what it does to a result that still carries NaN or ±Infinity. */
describe('totalCheck', () => {
  const bbse = (figures: Record<string, number>, status: CheckResult['status'] = 'fail'): CheckResult =>
    ({ id: 'audit.label_shift', stage: 'audit', kind: 'label_shift', status, figures, summary: 'Class priors shifted.', details: { priors: [{ class: 'a', reference: 0.5, estimated: NaN, lo: 0, hi: 1, weight: 1 }] } }) as CheckResult;

  it('finds every non-finite number, nested ones included', () => {
    expect(nonFinitePaths({ a: 1, b: [2, Infinity, { c: NaN }], d: 'x', e: null }, 'figures')).toEqual(['figures.b[1]', 'figures.b[2].c']);
  });

  it('leaves a finite result as it is', () => {
    const finite = { ...bbse({ pValue: 0.01 }), details: undefined } as CheckResult;
    expect(totalCheck(finite)).toBe(finite);
  });

  it('reports a verdict resting on non-finite numbers as degenerate, without them, and the schema accepts it', () => {
    const out = totalCheck(bbse({ conditionNumber: Infinity, pValue: NaN, classes: 3 }));
    expect(out.status).toBe('degenerate');
    expect(out.figures).toEqual({ classes: 3 });
    expect(out.details).toBeUndefined();
    expect(out.summary).toMatch(/Not finite, left out: figures\.conditionNumber, figures\.pValue, details\.priors\[0\]\.estimated \(a defect: please report it\)/);
    expect(CheckResultSchema.safeParse(out).success).toBe(true);
    expect(CheckResultSchema.safeParse(bbse({ conditionNumber: Infinity })).success).toBe(false);
  });

  it('keeps a status that already reached no verdict', () => {
    expect(totalCheck(bbse({ conditionNumber: Infinity }, 'insufficient_data')).status).toBe('insufficient_data');
  });
});
