/**
 * The suite must pass in any clone: nothing under test/, src/, bench/ or scripts/ may read from the project's
 * reference folder beside the clone (which only this project's own machines have), and the data copied into
 * test/data/ must be the published originals. `.ci/run` also runs the suite with that folder hidden.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from '@jest/globals';
import { REPO_ROOT } from '../support/cli.js';
import { TEST_DATA_DIR, testDataBytes } from '../support/data.js';

const FOLDER = 'sha' + 'red'; // spelled apart so this file does not match its own pattern
const OUTSIDE = new RegExp(String.raw`\.\./(\.\./)*${FOLDER}\b|/work/${FOLDER}\b|MOA_${FOLDER.toUpperCase()}_DIR|\b${FOLDER}/(datasets|conformance|schemas|notes|recipes)\b`);

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (/\.(ts|mts|mjs|js|py|sh|json|md|yaml|yml)$/.test(entry.name) && statSync(full).size < 2_000_000) yield full;
  }
}

it('no file under test/, src/, bench/ or scripts/ refers to data outside the repository', () => {
  const offending: string[] = [];
  for (const top of ['test', 'src', 'bench', 'scripts']) {
    for (const file of files(path.join(REPO_ROOT, top))) {
      if (file.startsWith(path.join(TEST_DATA_DIR, 'schemas'))) continue; // verbatim upstream files
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (OUTSIDE.test(line)) offending.push(`${path.relative(REPO_ROOT, file)}:${i + 1}: ${line.trim()}`);
        });
    }
  }
  expect(offending).toEqual([]);
});

it('the pattern catches the references it is meant to catch', () => {
  for (const line of [`path.resolve(root, '../${FOLDER}')`, `'../../../${FOLDER}/conformance/README.md'`, `/work/${FOLDER}/datasets`, `process.env.MOA_${FOLDER.toUpperCase()}_DIR`, `see ${FOLDER}/notes/x.md`]) {
    expect(OUTSIDE.test(line)).toBe(true);
  }
  expect(OUTSIDE.test('new SharedArrayBuffer(8)')).toBe(false);
});

it('test/data holds the published originals (md5 / sha256 of the gunzipped bytes as in test/data/README.md)', () => {
  const md5 = (rel: string) => createHash('md5').update(testDataBytes(rel)).digest('hex');
  expect(md5('adult/adult.data.gz')).toBe('5d7c39d7b8804f071cdd1f2a7c460872');
  expect(md5('adult/adult.test.gz')).toBe('35238206dfdf7f1fe215bbb874adecdc');
  expect(md5('bike-sharing/hour.csv.gz')).toBe('d50bd5a6f55131e72a7bedc334e2fce1');
  expect(md5('bike-sharing/day.csv.gz')).toBe('fc9dd35812a1ee180fe17e6ef72a4121');
  expect(md5('seattle-weather/seattle-weather.csv.gz')).toBe('0c53271f5864c528f9898eedaa82245b');
  expect(md5('bank-marketing/bank-marketing.csv.gz')).toBe('000466faca88d1fc9961b0fe85ff995f');
  expect(createHash('sha256').update(testDataBytes('conformance/scipy-vectors.json.gz')).digest('hex')).toBe('c9cde854934b5bc402db1eff38941a087d60ec17e728978dd49b3ee42bd4b1d1');
  const readme = readFileSync(path.join(TEST_DATA_DIR, 'README.md'), 'utf8');
  for (const sum of ['5d7c39d7b8804f071cdd1f2a7c460872', '35238206dfdf7f1fe215bbb874adecdc', 'd50bd5a6f55131e72a7bedc334e2fce1', 'fc9dd35812a1ee180fe17e6ef72a4121', '0c53271f5864c528f9898eedaa82245b', 'c9cde854934b5bc402db1eff38941a087d60ec17e728978dd49b3ee42bd4b1d1']) {
    expect(readme).toContain(sum);
  }
});
