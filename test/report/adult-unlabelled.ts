/**
 * A real classification run without operational labels, for the report's estimated views: UCI Adult (test/data),
 * the softmax model of test/audit/support/adult.ts (fitted on 16,000 rows of adult.data); validation and reference
 * are the rest of adult.data with the model's probabilities and the labels; the operational data is adult.test,
 * skewed to older people (every row aged 40 or more, one in four younger ones), with probabilities and no label:
 * age drifts, and performance can only be estimated (CBPE), so the confusion matrix holds expected counts.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { adultSetup, CATEGORICAL, CLASSES, NUMERIC, type AdultPart } from '../audit/support/adult.js';

export function writeAdultUnlabelled(dir: string, out: string): string[] {
  const setup = adultSetup();
  const csv = (part: AdultPart, proba: Float64Array, rows: number[], labelled: boolean) => {
    const header = [...NUMERIC, ...CATEGORICAL, ...(labelled ? ['income'] : []), 'predicted', ...CLASSES.map((c) => `p_${c}`)];
    const lines = rows.map((i) => {
      const p = [proba[i * 2]!, proba[i * 2 + 1]!];
      return [
        ...NUMERIC.map((f) => part.num[f]![i]),
        ...CATEGORICAL.map((f) => (part.cat[f]![i]! < 0 ? '' : setup.categories[f]![part.cat[f]![i]!])),
        ...(labelled ? [CLASSES[part.y[i]!]] : []),
        CLASSES[p[1]! > p[0]! ? 1 : 0],
        ...p.map((v) => v.toFixed(6)),
      ].join(',');
    });
    return [header.join(','), ...lines].join('\n') + '\n';
  };
  const all = (part: AdultPart) => Array.from({ length: part.n }, (_, i) => i);
  const older = all(setup.operational).filter((i) => setup.operational.num.age![i]! >= 40 || i % 4 === 0);
  const file = (name: string) => path.join(dir, name);
  writeFileSync(file('validation.csv'), csv(setup.validation, setup.validationProba, all(setup.validation), true));
  writeFileSync(file('operational.csv'), csv(setup.operational, setup.operationalProba, older, false));
  return [
    'run',
    '--reference', file('validation.csv'),
    '--validation', file('validation.csv'),
    '--operational', file('operational.csv'),
    '--out', out,
    '--label', 'income',
    '--prediction', 'predicted',
    '--proba', 'p_',
    '--categorical', CATEGORICAL.join(','),
    '--full',
  ];
}
