import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { CATALOGUE, CHECK_KINDS, CHECKS, CheckResultSchema, failing, find, findAll, isKind, type CheckResult } from '../../src/checks/index.js';
import { catalogueDoc } from '../../src/checks/docs.js';
import { REPO_ROOT } from '../support/cli.js';
import { checkOf } from '../support/checks.js';

const drift = checkOf(CHECKS.featureDrift, { id: 'drift.feature.x', subject: 'x', status: 'fail', figures: { pValue: 1e-6, effect: 0.3 }, threshold: { minEffect: 0.1 }, summary: 'drifted' });
const perf = checkOf(CHECKS.performance, { id: 'audit.performance.accuracy', subject: 'accuracy', status: 'pass', figures: { accuracy: 0.9, labelled: 500 }, summary: 'holds' });
const checks: CheckResult[] = [drift, perf];

describe('the check catalogue', () => {
  it('has one entry per kind, and every entry names what it measures and who reads it', () => {
    expect(new Set(CHECK_KINDS).size).toBe(CATALOGUE.length);
    for (const e of CATALOGUE) {
      expect(e.measures.length).toBeGreaterThan(20);
      expect(e.readBy.length).toBeGreaterThan(0);
    }
  });

  it('docs/checks.md is generated from it (run `npm run schemas` after changing the catalogue)', () => {
    expect(readFileSync(path.join(REPO_ROOT, 'docs', 'checks.md'), 'utf8')).toBe(catalogueDoc());
  });

  it('rejects a result with an unknown kind, figure, threshold or details key, or the wrong stage', () => {
    expect(CheckResultSchema.safeParse(drift).success).toBe(true);
    expect(CheckResultSchema.safeParse({ ...drift, kind: 'out_of_distribution' }).success).toBe(false);
    expect(CheckResultSchema.safeParse({ ...drift, figures: { ...drift.figures, effectSize: 0.3 } }).success).toBe(false);
    expect(CheckResultSchema.safeParse({ ...drift, threshold: { minEffekt: 0.1 } }).success).toBe(false);
    expect(CheckResultSchema.safeParse({ ...drift, details: { distrib: [] } }).success).toBe(false);
    expect(CheckResultSchema.safeParse({ ...drift, stage: 'audit' }).success).toBe(false);
    expect(CheckResultSchema.safeParse({ ...perf, figures: { labelled: 'many' } }).success).toBe(false);
  });

  it('answers typed queries', () => {
    const p = find(checks, CHECKS.performance)!;
    expect(p.figures.labelled).toBe(500);
    expect(failing(checks, CHECKS.featureDrift, CHECKS.performance).map((c) => c.id)).toEqual(['drift.feature.x']);
    expect(findAll(checks, CHECKS.novelty)).toEqual([]);
    expect(isKind(drift, CHECKS.featureDrift) && drift.threshold?.minEffect).toBe(0.1);
  });

  it('does not compile a kind, figure or details key it does not list', () => {
    // Each line below is a type error; `npm run typecheck` fails if one of them starts to compile.
    // @ts-expect-error: no such kind
    find(checks, { kind: 'out_of_distribution' });
    // @ts-expect-error: no such figure on performance
    void find(checks, CHECKS.performance)?.figures.accuracyy;
    // @ts-expect-error: no such details key on feature drift
    void find(checks, CHECKS.featureDrift)?.details?.histogram;
    // @ts-expect-error: a figure of another kind (and the schema rejects it at run time too)
    expect(() => checkOf(CHECKS.novelty, { id: 'n', status: 'pass', figures: { auc: 0.5 }, summary: '' })).toThrow();
  });
});

/** Source files under a directory, recursively. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('every producer and reader goes through the catalogue', () => {
  it('no source file outside src/checks writes or compares a check kind as a string literal', () => {
    const kinds = CHECK_KINDS.join('|');
    // `kind: 'feature_drift'`, `kind === 'novelty'`, `.kind !== "schema"`: a kind outside the catalogue's reach.
    const pattern = new RegExp(`kind\\s*(?::|===|!==|==|!=)\\s*['"\`](${kinds})['"\`]`);
    const offenders = sources(path.join(REPO_ROOT, 'src'))
      .filter((f) => !f.includes(`${path.sep}checks${path.sep}`))
      .flatMap((f) => readFileSync(f, 'utf8').split('\n').map((line, i) => ({ where: `${path.relative(REPO_ROOT, f)}:${i + 1}`, line })))
      .filter(({ line }) => pattern.test(line))
      .map(({ where, line }) => `${where}: ${line.trim()}`);
    expect(offenders).toEqual([]);
  });
});
