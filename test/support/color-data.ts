import { colorColumns, colorDemoData } from '../../src/demo/run-demo.js';
import { toParquet, type ParquetColumn } from '../../src/emit/parquet.js';

/** The demo's color data sets as Parquet bytes, plus CSV text for format tests. */
export function colorFiles(seed = 7) {
  const { model, reference, validation, operational } = colorDemoData(seed);
  const ref = colorColumns(reference, model);
  const op = colorColumns(operational, model);
  const val = colorColumns(validation, model);
  return {
    reference: toParquet(ref),
    operational: toParquet(op),
    validation: toParquet(val),
    referenceCsv: toCsv(ref),
    operationalCsv: toCsv(op),
  };
}

export function toCsv(columns: Record<string, ParquetColumn>): string {
  const names = Object.keys(columns);
  const n = columns[names[0]!]!.values.length;
  const cell = (c: ParquetColumn, i: number): string => {
    const v = c.values[i];
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return '';
    if (c.type === 'timestamp') return new Date(v as number).toISOString();
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [names.join(',')];
  for (let i = 0; i < n; i++) lines.push(names.map((name) => cell(columns[name]!, i)).join(','));
  return lines.join('\n') + '\n';
}
