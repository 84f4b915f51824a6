/**
 * The bad-input corpus: each case is an input (files written under a fresh directory), a `moa` command, and the
 * exit code and message words it must get. docs/bad-inputs.md tables the classes. Files are made here rather
 * than committed, so each corruption is stated in code (a truncated Parquet file is half of a real one, …).
 */
import { gzipSync } from 'node:zlib';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { toParquet } from '../../src/emit/parquet.js';

export interface BadInput {
  /** Row of docs/bad-inputs.md this case belongs to. */
  kind: string;
  name: string;
  /** Files to write, by path relative to the case directory; `null` makes an empty directory. */
  files: Record<string, string | Uint8Array | null>;
  /** The command; `{dir}` is the case directory, `{out}` its output prefix. */
  args: string[];
  env?: Record<string, string>;
  exit: number;
  /** Words the error line must contain (the offending input and what is wrong with it). */
  words: string[];
  /** The error code (error.json and the log line), when the exit code is not 0. */
  code?: string;
}

const N = 120;
const classes = ['red', 'green', 'blue'];
function rows(n: number, shift: number, idPrefix: string): Record<string, (number | string)[]> {
  const x = Array.from({ length: n }, (_, i) => ((i * 37) % 101) / 10 + shift);
  const y = Array.from({ length: n }, (_, i) => ((i * 53) % 97) / 10);
  return {
    id: Array.from({ length: n }, (_, i) => `${idPrefix}${i}`),
    ts: Array.from({ length: n }, (_, i) => new Date(Date.UTC(2026, 0, 1 + (i % 28))).toISOString()),
    x,
    y,
    plan: Array.from({ length: n }, (_, i) => ['basic', 'pro', 'team'][i % 3]!),
    label: Array.from({ length: n }, (_, i) => classes[i % 3]!),
    predicted: Array.from({ length: n }, (_, i) => classes[(i + (i % 7 === 0 ? 1 : 0)) % 3]!),
  };
}

function csv(columns: Record<string, (number | string)[]>, sep = ','): string {
  const names = Object.keys(columns);
  const n = columns[names[0]!]!.length;
  const lines = [names.join(sep)];
  for (let i = 0; i < n; i++) lines.push(names.map((c) => String(columns[c]![i])).join(sep));
  return lines.join('\n') + '\n';
}

const half = (bytes: Uint8Array) => bytes.subarray(0, Math.floor(bytes.length / 2));

export const REFERENCE = csv(rows(N, 0, 'r'));
export const OPERATIONAL = csv(rows(N, 1, 'o'));
const numericColumns = { x: Float64Array.from(rows(N, 0, 'r').x as number[]), y: Float64Array.from(rows(N, 0, 'r').y as number[]) };
const arrowFile = tableToIPC(tableFromArrays(numericColumns), 'file');
const arrowStream = tableToIPC(tableFromArrays(numericColumns), 'stream');
const parquet = toParquet({ x: { type: 'float64', values: numericColumns.x }, y: { type: 'float64', values: numericColumns.y } });
const deep = (open: string, close: string, depth: number) => `{"x": 1, "y": 2, "deep": ${open.repeat(depth)}${close.repeat(depth)}}\n`;

