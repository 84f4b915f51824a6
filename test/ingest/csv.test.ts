import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { MoaError } from '../../src/errors.js';
import { decode, fromCells } from '../../src/ingest/formats.js';
import type { Column, Table } from '../../src/ingest/table.js';
import type { ColumnType } from '../../src/schema/config.js';
import { mulberry32 } from '../../src/stats/index.js';
import { REPO_ROOT } from '../support/cli.js';
import { SKLEARN_DIGITS, TEST_DATA_DIR } from '../support/data.js';

const FORMATS_DIST = path.join(REPO_ROOT, 'dist/ingest/formats.js');

/**
 * The byte-level CSV reader against the reference: csv-parse (the parser moa used before) with the previous cell
 * rules (null tokens, then numeric / boolean / categorical by what every cell fits). The one intended difference:
 * a column whose cells are all ISO-8601 dates or times is now a timestamp, checked against Date.parse.
 */
const NULLS = new Set(['', 'NA', 'N/A', 'null', 'NULL', 'None', 'NaN', 'nan']);
const ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/;

function reference(bytes: Uint8Array, types: Record<string, ColumnType>, delimiter = ','): Table {
  const records = parseCsv(Buffer.from(bytes).toString('utf8'), { bom: true, skip_empty_lines: true, delimiter }) as string[][];
  const header = records[0]!;
  if (header.some((h, i) => header.indexOf(h) !== i)) throw new MoaError('data', 'data.duplicate_column', 'duplicate column');
  const rows = records.length - 1;
  return {
    rows,
    columns: header.map((name, k) => fromCells(name, records.slice(1).map((r) => (NULLS.has(r[k]!) ? null : r[k]!)), types[name])),
  };
}

const isoMs = (text: string) => {
  let t = text.replace(' ', 'T').replace(',', '.');
  if (!/(Z|[+-]\d{2}(:?\d{2})?)$/.test(t.slice(10))) t += t.length === 10 ? '' : 'Z';
  else t = t.replace(/([+-]\d{2})(\d{2})$/, '$1:$2').replace(/([+-]\d{2})$/, '$1:00');
  return Date.parse(t);
};

/** Same table: types, names, null masks, categories in order, and numbers bit for bit (Object.is: -0, NaN). */
function expectSame(actual: Table, expected: Table, label: string): void {
  expect({ label, rows: actual.rows, names: actual.columns.map((c) => c.name) }).toEqual({ label, rows: expected.rows, names: expected.columns.map((c) => c.name) });
  actual.columns.forEach((a, k) => {
    const e = expected.columns[k]!;
    const where = `${label} column ${a.name}`;
    if (a.type === 'timestamp' && e.type === 'categorical') {
      // Inferred timestamp: every cell must be ISO-8601 and read as Date.parse reads it with an explicit UTC.
      for (let i = 0; i < a.values.length; i++) {
        const text = e.codes[i]! < 0 ? null : e.categories[e.codes[i]!]!;
        if (text === null) expect({ where, i, null: a.nulls?.[i] }).toEqual({ where, i, null: 1 });
        else {
          expect({ where, text, iso: ISO.test(text) }).toEqual({ where, text, iso: true });
          expect({ where, text, ms: a.values[i] }).toEqual({ where, text, ms: isoMs(text) });
        }
      }
      return;
    }
    expect({ where, type: a.type }).toEqual({ where, type: e.type });
    if ((a.type === 'numeric' || a.type === 'timestamp') && (e.type === 'numeric' || e.type === 'timestamp')) {
      const bad = Array.from(a.values).findIndex((v, i) => !Object.is(v, e.values[i]));
      expect({ where, firstDifference: bad, got: a.values[bad], want: e.values[bad] }).toEqual({ where, firstDifference: -1, got: undefined, want: undefined });
      expect({ where, nulls: a.nulls && Array.from(a.nulls) }).toEqual({ where, nulls: e.nulls && Array.from(e.nulls) });
      if (a.type === 'numeric' && e.type === 'numeric') expect({ where, integer: a.integer }).toEqual({ where, integer: e.integer });
    } else if (a.type === 'categorical' && e.type === 'categorical') {
      expect({ where, categories: a.categories, boolean: a.boolean }).toEqual({ where, categories: e.categories, boolean: e.boolean });
      expect({ where, codes: Array.from(a.codes) }).toEqual({ where, codes: Array.from(e.codes) });
    } else expect({ where, a: columnLengthOf(a) }).toEqual({ where, a: columnLengthOf(e) });
  });
}
const columnLengthOf = (c: Column) => ('length' in c ? c.length : -1);

