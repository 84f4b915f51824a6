/** The schemas the YAML is validated against are the published ones: sha256 as listed in test/data/schemas/SOURCES.md. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from '@jest/globals';
import { SCHEMA_DIR } from './schemas.js';

it('every schema file matches the sha256 recorded in SOURCES.md', () => {
  const sources = readFileSync(path.join(SCHEMA_DIR, 'SOURCES.md'), 'utf8');
  const listed = [...sources.matchAll(/^([0-9a-f]{64})  (\S+)$/gm)].map((m) => ({ sha: m[1]!, file: m[2]! }));
  expect(listed.length).toBeGreaterThanOrEqual(20);
  const actual = listed.map(({ file }) => ({ sha: createHash('sha256').update(readFileSync(path.join(SCHEMA_DIR, file))).digest('hex'), file }));
  expect(actual).toEqual(listed);
});
