import { describe, expect, it } from '@jest/globals';
import { Table as ArrowTable, vectorFromArray, Utf8, RecordBatch, makeData, Struct, Field, Schema } from 'apache-arrow';
import { fromArrow } from '../../src/ingest/arrow.js';
import { mulberry32 } from '../../src/stats/mulberry32.js';

/** The definition: codes in first-seen order of the strings, null = −1. */
function byString(values: (string | null)[]): { codes: number[]; categories: string[] } {
  const index = new Map<string, number>();
  const categories: string[] = [];
  const codes = values.map((v) => {
    if (v === null) return -1;
    let code = index.get(v);
    if (code === undefined) index.set(v, (code = categories.push(v) - 1));
    return code;
  });
  return { codes, categories };
}

function tableOf(batches: (string | null)[][]): ArrowTable {
  const schema = new Schema([new Field('s', new Utf8(), true)]);
  return new ArrowTable(
    schema,
    batches.map((values) => {
      const child = vectorFromArray(values, new Utf8()).data[0]!;
      return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: values.length, nullCount: 0, children: [child] }));
    }),
  );
}

describe('Utf8 columns from Arrow as category codes keyed by bytes', () => {
  const rng = mulberry32(3);
  const words = ['', 'a', 'ab', 'abcd', 'abcde', 'héllo', '日本語', '🙂', 'x'.repeat(40), 'abce', 'Abcd'];
  const draw = () => (rng.nextDouble53() < 0.1 ? null : rng.nextDouble53() < 0.3 ? `c${Math.floor(rng.nextDouble53() * 2000)}` : words[Math.floor(rng.nextDouble53() * words.length)]!);
  it('gives the codes and categories of a string-keyed map, over several batches with nulls', () => {
    const batches = [Array.from({ length: 3000 }, draw), Array.from({ length: 1 }, draw), Array.from({ length: 5000 }, draw)];
    const column = fromArrow(tableOf(batches)).columns[0]!;
    const want = byString(batches.flat());
    expect(column.type).toBe('categorical');
    if (column.type !== 'categorical') return;
    expect(Array.from(column.codes)).toEqual(want.codes);
    expect(column.categories).toEqual(want.categories);
  });

  it('reads a sliced table (chunks with an offset) the same way', () => {
    const values = Array.from({ length: 4000 }, draw);
    const sliced = tableOf([values]).slice(1234, 3456);
    const column = fromArrow(sliced).columns[0]!;
    const want = byString(values.slice(1234, 3456));
    if (column.type !== 'categorical') throw new Error(column.type);
    expect(Array.from(column.codes)).toEqual(want.codes);
    expect(column.categories).toEqual(want.categories);
  });
});
