/**
 * Every manifest moa writes passes moa's own checks of it (ManifestSchema: field types plus manifestProblems — class
 * weights positive and within the clip, a reweight with class weights, counts that agree). The run applies the
 * schema before writing, so a rejected manifest would end the run in an error; here the written files are read back
 * and checked again, from the scenario benchmark (the colour scenarios and the one `reweight` scenario) and from
 * robustness-suite cases on the repository's data sets (null split, prior shift, new class, a unit fault).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { analyse } from '../../bench/robustness/analyse.js';
import { injectFault, newClassSplit, nullSplit, priorShiftSplit, type CaseKind, type Split } from '../../bench/robustness/cases.js';
import { ROBUSTNESS_DATASETS } from '../../bench/robustness/datasets.js';
import { SCENARIOS } from '../../bench/scenarios/definitions.js';
import { runScenario } from '../../bench/scenarios/harness.js';
import { ManifestSchema, manifestProblems, type Manifest } from '../../src/schema/manifest.js';
import { mulberry32 } from '../../src/stats/index.js';
import { TEST_DATA_DIR } from '../support/data.js';
import { describeIfAvailable } from '../support/requires.js';

/** The manifest's own checks, with the messages when it fails them. */
function expectAccepted(manifest: Manifest) {
  const parsed = ManifestSchema.safeParse(manifest);
  expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([]);
  expect(manifestProblems(manifest)).toEqual([]);
  for (const w of Object.values(manifest.training.classWeights ?? {})) expect(w).toBeGreaterThan(0);
}

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'moa-manifests-accepted-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('scenario benchmark manifests', () => {
  const chosen = SCENARIOS.filter((s) => s.name.startsWith('color_') || s.name === 'fmnist_label_shift');
  it('include a reweight scenario', () => {
    expect(chosen.map((s) => s.expected)).toContain('reweight');
  });
  for (const s of chosen) {
    describeIfAvailable(`the ${s.name} manifest test`, s.unavailable())(s.name, () => {
      it(`${s.name}: the written manifest passes the checks`, async () => {
        const r = await runScenario(s, { workDir, seed: 42 });
        const manifest = JSON.parse(readFileSync(path.join(workDir, s.name, 'out', 'retrain-config.json'), 'utf8')) as Manifest;
        expect(manifest.decision.action).toBe(r.action);
        expectAccepted(manifest);
        if (r.action === 'reweight') {
          expect(manifest.training.classWeighting.source).not.toBeNull();
          expect(manifest.data.weights!.candidate).toBe('class_weighted');
        }
      }, 600_000);
    });
  }
});

describe('robustness-suite manifests (test/data)', () => {
  const kinds: CaseKind[] = ['null', 'prior_shift', 'new_class', 'unit_x10'];
  for (const name of ['adult', 'bike-sharing']) {
    const ds = ROBUSTNESS_DATASETS.find((d) => d.name === name)!;
    it(`${name}: ${kinds.join(', ')} — every written manifest passes the checks`, async () => {
      const frame = ds.load(TEST_DATA_DIR);
      const rng = mulberry32(1017);
      const next = () => rng.nextDouble53();
      const base = nullSplit(frame, next, 3000);
      const splits: [CaseKind, Split | null][] = kinds.map((kind) => {
        if (kind === 'null') return [kind, base];
        if (kind === 'new_class') return [kind, ds.task === 'classification' ? newClassSplit(base) : null];
        if (kind === 'prior_shift') return [kind, ds.task === 'classification' ? priorShiftSplit(base, next) : null];
        const injected = injectFault(kind, base.operational, next);
        return [kind, injected && { ...base, operational: injected.operational, target: injected.target }];
      });
      const ran: CaseKind[] = [];
      for (const [kind, split] of splits) {
        if (!split) continue;
        const label = `${name}-${kind}`;
        const r = await analyse(ds, split, 1, path.join(workDir, label), label, { full: false });
        expectAccepted(r.manifest!);
        ran.push(kind);
        // The checks can fail: the same manifest with a zero class weight, or a reweight without weights, is rejected.
        const zero = structuredClone(r.manifest!);
        zero.training.classWeights = { [zero.data.labelColumn ?? 'label']: 0 };
        zero.training.classWeighting.source = 'estimated';
        expect(ManifestSchema.safeParse(zero).success).toBe(false);
        const bare = structuredClone(r.manifest!);
        bare.decision.action = 'reweight';
        bare.training.classWeights = null;
        bare.training.classWeighting.source = null;
        expect(manifestProblems(bare)).toContain('a reweight decision needs class weights');
      }
      // Cases a data set cannot carry are not built (a new class needs three classes, a fault a column for it).
      expect(ran).toEqual(expect.arrayContaining(ds.task === 'classification' ? ['null', 'prior_shift'] : ['null']));
      console.log(`${name}: manifests of ${ran.join(', ')} accepted`);
    }, 1_200_000);
  }
});
