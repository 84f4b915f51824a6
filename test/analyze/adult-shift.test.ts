import { describe, expect, it } from '@jest/globals';
import { analyzeFeatures, analyzeMultivariate, analyzeOutputs } from '../../src/analyze/index.js';
import { CheckResultSchema } from '../../src/schema/results.js';
import { adultWithModel, config, resolved, rowsOf } from './support.js';

/** UCI Adult, constructed covariate shift: reference = men, operational = women (rows the model never saw). */
describe('Adult, men vs women: model outputs and the joint distribution shift', () => {
  const table = adultWithModel();
  const sex = table.columns.find((c) => c.name === 'sex')!;
  if (sex.type !== 'categorical') throw new Error('sex should be categorical');
  const rows = (value: string) => [...sex.codes.keys()].filter((i) => i >= 5000 && sex.categories[sex.codes[i]!] === value).slice(0, 3000);
  // `sex` itself is left out, so the classifier must find the shift through the other columns.
  const cfg = config({ columns: { label: 'income', prediction: 'prediction', proba: 'proba_', categorical: [], ignore: ['sex'], types: {} }, seed: 4, analyze: { multivariate: { maxRows: 1500 } } });
  const { roles, reference, operational } = resolved(cfg, rowsOf(table, rows('Male'), 'reference'), rowsOf(table, rows('Female'), 'operational'));

  it('BBSD: class probabilities and the predicted-class mix shift (Bonferroni over classes)', () => {
    const results = analyzeOutputs(reference, operational, roles, cfg);
    for (const r of results) CheckResultSchema.parse(r);
    expect(results.map((r) => r.id).sort()).toEqual(['drift.output.predicted_class', 'drift.output.proba.<=50K', 'drift.output.proba.>50K']);
    for (const r of results) expect(r.status).toBe('fail');
    const proba = results.find((r) => r.id === 'drift.output.proba.>50K')!;
    expect(proba.threshold!.tests).toBe(2);
    expect(Number(proba.figures.adjustedPValue)).toBe(Math.min(1, 2 * Number(proba.figures.pValue)));
  });

  it('domain classifier: relationship (husband / wife) separates the samples', () => {
    const [classifier] = analyzeMultivariate(reference, operational, roles, cfg).results;
    expect(classifier!.status).toBe('fail');
    const importance = classifier!.details!.importance as { feature: string; importance: number }[];
    expect(importance[0]!.feature).toBe('relationship');
    const features = analyzeFeatures(reference, operational, roles, cfg);
    expect(features.find((r) => r.subject === 'relationship')!.status).toBe('fail');
  });
});
