import type { ParquetColumn } from './parquet.js';

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field (RFC 4180): quoted when it holds a comma, quote, line break or edge space, or is "" (null and NaN are empty). */
function field(value: string | number | null | undefined, type: ParquetColumn['type']): string {
  if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) return '';
  if (type === 'timestamp') return new Date(value as number).toISOString();
  // String(number) is the shortest text that reads back as the same double.
  const text = String(value);
  return text === '' || NEEDS_QUOTES.test(text) || text.trim() !== text ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The same columns the Parquet writer takes, as CSV text with a header row (UTF-8, `\n` line ends). */
export function toCsv(columns: Record<string, ParquetColumn>): Uint8Array {
  const entries = Object.entries(columns);
  const rows = entries.length === 0 ? 0 : entries[0]![1].values.length;
  const lines = [entries.map(([name]) => field(name, 'string')).join(',')];
  for (let r = 0; r < rows; r++) lines.push(entries.map(([, c]) => field(c.values[r] as string | number | null, c.type)).join(','));
  return new TextEncoder().encode(lines.join('\n') + '\n');
}