function outcome(run: () => Table): Table | 'error' {
  try {
    return run();
  } catch (error) {
    if (error instanceof MoaError) return 'error';
    if ((error as { code?: string }).code?.startsWith('CSV_') || (error as { code?: string }).code === 'INVALID_OPENING_QUOTE') return 'error';
    throw error;
  }
}

const decodeCsv = (bytes: Uint8Array, types: Record<string, ColumnType> = {}, uri = 'fuzz.csv') => decode(bytes, { format: 'csv', uri, subject: 'test', types });

describe('CSV reader (byte level) against csv-parse', () => {
  // The repo's CSV data (test/data/) and scikit-learn's bundled CSVs from the Debian package python3-sklearn.
  const sklearnDir = path.dirname(SKLEARN_DIGITS);
  const files: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(csv|data|test)(\.gz)?$/.test(name)) files.push(p);
    }
  };
  walk(TEST_DATA_DIR);
  walk(sklearnDir);
  const dir = path.dirname(TEST_DATA_DIR);

  it('finds the datasets to compare on', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files.map((f) => [f.startsWith(dir) ? path.relative(dir, f) : f, f]))('reads %s exactly as the reference does', (_name, file) => {
    const raw = readFileSync(file);
    const bytes = file.endsWith('.gz') ? gunzipSync(raw) : raw;
    // Some files (sklearn's bundled ones) are not one-header CSV: both readers must then refuse them.
    const got = outcome(() => decodeCsv(bytes, {}, file.replace(/\.gz$/, '')));
    const want = outcome(() => reference(bytes, {}));
    if (got === 'error' || want === 'error') expect({ file, got: got === 'error' ? 'error' : 'table' }).toEqual({ file, got: want === 'error' ? 'error' : 'table' });
    else expectSame(got, want, file);
  });

  it('reads 400 seeded random CSV files (quotes, escapes, line endings, BOM, nulls, numbers) as the reference does, and fails where it fails', () => {
    const generator = mulberry32(20261203);
    const rng = generator.nextDouble53;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
    const numbers = () =>
      pick([
        () => String(Math.floor(rng() * 1e6) - 5e5),
        () => String((rng() - 0.5) * 10 ** Math.floor(rng() * 40 - 20)),
        () => (rng() * 100).toFixed(Math.floor(rng() * 20)),
        () => `${Math.floor(rng() * 1e4)}e${Math.floor(rng() * 60 - 30)}`,
        () => pick(['0', '-0', '+0', '00012', '1.', '.5', '-.5', '1e5', '1E-5', '2.5e+3', '123456789012345678', '0.1234567890123456789', '1e400', '-1e-400', 'inf', '-inf', 'Infinity', 'INF', ' 12 ', '\t3.5', '9007199254740993', '4.35', '0.000001', '1e22', '1e23', '123456789012345e7']),
      ])();
    const strings = () => pick(['a', 'b', 'x y', 'é', '日本', 'a,b', 'say "hi"', 'line\nbreak', 'cr\rlf', 'NA', 'null', 'None', '', 'true', 'False', 'TRUE', '0x10', '1_000', '-', ' ', 'nan', 'NaN', '#', "'q'"]);
    const dates = () => pick(['2024-01-31', '2024-02-29', '2023-12-31T23:59:59Z', '2024-06-01 12:30', '2024-06-01T12:30:45.123+02:00', '2024-06-01T12:30:45.1234567Z', '2020-01-01T00:00:00-0530', '2021-07-04T08:00:00']);
    const bools = () => pick(['true', 'false', 'True', 'FALSE', '']);
    let compared = 0;
    let errors = 0;
    for (let file = 0; file < 400; file++) {
      const width = 1 + Math.floor(rng() * 5);
      const rows = Math.floor(rng() * 40);
      const kinds = Array.from({ length: width }, () => pick([numbers, numbers, strings, dates, bools]));
      const mixed = rng() < 0.2; // a column that changes kind part-way
      const eol = pick(['\n', '\r\n', '\r']);
      const quoteAll = rng() < 0.2;
      const cell = (text: string) =>
        quoteAll || /[",\r\n]/.test(text) || (text.length > 0 && rng() < 0.05) ? `"${text.replace(/"/g, '""')}"` : text;
      const lines = [Array.from({ length: width }, (_, k) => cell(`c${k}${rng() < 0.1 ? ' "q"' : ''}`)).join(',')];
      for (let r = 0; r < rows; r++) {
        lines.push(kinds.map((kind, k) => cell(rng() < 0.1 ? pick(['', 'NA', 'null']) : mixed && k === 0 && r > rows / 2 ? strings() : kind())).join(','));
        if (rng() < 0.05) lines.push('');
      }
      let text = (rng() < 0.1 ? '\ufeff' : '') + lines.join(eol) + (rng() < 0.7 ? eol : '');
      // Malformed variants: a stray quote, a short record, an unclosed quote, text after a closing quote.
      const damage = rng();
      if (damage < 0.04) text = text.replace(/,/, ',x"y');
      else if (damage < 0.08) text += `1${eol}`;
      else if (damage < 0.1) text += '"open';
      else if (damage < 0.12) text = text.replace(/\n"/, '\n"a"b');
      const bytes = Buffer.from(text, 'utf8');
      const types: Record<string, ColumnType> = rng() < 0.2 ? { c0: pick(['numeric', 'categorical', 'boolean', 'timestamp', 'string'] as const) } : {};
      const got = outcome(() => decodeCsv(bytes, types));
      const want = outcome(() => reference(bytes, types));
      const label = `fuzz file ${file}: ${JSON.stringify(text.slice(0, 200))}`;
      if (want === 'error' || got === 'error') {
        expect({ label, got: got === 'error' ? 'error' : 'table' }).toEqual({ label, got: want === 'error' ? 'error' : 'table' });
        errors++;
      } else {
        expectSame(got, want, label);
        compared++;
      }
    }
    // The corpus must exercise both sides.
    expect(compared).toBeGreaterThan(300);
    expect(errors).toBeGreaterThan(10);
  });

  it('reads every number form bit-identically to Number()', () => {
    const rng = mulberry32(7).nextDouble53;
    const cells: string[] = [];
    for (let i = 0; i < 20000; i++) {
      const digits = String(Math.floor(rng() * 1e17)).slice(0, 1 + Math.floor(rng() * 17));
      const point = Math.floor(rng() * (digits.length + 1));
      cells.push(`${rng() < 0.5 ? '-' : ''}${digits.slice(0, point)}.${digits.slice(point) || '0'}${rng() < 0.3 ? `e${Math.floor(rng() * 40 - 20)}` : ''}`);
    }
    const table = decodeCsv(Buffer.from(`x\n${cells.join('\n')}\n`));
    const x = table.columns[0]!;
    if (x.type !== 'numeric') throw new Error('x should be numeric');
    const bad = cells.findIndex((c, i) => !Object.is(x.values[i], Number(c)));
    expect({ bad, cell: cells[bad] }).toEqual({ bad: -1, cell: undefined });
  });

  it('reads numeric cells that the scan does not end where a number ends as the reference does', () => {
    // A numeric column's unquoted cell is parsed while it is scanned; these continue past the number (text, a space,
    // a \r inside \n records, a seventh exponent digit, a quote) and must take the usual path.
    const cells = ['1', '2.5', '1.5e0000001', '2.5 ', ' 3', '12\r', '4.0e1', '1e5e', '5.5.5', '-', '+7', '', '8x', '0x10'];
    for (const cell of cells) {
      for (const eol of ['\n', '\r\n', '\r']) {
        if (eol !== '\n' && cell.includes('\r')) continue;
        const bytes = Buffer.from(['x,y', `1,${cell}`, `2.5,${cell}`, `${cell},3`].join(eol) + eol);
        const got = outcome(() => decodeCsv(bytes));
        const want = outcome(() => reference(bytes, {}));
        if (got === 'error' || want === 'error') expect({ cell, eol, got: got === 'error' ? 'error' : 'table' }).toEqual({ cell, eol, got: want === 'error' ? 'error' : 'table' });
        else expectSame(got, want, JSON.stringify({ cell, eol }));
      }
    }
    const x = decodeCsv(Buffer.from('x\n1\n1.5e0000001\n')).columns[0]!;
    expect(x.type === 'numeric' && [Array.from(x.values), x.integer]).toEqual([[1, 15], true]);
  });

  it('reads numbers whose digits lie at the edge of exact doubles (2^53) bit-identically to Number()', () => {
    // The fast path takes digits summing to below 2^53 and powers of ten within ±22; these sit on both sides.
    const digits = ['9007199254740991', '9007199254740992', '9007199254740993', '9007199254740999', '18014398509481985', '4503599627370497', '99999999999999999', '1', '0', '000000000000000000000123', '123000000000000000000000'];
    const cells: string[] = [];
    for (const d of digits) {
      for (const point of [0, 1, 8, d.length - 1, d.length]) {
        for (const exp of ['', 'e22', 'e-22', 'e7', 'E-7', 'e+23', 'e-23', 'e300', 'e-330']) cells.push(`${d.slice(0, point)}.${d.slice(point) || '0'}${exp}`, `-${d}${exp}`);
      }
    }
    cells.push('0.' + '0'.repeat(30) + '1', '1' + '0'.repeat(400), '0'.repeat(400) + '.5', '-0', '-0.0e5', '+12.5', '.5', '5.');
    const table = decodeCsv(Buffer.from(`x\n${cells.join('\n')}\n`));
    const x = table.columns[0]!;
    if (x.type !== 'numeric') throw new Error('x should be numeric');
    const bad = cells.findIndex((c, i) => !Object.is(x.values[i], Number(c)));
    expect({ bad, cell: cells[bad] }).toEqual({ bad: -1, cell: undefined });
  });

  it('infers ISO-8601 timestamps (UTC when no offset), and keeps a column categorical once a cell is not one', () => {
    const table = decodeCsv(Buffer.from('t,u\n2024-01-31,2024-01-31\n2024-02-01T10:00:00+01:00,not a date\n,2024-02-02\n'));
    const [t, u] = table.columns;
    if (t!.type !== 'timestamp') throw new Error('t should be a timestamp');
    expect(Array.from(t.values)).toEqual([Date.UTC(2024, 0, 31), Date.UTC(2024, 1, 1, 9), NaN]);
    expect(t.nulls && Array.from(t.nulls)).toEqual([0, 0, 1]);
    expect(u!.type === 'categorical' && u.categories).toEqual(['2024-01-31', 'not a date', '2024-02-02']);
    // Impossible dates stay text.
    expect(decodeCsv(Buffer.from('t\n2023-02-29\n')).columns[0]!.type).toBe('categorical');
  });

  it('reads epoch seconds and milliseconds in a column configured as timestamp', () => {
    const t = decodeCsv(Buffer.from('t\n1700000000\n1700000000123\n2024-01-01T00:00:00Z\n'), { t: 'timestamp' }).columns[0]!;
    if (t.type !== 'timestamp') throw new Error('t should be a timestamp');
    expect(Array.from(t.values)).toEqual([1_700_000_000_000, 1_700_000_000_123, Date.UTC(2024, 0, 1)]);
  });

  it('reads a file larger than the longest JS string (no whole-file string), in the built reader', () => {
    // 560M bytes (V8 strings stop at 2^29 - 24 characters), in long cells so the columns stay small: a number and
    // one of ten 1,000-character texts per row, built by repeating a block. Run on dist/ in a child process: the
    // SWC-transformed source under jest's module sandbox reads it ten times slower than the compiled module.
    if (!existsSync(FORMATS_DIST)) throw new Error(`${FORMATS_DIST} is missing: run \`npm run build\` first (npm test does).`);
    const script = `
      import { decode } from ${JSON.stringify(FORMATS_DIST)};
      const texts = Array.from({ length: 10 }, (_, k) => String.fromCharCode(97 + k).repeat(1000));
      const block = Buffer.from(Array.from({ length: 1000 }, (_, i) => \`\${i % 977}.25,\${texts[i % 10]}\\n\`).join(''));
      const copies = Math.ceil(560e6 / block.length);
      const bytes = Buffer.allocUnsafe(4 + block.length * copies);
      bytes.write('x,s\\n');
      for (let k = 0; k < copies; k++) block.copy(bytes, 4 + k * block.length);
      const table = decode(bytes, { format: 'csv', uri: 'big.csv', subject: 'test', types: {} });
      const [x, s] = table.columns;
      console.log(JSON.stringify({ bytes: bytes.length, rows: table.rows, copies, types: [x.type, s.type], x: [x.values[0], x.values[978], x.values[table.rows - 1]], categories: s.categories.map((c) => c.slice(0, 2) + c.length), last: s.codes[table.rows - 1] }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 1 << 20 }));
    expect(out.bytes).toBeGreaterThan(2 ** 29);
    expect(out.rows).toBe(1000 * out.copies);
    expect(out.types).toEqual(['numeric', 'categorical']);
    expect(out.x).toEqual([0.25, 1.25, (999 % 977) + 0.25]);
    expect(out.categories).toEqual(Array.from({ length: 10 }, (_, k) => String.fromCharCode(97 + k).repeat(2) + '1000'));
    expect(out.last).toBe(9);
  }, 600_000);
});
