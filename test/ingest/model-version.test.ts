/** `--model-version COL`: the serving version is metadata, never a feature (a rollout must not read as drift). */
import { expect, it } from '@jest/globals';
import { resolveRoles, toDataset } from '../../src/ingest/dataset.js';
import { CategoricalBuilder, type Column } from '../../src/ingest/table.js';
import { ConfigSchema } from '../../src/schema/config.js';

function cat(name: string, values: string[]): Column {
  const b = new CategoricalBuilder(values.length);
  values.forEach((v, i) => b.set(i, v));
  return { name, type: 'categorical', codes: b.codes, categories: b.categories, boolean: false };
}
const num = (name: string, values: number[]): Column => ({ name, type: 'numeric', values: Float64Array.from(values), nulls: null, integer: false });
const reference = toDataset('reference', 'ref', { rows: 3, columns: [num('x', [1, 2, 3]), cat('model_version', ['v1', 'v1', 'v1'])] });
const operational = toDataset('operational', 'op', { rows: 3, columns: [num('x', [1, 2, 4]), cat('model_version', ['v1', 'v2', 'v2'])] });
const config = (columns: Record<string, unknown>) => ConfigSchema.parse({ reference: 'r', operational: 'o', out: 'x', columns });

it('is left out of the features, with the reason, and recorded as a role', () => {
  expect(resolveRoles(config({}), reference, [operational]).roles.features).toEqual(['x', 'model_version']);
  const { roles } = resolveRoles(config({ modelVersion: 'model_version' }), reference, [operational]);
  expect(roles.features).toEqual(['x']);
  expect(roles.modelVersion).toBe('model_version');
  expect(roles.excluded).toContainEqual({ column: 'model_version', reason: 'model version column (not a feature)' });
});

it('a column no input has is a usage error naming the flag', () => {
  expect(() => resolveRoles(config({ modelVersion: 'serving_version' }), reference, [operational])).toThrow(/model version column "serving_version" is in none of the input datasets/);
});
