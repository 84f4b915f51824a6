/**
 * `moa profile`, `moa merge` and `moa shards`: the fan-out steps (docs/profiles.md). Each reads its inputs through
 * storage, so shards and profiles may live on S3 or on local disk alike.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT_CODES, dataError, usageError } from '../errors.js';
import type { numericToCategorical as NumericToCategorical } from '../ingest/formats.js';
import type { Table } from '../ingest/table.js';
import type { Logger } from '../log.js';
import { FORMATS, type Format } from '../schema/config.js';
import { PROFILE_FORMAT_VERSION, ProfileSchema, type Profile } from '../schema/profile.js';
import { parseLocation, type Storage } from '../storage/index.js';
import { buildProfile, DEFAULT_SETTINGS, type ProfileSettings } from './build.js';
import { mergeProfiles } from './merge.js';
import { histogramEdges } from './edges.js';

export interface CommandDeps {
  storage: Storage;
  log: Logger;
  write: (text: string) => void;
}

export const PROFILE_HELP = `Usage: moa profile --input URI --out URI [options]

Read one shard (a file, a partition, a prefix of part files) and write its profile: per column mergeable
sketches (KLL quantiles, exact moments, HyperLogLog distinct counts, exact-then-frequent category counts,
histograms on given edges), model-output counts and a uniform row sample, as one JSON object (docs/profiles.md).

  --input URI             the shard                                                      [required]
  --out URI               where to write the profile (one object, e.g. s3://b/run/profiles/g000/s00007.json)  [required]
  --shard-id ID           names the shard; seeds its sample and sketches (default: the input URI)
  --format FMT            parquet | arrow | csv | jsonl (default: from the file extension)
  --categorical COLS      comma-separated numeric columns to treat as categorical
  --ignore COLS           comma-separated columns to leave out
  --label COL, --prediction COL, --proba COLS|PREFIX
                          model outputs: confusion cells per class and calibration bins
  --task TASK             classification (default when --label or --prediction is given) | regression
  --edges PROFILE_URI     histogram edges for numeric columns: the histogram edges of that profile,
                          or its KLL deciles when it has none (make the reference profile first)
  --sample-size N         rows kept in the uniform sample (default ${DEFAULT_SETTINGS.sampleSize})
  --kll-k N               KLL accuracy parameter (default ${DEFAULT_SETTINGS.kllK}: rank error 1.33 % at 99 %)
  --hll-precision P       HyperLogLog registers 2^P (default ${DEFAULT_SETTINGS.hllPrecision}: 1.6 % standard error)
  --category-capacity N   exact category counts up to N distinct values (default ${DEFAULT_SETTINGS.categoryCapacity})
  --seed N                seed (default 42)
  -h, --help              this help
`;

export const MERGE_HELP = `Usage: moa merge --out URI [--output-params DIR] [--profile-file PATH] PROFILE_URI...

Merge any number of profiles (files, or prefixes: every object under them in key order) into one. Profiles must
come from one dataset's shards, made with the same settings. --output-params writes the --out URI to DIR/profile
(Argo); --profile-file writes it to PATH (a Kubeflow output parameter file).
`;

export const SHARDS_HELP = `Usage: moa shards --input URI [--group-size N] [--output-params DIR] [--shards-file PATH] [--groups-file PATH]

List the objects under a prefix as shards for a fan-out: prints a JSON array of {id, uri, group}; with
--output-params writes it to DIR/shards and the JSON array of group names to DIR/groups (for Argo withParam);
--shards-file and --groups-file write them to those paths (Kubeflow output parameter files).
Groups of at most --group-size shards (default 16) are merged first, then the group profiles (a merge tree).
`;

function parse<T extends Record<string, { type: 'string' | 'boolean'; short?: string }>>(argv: string[], options: T, command: string) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw usageError('usage.flags', `moa ${command}: ${(error as Error).message}`, { fix: `Run \`moa ${command} --help\` for the list of options.` });
  }
}

function positiveInt(value: string | undefined, flag: string, fallback: number, min = 1): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw usageError('usage.number', `${flag} "${value}" is not a whole number ≥ ${min}.`, { subject: flag, fix: `Pass e.g. ${flag} ${fallback}.` });
  return n;
}

function required(value: string | undefined, flag: string, command: string): string {
  if (value === undefined || value === '') throw usageError('usage.missing', `moa ${command}: ${flag} is required.`, { subject: flag, fix: `Run \`moa ${command} --help\`.` });
  return value;
}

const PROFILE_OPTIONS = {
  input: { type: 'string' },
  out: { type: 'string' },
  'shard-id': { type: 'string' },
  format: { type: 'string' },
  categorical: { type: 'string' },
  ignore: { type: 'string' },
  label: { type: 'string' },
  prediction: { type: 'string' },
  proba: { type: 'string' },
  task: { type: 'string' },
  edges: { type: 'string' },
  'sample-size': { type: 'string' },
  'kll-k': { type: 'string' },
  'hll-precision': { type: 'string' },
  'category-capacity': { type: 'string' },
  seed: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const list = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);

export async function profileCommand(argv: string[], deps: CommandDeps): Promise<number> {
  const parsed = parse(argv, PROFILE_OPTIONS, 'profile').values;
  // An empty value (--label=) means the flag is not given, as Argo and Kubeflow cannot leave arguments out.
  const v = Object.fromEntries(Object.entries(parsed).filter(([, value]) => value !== '')) as typeof parsed;
  if (v.help) {
    deps.write(PROFILE_HELP);
    return EXIT_CODES.ok;
  }
  const input = required(v.input, '--input', 'profile');
  const out = required(v.out, '--out', 'profile');
  if (v.format !== undefined && !(FORMATS as readonly string[]).includes(v.format)) {
    throw usageError('usage.format', `--format "${v.format}" is not one of ${FORMATS.join(', ')}.`, { subject: '--format', fix: `Use one of ${FORMATS.join(', ')}.` });
  }
  if (v.task !== undefined && v.task !== 'classification' && v.task !== 'regression') {
    throw usageError('usage.task', `--task "${v.task}" is not classification or regression.`, { subject: '--task', fix: 'Use --task classification or --task regression.' });
  }
  const settings: ProfileSettings = {
    kllK: positiveInt(v['kll-k'], '--kll-k', DEFAULT_SETTINGS.kllK, 8),
    hllPrecision: positiveInt(v['hll-precision'], '--hll-precision', DEFAULT_SETTINGS.hllPrecision, 4),
    categoryCapacity: positiveInt(v['category-capacity'], '--category-capacity', DEFAULT_SETTINGS.categoryCapacity),
    sampleSize: positiveInt(v['sample-size'], '--sample-size', DEFAULT_SETTINGS.sampleSize, 0),
    calibrationBins: DEFAULT_SETTINGS.calibrationBins,
  };
  if (settings.hllPrecision > 18) throw usageError('usage.number', `--hll-precision ${settings.hllPrecision} is above 18.`, { subject: '--hll-precision', fix: 'Use 4 to 18.' });
  const seed = positiveInt(v.seed, '--seed', 42, 0);
  const { storage, log } = deps;
  // The readers (Arrow, Parquet) are imported here, not by the module: `moa merge` and `moa shards` never read data.
  const [{ loadTable }, { numericToCategorical }, { resolveProba }] = await Promise.all([import('../ingest/load.js'), import('../ingest/formats.js'), import('../ingest/dataset.js')]);
  const loaded = await loadTable(storage, input, { role: 'profile', format: v.format as Format | undefined, types: {}, log });
  const table = prepareTable(loaded.table, list(v.categorical), list(v.ignore), numericToCategorical);
  const edges = v.edges ? histogramEdges(await readProfile(storage, v.edges), table) : undefined;
  const names = table.columns.map((c) => c.name);
  const proba = v.proba === undefined ? [] : resolveProba(v.proba.includes(',') ? list(v.proba) : v.proba, names);
  for (const [flag, column] of [['--label', v.label], ['--prediction', v.prediction]] as const) {
    if (column !== undefined && !names.includes(column)) {
      throw usageError('columns.missing', `${flag} "${column}" is not a column of ${input}.`, { subject: flag, fix: `Use one of: ${names.slice(0, 20).join(', ')}.` });
    }
  }
  const hasOutputs = v.label !== undefined || v.prediction !== undefined || proba.length > 0;
  const profile = buildProfile(table, {
    shardId: v['shard-id'] || input,
    seed,
    settings,
    sources: loaded.record.objects.map((o) => ({ uri: o.uri, bytes: o.bytes, ...(o.etag ? { etag: o.etag } : {}) })),
    edges,
    outputs: hasOutputs ? { label: v.label, prediction: v.prediction, proba, classification: v.task !== 'regression' } : undefined,
  });
  const body = JSON.stringify(profile);
  await storage.write(parseLocation(out, '--out'), body, 'application/json');
  log.info('wrote profile', { input, out, rows: profile.rows, bytes: body.length });
  deps.write(`profile: ${out}\nrows: ${profile.rows}\n`);
  return EXIT_CODES.ok;
}

/** Columns re-typed by --categorical and dropped by --ignore. */
function prepareTable(table: Table, categorical: string[], ignore: string[], numericToCategorical: typeof NumericToCategorical): Table {
  const names = new Set(table.columns.map((c) => c.name));
  for (const name of [...categorical, ...ignore]) {
    if (!names.has(name)) throw usageError('columns.missing', `"${name}" is not a column of the input.`, { subject: name, fix: 'Check --categorical / --ignore.' });
  }
  const columns = table.columns
    .filter((c) => !ignore.includes(c.name))
    .map((c) => (categorical.includes(c.name) && c.type === 'numeric' ? numericToCategorical(c) : c));
  return { rows: table.rows, columns };
}