/** Broken data files: each is tried as the reference, the operational and the validation data. */
const BROKEN_FILES: { kind: string; name: string; file: string; body: string | Uint8Array; exit: number; code: string; words: string[] }[] = [
  { kind: 'empty file', name: 'a 0-byte CSV', file: 'empty.csv', body: '', exit: 3, code: 'data.empty', words: ['empty.csv', 'is empty', '0 bytes'] },
  { kind: 'empty file', name: 'a CSV with a header only', file: 'header-only.csv', body: 'x,y\n', exit: 3, code: 'data.empty', words: ['header-only.csv', 'has no rows'] },
  { kind: 'empty file', name: 'JSON Lines with blank lines only', file: 'blank.jsonl', body: '\n\n\n', exit: 3, code: 'data.empty', words: ['blank.jsonl', 'has no rows'] },
  { kind: 'malformed CSV', name: 'rows with more fields than the header', file: 'ragged.csv', body: 'x,y\n1,2\n3,4,5\n', exit: 3, code: 'data.corrupt', words: ['ragged.csv', 'not valid CSV'] },
  { kind: 'malformed CSV', name: 'a quote never closed', file: 'quote.csv', body: 'x,y\n1,"2\n3,4\n', exit: 3, code: 'data.corrupt', words: ['quote.csv', 'not valid CSV'] },
  { kind: 'malformed CSV', name: 'a ragged TSV', file: 'ragged.tsv', body: 'x\ty\n1\t2\n3\n', exit: 3, code: 'data.corrupt', words: ['ragged.tsv', 'not valid CSV'] },
  { kind: 'malformed CSV', name: 'a column named twice', file: 'twice.csv', body: 'x,y,x\n1,2,3\n', exit: 3, code: 'data.duplicate_column', words: ['twice.csv', 'names the column "x" twice'] },
  { kind: 'malformed CSV', name: 'a ragged CSV, gzipped', file: 'ragged.csv.gz', body: gzipSync('x,y\n1,2\n3,4,5\n'), exit: 3, code: 'data.corrupt', words: ['ragged.csv.gz', 'not valid CSV'] },
  { kind: 'malformed JSON Lines', name: 'a line that is not JSON', file: 'bad-line.jsonl', body: '{"x": 1, "y": 2}\n{"x": 1, "y":\n', exit: 3, code: 'data.corrupt', words: ['line 2', 'bad-line.jsonl', 'not valid JSON'] },
  { kind: 'malformed JSON Lines', name: 'a line that is an array', file: 'array-line.jsonl', body: '{"x": 1, "y": 2}\n[1, 2]\n', exit: 3, code: 'data.corrupt', words: ['line 2', 'array-line.jsonl', 'not a JSON object'] },
  { kind: 'malformed JSON Lines', name: 'a line that is not JSON, gzipped', file: 'bad-line.jsonl.gz', body: gzipSync('{"x": 1, "y": 2}\nnope\n'), exit: 3, code: 'data.corrupt', words: ['line 2', 'not valid JSON'] },
  { kind: 'nesting too deep', name: 'arrays nested 100 000 deep', file: 'deep-array.jsonl', body: deep('[', ']', 100_000), exit: 3, code: 'data.too_deep', words: ['line 1', 'deep-array.jsonl', '100001 levels deep', 'limit is 64'] },
  { kind: 'nesting too deep', name: 'objects nested 50 000 deep', file: 'deep-object.jsonl', body: deep('{"a":', '}', 50_000), exit: 3, code: 'data.too_deep', words: ['line 1', 'deep-object.jsonl', 'levels deep'] },
  { kind: 'truncated file', name: 'half a Parquet file', file: 'half.parquet', body: half(parquet), exit: 3, code: 'data.truncated', words: ['half.parquet', 'Parquet file: it is truncated', 'PAR1'] },
  { kind: 'truncated file', name: 'half an Arrow IPC file', file: 'half.arrow', body: half(arrowFile), exit: 3, code: 'data.truncated', words: ['half.arrow', 'Arrow IPC file: it is truncated', 'ARROW1'] },
  { kind: 'truncated file', name: 'the first 100 bytes of an Arrow IPC file', file: 'head.arrow', body: arrowFile.subarray(0, 100), exit: 3, code: 'data.truncated', words: ['head.arrow', 'Arrow IPC file: it is truncated'] },
  { kind: 'truncated file', name: 'half an Arrow IPC stream', file: 'half.arrows', body: half(arrowStream), exit: 3, code: 'data.truncated', words: ['half.arrows', 'Arrow IPC file: it is truncated', 'cut short'] },
  { kind: 'truncated file', name: 'half a gzipped CSV', file: 'half.csv.gz', body: half(gzipSync(REFERENCE)), exit: 3, code: 'data.truncated', words: ['half.csv.gz', 'gzip file: it is truncated'] },
  { kind: 'wrong format', name: 'text named .parquet', file: 'text.parquet', body: 'x,y\n1,2\n', exit: 3, code: 'data.corrupt', words: ['text.parquet', 'not a readable Parquet file'] },
  { kind: 'wrong format', name: 'text named .arrow', file: 'text.arrow', body: 'x,y\n1,2\n', exit: 3, code: 'data.corrupt', words: ['text.arrow', 'not a readable Arrow IPC file'] },
  { kind: 'wrong format', name: 'plain CSV named .csv.gz', file: 'plain.csv.gz', body: 'x,y\n1,2\n', exit: 3, code: 'data.corrupt', words: ['plain.csv.gz', 'not valid gzip'] },
  { kind: 'wrong format', name: 'an extension moa does not read', file: 'data.xlsx', body: 'PK\u0003\u0004', exit: 2, code: 'format.unknown', words: ['data.xlsx', 'cannot tell the format'] },
  { kind: 'missing input', name: 'a file that does not exist', file: 'elsewhere/present.csv', body: 'x,y\n1,2\n', exit: 4, code: 'storage.not_found', words: ['absent.csv', 'does not exist'] },
];

