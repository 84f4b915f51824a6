/**
 * `moa run` on profiles (--reference-profile / --operational-profile) against the same data read as rows, on real
 * data sets: Bike Sharing hours (2011 against 2012: drift; two random halves of 2012: none) and UCI Adult (the
 * training file against the test file; the test file's older people only). Every case must reach the same action,
 * every check must say what it ran on, a drift test on the profiles' exact category counts must equal the rows' test,
 * and each KS statistic between two sketches must lie within
 * its stated bound of the exact statistic of the rows run (all rows: no case exceeds drift.maxRows).
 * Profiles are made two ways: with k = 2,000 and a 2,000-row sample, where the sketch KS is more sensitive than the
 * sample and decides; and with the defaults (k = 200, a sample holding every row), where the sample does.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { validateConfig } from '../../src/config/load.js';
import { CHECKS, findAll, type Basis, type CheckResult } from '../../src/checks/index.js';
import { decode, numericToCategorical } from '../../src/ingest/formats.js';
import type { Table } from '../../src/ingest/table.js';
import { silentLogger } from '../../src/log.js';
import { buildProfile, DEFAULT_SETTINGS, histogramEdges, type ProfileSettings } from '../../src/profile/index.js';
import { runAnalysis } from '../../src/run.js';
import { createStorage } from '../../src/storage/index.js';
import { mulberry32 } from '../../src/stats/mulberry32.js';
import { testDataText } from '../support/data.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'moa-run-profile-'));
// Each case runs the whole step three times on up to 32,561 rows: tens of seconds on a loaded 2-core machine.
const CASE_TIMEOUT = 600_000;

interface Case {
  name: string;
  header: string[];
  reference: string[][];
  operational: string[][];
  categorical: string[];
  ignore: string[];
}

function bikeRows(): { header: string[]; rows: string[][] } {
  const [head, ...lines] = testDataText('bike-sharing/hour.csv.gz').trimEnd().split(/\r?\n/);
  return { header: head!.split(','), rows: lines.map((l) => l.split(',')) };
}

const ADULT_HEADER = ['age', 'workclass', 'fnlwgt', 'education', 'education_num', 'marital_status', 'occupation', 'relationship', 'race', 'sex', 'capital_gain', 'capital_loss', 'hours_per_week', 'native_country', 'income'];
function adultRows(file: string): string[][] {
  return testDataText(`adult/${file}`)
    .split(/\r?\n/)
    .filter((l) => l.includes(','))
    .map((l) => l.split(',').map((v) => v.trim().replace(/\.$/, '')));
}

const BIKE = { categorical: ['season', 'weathersit'], ignore: ['instant', 'dteday', 'casual', 'registered'] };

function cases(): Case[] {
  const bike = bikeRows();
  const year = bike.header.indexOf('yr');
  const rng = mulberry32(11);
  const y2012 = bike.rows.filter((r) => r[year] === '1');
  const coin = y2012.map(() => rng.nextDouble53() < 0.5);
  // The first 8,000 training and test rows: the run reads them whole, three times per case, in CI.
  const adultTrain = adultRows('adult.data.gz').slice(0, 8000);
  const adultTest = adultRows('adult.test.gz').slice(0, 8000);
  return [
    { name: 'bike-2011-vs-2012', header: bike.header, reference: bike.rows.filter((r) => r[year] === '0'), operational: y2012, ...BIKE },
    { name: 'bike-2012-halves', header: bike.header, reference: y2012.filter((_, i) => coin[i]), operational: y2012.filter((_, i) => !coin[i]), ...BIKE },
    { name: 'adult-train-vs-test', header: ADULT_HEADER, reference: adultTrain, operational: adultTest, categorical: [], ignore: [] },
    { name: 'adult-older', header: ADULT_HEADER, reference: adultTrain, operational: adultTest.filter((r) => Number(r[0]) >= 40), categorical: [], ignore: [] },
  ];
}

const csv = (header: string[], rows: string[][]) => [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n';

function table(file: string, text: string, c: Case): Table {
  const t = decode(new TextEncoder().encode(text), { format: 'csv', uri: file, subject: 'test', types: {} });
  const columns = t.columns.filter((col) => !c.ignore.includes(col.name)).map((col) => (c.categorical.includes(col.name) && col.type === 'numeric' ? numericToCategorical(col) : col));
  return { rows: t.rows, columns };
}

/** The reference profile made once with edges from a first pass, the operational one on the reference's edges. */
function writeProfiles(c: Case, files: { reference: string; operational: string }, texts: { reference: string; operational: string }, settings: ProfileSettings, tag: string) {
  const ref = table(files.reference, texts.reference, c);
  const op = table(files.operational, texts.operational, c);
  const sources = (uri: string) => [{ uri, bytes: 0 }];
  const first = buildProfile(ref, { shardId: 'ref', seed: 42, settings, sources: sources(files.reference) });
  const reference = buildProfile(ref, { shardId: 'ref', seed: 42, settings, sources: sources(files.reference), edges: histogramEdges(first, ref) });
  const operational = buildProfile(op, { shardId: 'op', seed: 42, settings, sources: sources(files.operational), edges: histogramEdges(reference, op) });
  const out = { reference: path.join(dir, `${c.name}-${tag}-reference.profile.json`), operational: path.join(dir, `${c.name}-${tag}-operational.profile.json`) };
  writeFileSync(out.reference, JSON.stringify(reference));
  writeFileSync(out.operational, JSON.stringify(operational));
  return out;
}