/** Reads and validates one profile object. */
export async function readProfile(storage: Storage, uri: string): Promise<Profile> {
  const location = parseLocation(uri, 'profile');
  const [object] = await storage.list(location, 'profile');
  return parseProfile(await storage.read(object!, location, 'profile'), uri);
}

function parseProfile(bytes: Uint8Array, uri: string): Profile {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw dataError('profile.invalid', `${uri} is not JSON: ${(error as Error).message}.`, { subject: uri, fix: 'Pass profiles written by `moa profile` or `moa merge`.' });
  }
  const parsed = ProfileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw dataError('profile.invalid', `${uri} is not a moa profile (format ${PROFILE_FORMAT_VERSION}): ${issue.path.join('.') || '/'}: ${issue.message}.`, {
      subject: uri,
      fix: 'Pass profiles written by `moa profile` or `moa merge` of this moa version (schemas/profile.schema.json).',
    });
  }
  return parsed.data;
}

export async function mergeCommand(argv: string[], deps: CommandDeps): Promise<number> {
  const { values: v, positionals } = parse(argv, { out: { type: 'string' }, 'output-params': { type: 'string' }, 'profile-file': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, 'merge');
  if (v.help) {
    deps.write(MERGE_HELP);
    return EXIT_CODES.ok;
  }
  const out = required(v.out, '--out', 'merge');
  if (positionals.length === 0) throw usageError('usage.merge_inputs', 'moa merge: give at least one profile URI or prefix.', { fix: 'e.g. moa merge --out s3://b/run/reference.json s3://b/run/profiles/' });
  const { storage, log } = deps;
  // Folded one at a time, so memory holds two profiles whatever the count.
  let merged: Profile | undefined;
  let count = 0;
  for (const uri of positionals) {
    const location = parseLocation(uri, 'profile');
    for (const object of await storage.list(location, 'profile')) {
      const profile = parseProfile(await storage.read(object, location, 'profile'), object.uri);
      merged = merged === undefined ? profile : mergeProfiles([merged, profile]);
      count++;
    }
  }
  const body = JSON.stringify(merged!);
  await storage.write(parseLocation(out, '--out'), body, 'application/json');
  log.info('merged profiles', { count, out, rows: merged!.rows, bytes: body.length });
  await writeParams(v['output-params'], { profile: out });
  await writeFiles({ [v['profile-file'] ?? '']: out });
  deps.write(`profile: ${out}\nmerged: ${count}\nrows: ${merged!.rows}\n`);
  return EXIT_CODES.ok;
}

/** Each text to its path (parents made; an empty path is skipped): Kubeflow's output parameter files. */
async function writeFiles(files: Record<string, string>): Promise<void> {
  for (const [file, text] of Object.entries(files)) {
    if (!file) continue;
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  }
}

/** Plain files for Argo's valueFrom.path (no trailing newline, as `moa run --output-params`); no-op without a dir. */
async function writeParams(dir: string | undefined, params: Record<string, string>): Promise<void> {
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(params)) await writeFile(path.join(dir, name), text);
}