const ROLE_FLAGS = ['--reference', '--operational', '--validation'] as const;

/**
 * Inputs over a `limits` bound (set small in a config file, so the good inputs stay inside it): each is tried as
 * the reference, the operational and the validation data and must stop with its `limits.*` error, exit 3.
 */
const wide = (n: number) => {
  const columns: Record<string, (number | string)[]> = rows(n, 0, 'w');
  for (let k = 0; k < 6; k++) columns[`extra${k}`] = columns.x!;
  return csv(columns);
};
const limitsConfig = (limits: Record<string, number>) => 'limits:\n' + Object.entries(limits).map(([k, v]) => `  ${k}: ${v}\n`).join('');
// 70 MiB of one repeated row in about 70 KB: past the 64 MiB floor at about 1000×, over the default ratio of 50.
const bomb = gzipSync(Buffer.concat([Buffer.from('x,y\n'), Buffer.from('1,2\n'.repeat(70 * 2 ** 18))]), { level: 9 });
const OVER_LIMITS: { name: string; file: string; body: string | Uint8Array; limits: Record<string, number>; code: string; words: string[] }[] = [
  { name: 'an object over maxObjectBytes', file: 'large.csv', body: csv(rows(400, 0, 'l')), limits: { maxObjectBytes: 20_000 }, code: 'limits.object_bytes', words: ['large.csv', 'limits.maxObjectBytes'] },
  { name: 'a .csv.gz inflating past maxDecodedBytes', file: 'inflates.csv.gz', body: gzipSync(csv(rows(400, 0, 'i'))), limits: { maxDecodedBytes: 20_000 }, code: 'limits.decoded_bytes', words: ['inflates.csv.gz', 'limits.maxDecodedBytes'] },
  { name: 'a gzip bomb (70 MiB from 70 KB)', file: 'bomb.csv.gz', body: bomb, limits: {}, code: 'limits.inflate_ratio', words: ['bomb.csv.gz', 'inflates more than 50×', 'limits.maxInflateRatio'] },
  { name: 'more rows than maxRows', file: 'long.csv', body: csv(rows(200, 0, 'n')), limits: { maxRows: 150 }, code: 'limits.rows', words: ['long.csv', 'more than 150 rows', 'limits.maxRows'] },
  { name: 'more rows than maxRows (Parquet)', file: 'long.parquet', body: toParquet({ x: { type: 'float64', values: Float64Array.from({ length: 200 }, (_, i) => i) }, y: { type: 'float64', values: new Float64Array(200) } }), limits: { maxRows: 150 }, code: 'limits.rows', words: ['long.parquet', 'more than 150 rows', 'limits.maxRows'] },
  { name: 'more columns than maxColumns', file: 'wide.csv', body: wide(N), limits: { maxColumns: 10 }, code: 'limits.columns', words: ['wide.csv', '13 columns', 'limits.maxColumns'] },
  { name: 'more distinct values in a column than maxCategories', file: 'ids.csv', body: csv(rows(200, 0, 'c')), limits: { maxCategories: 130 }, code: 'limits.categories', words: ['ids.csv', 'column "id"', 'limits.maxCategories'] },
];

