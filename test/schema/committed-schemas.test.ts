import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { jsonSchemaOf, SCHEMA_FILES, type SchemaKind } from '../../src/schema/json-schema.js';
import { REPO_ROOT } from '../support/cli.js';

describe('committed JSON Schemas', () => {
  it.each(Object.keys(SCHEMA_FILES) as SchemaKind[])('schemas/%s matches the zod schema (run `npm run schemas` after changing it)', (kind) => {
    const committed = JSON.parse(readFileSync(path.join(REPO_ROOT, 'schemas', SCHEMA_FILES[kind]), 'utf8'));
    expect(committed).toEqual(jsonSchemaOf(kind));
  });

  it('compile under a strict JSON Schema 2020-12 validator', () => {
    const ajv = new Ajv2020({ strict: false });
    for (const kind of Object.keys(SCHEMA_FILES) as SchemaKind[]) expect(() => ajv.compile(jsonSchemaOf(kind))).not.toThrow();
  });

  it('reject a manifest with an unknown action', () => {
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(jsonSchemaOf('manifest'));
    expect(validate({ apiVersion: 'moa/v1', kind: 'RetrainConfig', decision: { action: 'retrain-everything' } })).toBe(false);
  });
});