export async function shardsCommand(argv: string[], deps: CommandDeps): Promise<number> {
  const { values: v } = parse(
    argv,
    { input: { type: 'string' }, 'group-size': { type: 'string' }, 'output-params': { type: 'string' }, 'shards-file': { type: 'string' }, 'groups-file': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    'shards',
  );
  if (v.help) {
    deps.write(SHARDS_HELP);
    return EXIT_CODES.ok;
  }
  const input = required(v.input, '--input', 'shards');
  const groupSize = positiveInt(v['group-size'], '--group-size', 16);
  const objects = await deps.storage.list(parseLocation(input, '--input'), '--input');
  const width = Math.max(5, String(objects.length - 1).length);
  const shards = objects.map((o, i) => ({ id: `s${String(i).padStart(width, '0')}`, uri: o.uri, group: `g${String(Math.floor(i / groupSize)).padStart(3, '0')}` }));
  const groups = [...new Set(shards.map((s) => s.group))];
  await writeParams(v['output-params'], { shards: JSON.stringify(shards), groups: JSON.stringify(groups) });
  await writeFiles({ [v['shards-file'] ?? '']: JSON.stringify(shards), [v['groups-file'] ?? '']: JSON.stringify(groups) });
  deps.log.info('listed shards', { input, shards: shards.length, groups: groups.length });
  deps.write(JSON.stringify(shards) + '\n');
  return EXIT_CODES.ok;
}