function overLimitCases(): BadInput[] {
  return OVER_LIMITS.flatMap((l) =>
    ROLE_FLAGS.map((role) => ({
      kind: 'input limits',
      name: `${role} ${l.name}`,
      // The bomb needs no config: the default ratio stops it.
      files: { ...GOOD, [l.file]: l.body, ...(Object.keys(l.limits).length ? { 'limits.yaml': limitsConfig(l.limits) } : {}) },
      args: [...base(role, `{dir}/${l.file}`), ...(Object.keys(l.limits).length ? ['--config', '{dir}/limits.yaml'] : [])],
      exit: 3,
      code: l.code,
      words: [role, ...l.words],
    })),
  );
}

function base(role: (typeof ROLE_FLAGS)[number], file: string): string[] {
  const uris = { '--reference': '{dir}/ref.csv', '--operational': '{dir}/op.csv', '--validation': undefined as string | undefined };
  uris[role] = file;
  return ['run', '--reference', uris['--reference'], '--operational', uris['--operational'], ...(uris['--validation'] ? ['--validation', uris['--validation']] : []), '--out', '{out}'];
}

const GOOD = { 'ref.csv': REFERENCE, 'op.csv': OPERATIONAL };

function brokenFileCases(): BadInput[] {
  const cases: BadInput[] = [];
  for (const b of BROKEN_FILES) {
    for (const role of ROLE_FLAGS) {
      const target = b.code === 'storage.not_found' ? '{dir}/elsewhere/absent.csv' : `{dir}/${b.file}`;
      cases.push({ kind: b.kind, name: `${role} ${b.name}`, files: { ...GOOD, [b.file]: b.body }, args: base(role, target), exit: b.exit, code: b.code, words: [role, ...b.words] });
    }
  }
  // A directory: empty, or holding only markers that are not data.
  for (const role of ROLE_FLAGS) {
    cases.push({ kind: 'missing input', name: `${role} an empty directory`, files: { ...GOOD, 'empty-dir': null }, args: base(role, '{dir}/empty-dir'), exit: 4, code: 'storage.not_found', words: [role, 'empty-dir', 'no data files'] });
    cases.push({ kind: 'missing input', name: `${role} a directory of markers only`, files: { ...GOOD, 'markers/_SUCCESS': '', 'markers/.part-0.crc': 'x' }, args: base(role, '{dir}/markers'), exit: 4, code: 'storage.not_found', words: [role, 'markers', 'no data files'] });
  }
  return cases;
}

const run = (extra: string[] = []) => ['run', '--reference', '{dir}/ref.csv', '--operational', '{dir}/op.csv', '--out', '{out}', ...extra];
const roles = ['--label', 'label', '--prediction', 'predicted', '--id', 'id', '--timestamp', 'ts'];
const manyKeys = (n: number) => 'reference: ref.csv\n' + Array.from({ length: n }, (_, i) => `k${i}: ${i}`).join('\n') + '\n';
const aliasBomb = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]', ...Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n') + '\n';

