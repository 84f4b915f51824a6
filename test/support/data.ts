import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { REPO_ROOT } from './cli.js';

/** test/data/ in this clone: every data file the tests read that no Debian package provides (see its README). */
export const TEST_DATA_DIR = path.join(REPO_ROOT, 'test', 'data');

/** The bytes of a test data file, gunzipped when it is stored as `.gz`. */
export function testDataBytes(rel: string): Buffer {
  const bytes = readFileSync(path.join(TEST_DATA_DIR, rel));
  return rel.endsWith('.gz') ? gunzipSync(bytes) : bytes;
}

export const testDataText = (rel: string): string => testDataBytes(rel).toString('utf8');

/** scikit-learn's digits as installed by the Debian package python3-sklearn. */
export const SKLEARN_DIGITS = '/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz';