async function run(c: Case, inputs: Record<string, string>, tag: string) {
  const config = validateConfig({ ...inputs, out: path.join(dir, `${c.name}-${tag}-out`), columns: { categorical: c.categorical, ignore: c.ignore } }, 'test');
  return (await runAnalysis(config, { storage: createStorage(), log: silentLogger, runId: `${c.name}-${tag}` })).results;
}

const drift = (checks: CheckResult[]) => findAll(checks, CHECKS.featureDrift);
const failingFeatures = (checks: CheckResult[]) => drift(checks).filter((c) => c.status === 'fail').map((c) => c.subject).sort();

describe('moa run on profiles against the same data as rows', () => {
  for (const c of cases()) {
    it(
      `${c.name}: same action, every drift result states its basis, sketch KS within its bound of the exact KS`,
      async () => {
        const texts = { reference: csv(c.header, c.reference), operational: csv(c.header, c.operational) };
        const files = { reference: path.join(dir, `${c.name}-reference.csv`), operational: path.join(dir, `${c.name}-operational.csv`) };
        writeFileSync(files.reference, texts.reference);
        writeFileSync(files.operational, texts.operational);
        const exact = await run(c, files, 'rows');
        const exactKs = new Map(drift(exact.checks).filter((d) => d.method?.startsWith('ks_2samp')).map((d) => [d.subject!, d.figures.statistic!]));
        expect(exactKs.size).toBeGreaterThan(0);
        expect(exact.checks.every((check) => check.basis === undefined)).toBe(true);

        const variants: [string, ProfileSettings, Basis['on']][] = [
          ['sketch', { ...DEFAULT_SETTINGS, kllK: 2000, sampleSize: 2000 }, 'sketch'],
          ['defaults', DEFAULT_SETTINGS, 'sample'],
        ];
        for (const [tag, settings, numericBasis] of variants) {
          const profiles = writeProfiles(c, files, texts, settings, tag);
          const onProfiles = await run(c, { referenceProfile: profiles.reference, operationalProfile: profiles.operational }, tag);
          expect({ tag, action: onProfiles.decision.action }).toEqual({ tag, action: exact.decision.action });
          // On exact counts the verdicts are the rows' own; on sketches and samples a borderline feature may differ.
          const counted = new Set(drift(onProfiles.checks).filter((d) => d.basis?.on === 'counts').map((d) => d.subject));
          expect({ tag, drifted: failingFeatures(onProfiles.checks).filter((f) => counted.has(f)) }).toEqual({ tag, drifted: failingFeatures(exact.checks).filter((f) => counted.has(f)) });
          const [a, b] = [failingFeatures(exact.checks).join(', '), failingFeatures(onProfiles.checks).join(', ')];
          if (a !== b) console.log(`${c.name} (${tag}): drifted on rows [${a}], on profiles [${b}]`);
          expect(onProfiles.inputs.map((i) => i.format)).toEqual(['moa-profile/v1', 'moa-profile/v1']);
          for (const check of onProfiles.checks) if (check.stage !== 'decide') expect({ id: check.id, basis: check.basis?.on ?? 'none' }).not.toEqual({ id: check.id, basis: 'none' });
          for (const d of drift(onProfiles.checks)) {
            const exactStatistic = exactKs.get(d.subject!);
            if (exactStatistic === undefined) continue;
            expect({ tag, feature: d.subject, basis: d.basis!.on }).toEqual({ tag, feature: d.subject, basis: numericBasis });
            const { sketchStatistic, bound } = d.basis!;
            expect(Math.abs(sketchStatistic! - exactStatistic)).toBeLessThanOrEqual(bound!);
          }
          for (const d of drift(onProfiles.checks).filter((x) => x.basis?.on === 'counts')) {
            const same = drift(exact.checks).find((x) => x.subject === d.subject)!;
            expect({ feature: d.subject, method: d.method }).toEqual({ feature: d.subject, method: same.method });
            expect(d.figures.statistic ?? 0).toBeCloseTo(same.figures.statistic ?? 0, 9);
            expect(d.figures.pValue!).toBeCloseTo(same.figures.pValue!, 12);
          }
        }
      },
      CASE_TIMEOUT,
    );
  }
});