const USAGE: BadInput[] = [
  { kind: 'flags', name: 'an unknown flag', files: GOOD, args: run(['--bogus', '1']), exit: 2, code: 'usage.flags', words: ["'--bogus'", 'moa run --help'] },
  { kind: 'flags', name: 'a misspelt flag before --out', files: GOOD, args: ['run', '--refrence', '{dir}/ref.csv', '--out', '{out}'], exit: 2, code: 'usage.flags', words: ['--refrence'] },
  { kind: 'flags', name: 'a flag without its value', files: GOOD, args: [...run(), '--label'], exit: 2, code: 'usage.flags', words: ['--label'] },
  { kind: 'flags', name: 'a positional argument', files: GOOD, args: [...run(), 'stray'], exit: 2, code: 'usage.flags', words: ['stray'] },
  { kind: 'flags', name: 'a seed that is not an integer', files: GOOD, args: run(['--seed', '4.2']), exit: 2, code: 'usage.seed', words: ['--seed', '4.2', 'not an integer'] },
  { kind: 'flags', name: 'an unknown format', files: GOOD, args: run(['--format', 'xml']), exit: 2, code: 'config.invalid', words: ['format'] },
  { kind: 'flags', name: 'an unknown task', files: GOOD, args: run(['--task', 'ranking']), exit: 2, code: 'config.invalid', words: ['task'] },
  { kind: 'flags', name: 'no --reference', files: GOOD, args: ['run', '--operational', '{dir}/op.csv', '--out', '{out}'], exit: 2, code: 'config.invalid', words: ['reference'] },
  { kind: 'flags', name: 'no --operational', files: GOOD, args: ['run', '--reference', '{dir}/ref.csv', '--out', '{out}'], exit: 2, code: 'config.invalid', words: ['operational'] },
  { kind: 'flags', name: 'an empty --reference (Argo: not given)', files: GOOD, args: ['run', '--reference=', '--operational', '{dir}/op.csv', '--out', '{out}'], exit: 2, code: 'config.invalid', words: ['reference'] },
  { kind: 'flags', name: 'an unknown command', files: {}, args: ['analyse'], exit: 2, code: 'usage.command', words: ['Unknown command', 'analyse'] },
  { kind: 'URIs', name: 'an unsupported scheme', files: GOOD, args: ['run', '--reference', 'ftp://host/ref.csv', '--operational', '{dir}/op.csv', '--out', '{out}'], exit: 2, code: 'uri.unsupported_scheme', words: ['ftp://host/ref.csv', 'unsupported scheme'] },
  { kind: 'URIs', name: 'an S3 URI without a bucket', files: GOOD, args: ['run', '--reference', 's3:///ref.csv', '--operational', '{dir}/op.csv', '--out', '{out}'], exit: 2, code: 'uri.invalid', words: ['s3:///ref.csv', 'no bucket name'] },
  { kind: 'URIs', name: 'an --out with an unsupported scheme', files: GOOD, args: ['run', '--reference', '{dir}/ref.csv', '--operational', '{dir}/op.csv', '--out', 'gs://bucket/out/'], exit: 2, code: 'uri.unsupported_scheme', words: ['gs://bucket/out/', 'unsupported scheme'] },
  { kind: 'column roles', name: 'a label column no input has', files: GOOD, args: run(['--label', 'churned']), exit: 2, code: 'columns.label_missing', words: ['label column "churned"', 'none of the input datasets'] },
  { kind: 'column roles', name: 'a prediction column no input has', files: GOOD, args: run(['--label', 'label', '--prediction', 'pred']), exit: 2, code: 'columns.prediction_missing', words: ['prediction column "pred"'] },
  { kind: 'column roles', name: 'a categorical column the reference lacks', files: GOOD, args: run(['--categorical', 'region']), exit: 2, code: 'columns.categorical_missing', words: ['--categorical', 'region'] },
  { kind: 'column roles', name: '--task regression with text labels', files: GOOD, args: run(['--label', 'label', '--task', 'regression']), exit: 2, code: 'columns.task_mismatch', words: ['--task regression', 'label column "label"', 'text', 'red'] },
  { kind: 'column roles', name: '--task regression with a text prediction', files: GOOD, args: run(['--prediction', 'predicted', '--task', 'regression']), exit: 2, code: 'columns.task_mismatch', words: ['--task regression', 'prediction column "predicted"'] },
  { kind: 'column roles', name: 'a label feed without --id', files: { ...GOOD, 'labels.csv': 'id,label\no1,red\n' }, args: run(['--labels', '{dir}/labels.csv', '--label', 'label']), exit: 2, words: ['--id'] },
  { kind: 'config file', name: 'a directory as --config', files: { ...GOOD, 'conf.d/moa.yaml': 'reference: ref.csv\n' }, args: run(['--config', '{dir}/conf.d']), exit: 2, code: 'config.not_a_file', words: ['conf.d', 'is a directory'] },
  { kind: 'config file', name: 'a config of 80 000 keys (answered at once)', files: { ...GOOD, 'keys.yaml': manyKeys(80_000) }, args: run(['--config', '{dir}/keys.yaml']), exit: 2, code: 'config.too_large', words: ['keys.yaml', 'too large'] },
  { kind: 'config file', name: 'a config of 3000 short keys', files: { ...GOOD, 'short.yaml': manyKeys(3000) }, args: run(['--config', '{dir}/short.yaml']), exit: 2, code: 'config.too_large', words: ['short.yaml', 'keys'] },
  { kind: 'config file', name: 'a config with an alias bomb', files: { ...GOOD, 'bomb.yaml': aliasBomb }, args: run(['--config', '{dir}/bomb.yaml']), exit: 2, code: 'config.unparsable', words: ['bomb.yaml', 'alias'] },
  { kind: 'config file', name: 'a data file passed as --config', files: { ...GOOD }, args: run(['--config', '{dir}/op.csv']), exit: 2, code: 'config.not_a_mapping', words: ['op.csv', 'mapping'] },
  { kind: 'config file', name: 'invalid YAML', files: { ...GOOD, 'bad.yaml': 'reference: [unclosed\n' }, args: run(['--config', '{dir}/bad.yaml']), exit: 2, code: 'config.unparsable', words: ['bad.yaml', 'not valid YAML'] },
  { kind: 'config file', name: 'a list instead of a mapping', files: { ...GOOD, 'list.yaml': '- reference\n- operational\n' }, args: run(['--config', '{dir}/list.yaml']), exit: 2, code: 'config.not_a_mapping', words: ['list.yaml', 'mapping', 'list'] },
  { kind: 'config file', name: 'an unknown key', files: { ...GOOD, 'unknown.yaml': 'refrence: x\n' }, args: run(['--config', '{dir}/unknown.yaml']), exit: 2, code: 'config.invalid', words: ['refrence', 'unknown key'] },
  { kind: 'config file', name: 'a value out of range', files: { ...GOOD, 'alpha.yaml': 'drift:\n  alpha: 2\n' }, args: run(['--config', '{dir}/alpha.yaml']), exit: 2, code: 'config.invalid', words: ['drift.alpha'] },
  { kind: 'config file', name: 'a config file that does not exist', files: GOOD, args: run(['--config', '{dir}/nope.yaml']), exit: 4, code: 'storage.not_found', words: ['nope.yaml', 'does not exist'] },
  { kind: 'environment', name: 'an S3 timeout that is not a number', files: GOOD, args: ['run', '--reference', 's3://bucket/ref.csv', '--operational', '{dir}/op.csv', '--out', '{out}'], env: { MOA_S3_IDLE_TIMEOUT_MS: 'soon' }, exit: 2, code: 'usage.env', words: ['MOA_S3_IDLE_TIMEOUT_MS', 'soon'] },
  { kind: 'environment', name: 'zero S3 attempts', files: GOOD, args: ['run', '--reference', 's3://bucket/ref.csv', '--operational', '{dir}/op.csv', '--out', '{out}'], env: { MOA_S3_MAX_ATTEMPTS: '0' }, exit: 2, code: 'usage.env', words: ['MOA_S3_MAX_ATTEMPTS'] },
];

