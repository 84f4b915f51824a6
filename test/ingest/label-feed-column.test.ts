/** `--label-feed-column`: the feed's label column may be named apart from the training label it fills. */
import { expect, it } from '@jest/globals';
import { toDataset } from '../../src/ingest/dataset.js';
import { joinLabels } from '../../src/ingest/labels.js';
import { CategoricalBuilder, type Column } from '../../src/ingest/table.js';

function cat(name: string, values: (string | null)[]): Column {
  const b = new CategoricalBuilder(values.length);
  values.forEach((v, i) => b.set(i, v));
  return { name, type: 'categorical', codes: b.codes, categories: b.categories, boolean: false };
}
const labels = (c: Column | undefined) => (c?.type === 'categorical' ? [...c.codes].map((k) => (k < 0 ? null : c.categories[k])) : c?.type);

const operational = toDataset('operational', 'ops', { rows: 3, columns: [cat('id', ['a', 'b', 'c']), cat('churned', [null, null, 'no'])] });
// The feed also has a column named like the training label, holding something else: it must not be read.
const feed = { rows: 2, columns: [cat('id', ['a', 'b']), cat('outcome', ['yes', 'no']), cat('churned', ['stale', 'stale'])] };

it('fills the training label column from the feed column it names', () => {
  const { dataset, coverage } = joinLabels(operational, feed, { id: 'id', label: 'churned', feedLabel: 'outcome', uri: 'feed' });
  expect(labels(dataset.columns.get('churned'))).toEqual(['yes', 'no', 'no']);
  expect(dataset.columns.has('outcome')).toBe(false);
  expect(coverage.fromFeed).toBe(2);
});

it('defaults to the training label column, and names the missing feed column and the flag when it is absent', () => {
  expect(labels(joinLabels(operational, feed, { id: 'id', label: 'churned', uri: 'feed' }).dataset.columns.get('churned'))).toEqual(['stale', 'stale', 'no']);
  expect(() => joinLabels(operational, feed, { id: 'id', label: 'churned', feedLabel: 'label', uri: 'feed' })).toThrow(/lacks the label column "label"/);
  try {
    joinLabels(operational, feed, { id: 'id', label: 'churned', feedLabel: 'label', uri: 'feed' });
  } catch (error) {
    expect((error as { fix: string }).fix).toContain('--label-feed-column');
  }
});