const DATA: BadInput[] = [
  { kind: 'schema mismatch', name: 'operational data sharing no column with the reference', files: { ...GOOD, 'other.csv': 'age,income\n39,high\n50,low\n' }, args: ['run', '--reference', '{dir}/ref.csv', '--operational', '{dir}/other.csv', '--out', '{out}'], exit: 3, code: 'data.schema_incompatible', words: ['other.csv', 'shares no feature column'] },
  { kind: 'schema mismatch', name: 'a reference with no feature left', files: { ...GOOD, 'roles-only.csv': 'id,label\na,red\nb,blue\n' }, args: ['run', '--reference', '{dir}/roles-only.csv', '--operational', '{dir}/op.csv', '--out', '{out}', '--label', 'label', '--id', 'id'], exit: 3, code: 'data.no_features', words: ['roles-only.csv', 'no feature columns'] },
  { kind: 'schema mismatch', name: 'part files with different columns', files: { ...GOOD, 'parts/part-0.csv': 'x,y\n1,2\n', 'parts/part-1.csv': 'x,z\n1,2\n' }, args: ['run', '--reference', '{dir}/ref.csv', '--operational', '{dir}/parts', '--out', '{out}'], exit: 3, code: 'data.parts_disagree', words: ['part-1.csv', 'different columns'] },
  { kind: 'partitions and time', name: 'a date= partition that is no date', files: { ...GOOD, 'days/date=2026-01-05/p.csv': OPERATIONAL, 'days/date=2026-01-6x/p.csv': OPERATIONAL }, args: ['run', '--reference', '{dir}/ref.csv', '--operational', '{dir}/days', '--out', '{out}'], exit: 3, code: 'data.partition_value', words: ['date=2026-01-6x', 'days/date=2026-01-6x/p.csv', 'not a date'] },
  { kind: 'partitions and time', name: 'a dt= partition with a month 13', files: { ...GOOD, 'dts/dt=2026-13-01/p.csv': OPERATIONAL }, args: ['run', '--reference', '{dir}/ref.csv', '--operational', '{dir}/dts', '--out', '{out}', '--since', '2026-01-01'], exit: 3, code: 'data.partition_value', words: ['dt=2026-13-01', 'not a date'] },
  { kind: 'partitions and time', name: 'a time window on a text timestamp column', files: { ...GOOD, 'text-ts.csv': 'x,y,ts\n1,2,yesterday\n3,4,today\n' }, args: ['run', '--reference', '{dir}/ref.csv', '--operational', '{dir}/text-ts.csv', '--out', '{out}', '--timestamp', 'ts', '--since', '2026-01-01'], exit: 3, code: 'data.empty', words: ['text-ts.csv', 'no rows in the time window', '2 have no readable time in "ts"'] },
  { kind: 'partitions and time', name: 'a window that keeps no row', files: GOOD, args: run(['--timestamp', 'ts', '--since', '2030-01-01']), exit: 3, code: 'data.empty', words: ['op.csv', 'no rows in the time window', '120 row(s) lie outside it'] },
  { kind: 'partitions and time', name: 'a boolean timestamp column under a window', files: { ...GOOD, 'bool-ts.csv': 'x,y,ts\n1,2,true\n3,4,false\n' }, args: ['run', '--reference', '{dir}/ref.csv', '--operational', '{dir}/bool-ts.csv', '--out', '{out}', '--timestamp', 'ts', '--since', '2026-01-01'], exit: 3, code: 'data.empty', words: ['bool-ts.csv', 'no readable time'] },
  { kind: 'label feeds', name: 'a label feed without the id column', files: { ...GOOD, 'labels.csv': 'request,label\no1,red\n' }, args: run([...roles, '--labels', '{dir}/labels.csv']), exit: 3, code: 'data.labels_columns', words: ['labels.csv', 'id column "id"'] },
  { kind: 'label feeds', name: 'a label time that is not a time', files: { ...GOOD, 'labels.csv': 'id,label,label_ts\no1,red,soon\no2,blue,later\n' }, args: run([...roles, '--labels', '{dir}/labels.csv']), exit: 3, code: 'data.labels_type', words: ['label_ts', 'labels.csv', 'not a time', 'soon', 'ISO 8601'] },
];

/** Inputs that earlier versions refused or mishandled and that must now be accepted. */
const ACCEPTED: BadInput[] = [
  {
    kind: 'label feeds',
    name: 'a CSV label feed with ISO-8601 label_ts (accepted)',
    files: { ...GOOD, 'labels.csv': 'id,label,label_ts\n' + Array.from({ length: N }, (_, i) => `o${i},${classes[(i + 1) % 3]},2026-02-0${1 + (i % 2)}T10:00:00Z`).join('\n') + '\n' },
    args: run([...roles, '--labels', '{dir}/labels.csv']),
    exit: 0,
    words: [],
  },
  {
    kind: 'label feeds',
    name: 'a JSON Lines label feed with ISO-8601 label_ts (accepted)',
    files: { ...GOOD, 'labels.jsonl': Array.from({ length: N }, (_, i) => JSON.stringify({ id: `o${i}`, label: classes[i % 3], label_ts: `2026-02-01T1${i % 10}:00:00Z` })).join('\n') + '\n' },
    args: run([...roles, '--labels', '{dir}/labels.jsonl']),
    exit: 0,
    words: [],
  },
];

export function corpus(): BadInput[] {
  return [...brokenFileCases(), ...overLimitCases(), ...USAGE, ...DATA, ...ACCEPTED];
}
