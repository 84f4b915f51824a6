import { parseArgs } from 'node:util';
import { z } from 'zod';
import { EXIT_CODES, MoaError, asMoaError, usageError } from '../errors.js';
import { toDataset } from '../ingest/dataset.js';
import { joinLabels, type LabelCoverage } from '../ingest/labels.js';
import { loadTable } from '../ingest/load.js';
import { earliestTime, parseWindow, type TimeWindow } from '../ingest/partitions.js';
import type { Table } from '../ingest/table.js';
import type { Logger } from '../log.js';
import { FORMATS, type Format } from '../schema/config.js';
import { ContractReportSchema, DATE_PARTITION_KEYS, LabelRecordSchema, OperationalRecordSchema, STANDARD_NAMES, type ContractReport } from '../schema/contract.js';
import type { Storage } from '../storage/index.js';
import { checkContract, type ContractRoles } from './check.js';
import { renderContract } from './render.js';

/** Enough part files to see every column and a few days of label coverage, few enough to answer in seconds. */
export const DEFAULT_MAX_FILES = 100;

export const CONTRACT_HELP = `Usage: moa contract URI... [options]

Check operational logs against the moa data contract (docs/contract.md): which analyses their columns allow,
and what to add to the logging to unlock the rest. Each URI is one operational dataset (a file, or a prefix of
Hive-style partitions such as .../model=churn/date=2026-01-05/part-0.parquet).

Inputs:
  --reference URI        training data: names the features the log must carry
  --labels URI           label feed (id, label, label time) joined on the id; prints the coverage by day
  --since T, --until T   time window [since, until) in UTC (2026-01-05 or 2026-01-05T12:00:00Z): only
                         date=/dt=/day= partitions overlapping it are read
  --format FMT           parquet | arrow | csv | jsonl (default: from the file extension)
  --max-files N          read at most the last N part files of each dataset in key order, i.e. the newest
                         date partitions (default ${DEFAULT_MAX_FILES}); the label feed is read from the earliest
                         row read on

Column roles (default: the contract's standard names):
  --id COL               request id          (request_id)     --timestamp COL   request time (request_ts)
  --prediction COL       model prediction    (prediction)     --proba COLS|PREFIX  probabilities (proba_)
  --label COL            true label          (label)          --label-ts COL    label time (label_ts)
  --model-version COL    serving model version (model_version)
  --ignore COLS          comma-separated columns that are neither features nor roles
  --task TASK            classification | regression (inferred when absent)

Output:
  --json                 print the contract reports as JSON instead of text
  --schema KIND          print a JSON Schema instead: log (one operational log row), labels (one label-feed
                         row) or report (the --json output); no URI needed
  -h, --help             this help

Exit codes: 0 every dataset meets the minimum (features and prediction), 3 some does not,
            2 usage error, 4 storage error.
`;

const OPTIONS = {
  reference: { type: 'string' },
  labels: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  format: { type: 'string' },
  id: { type: 'string' },
  timestamp: { type: 'string' },
  prediction: { type: 'string' },
  proba: { type: 'string' },
  label: { type: 'string' },
  'label-ts': { type: 'string' },
  'model-version': { type: 'string' },
  ignore: { type: 'string' },
  task: { type: 'string' },
  json: { type: 'boolean' },
  'max-files': { type: 'string' },
  schema: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface ContractDeps {
  storage: Storage;
  log: Logger;
  write: (text: string) => void;
}

/** `moa contract`: load each dataset, check it, print the verdicts; the exit code says whether the minimum is met. */
export async function contractCommand(argv: string[], deps: ContractDeps): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    throw usageError('usage.flags', `moa contract: ${(error as Error).message}`, { fix: 'Run `moa contract --help` for the list of options.' });
  }
  const { values: v, positionals: uris } = parsed;
  if (v.help) {
    deps.write(CONTRACT_HELP);
    return EXIT_CODES.ok;
  }
  if (v.schema !== undefined) {
    const schemas = { log: OperationalRecordSchema, labels: LabelRecordSchema, report: ContractReportSchema } as const;
    if (!(v.schema in schemas)) throw usageError('usage.schema_kind', `moa contract: unknown --schema "${v.schema}".`, { fix: 'Use --schema log, labels or report.' });
    const schema = z.toJSONSchema(schemas[v.schema as keyof typeof schemas], { target: 'draft-2020-12', io: 'input' });
    deps.write(JSON.stringify({ $id: `https://moa.dev/schemas/contract-${v.schema}.schema.json`, title: `moa contract: ${v.schema}`, ...schema }, null, 2) + '\n');
    return EXIT_CODES.ok;
  }
  if (uris.length === 0) throw usageError('usage.contract_uri', 'moa contract: give at least one operational dataset URI.', { fix: 'e.g. moa contract s3://logs/model=churn/ --since 2026-01-01' });
  if (v.format !== undefined && !(FORMATS as readonly string[]).includes(v.format)) {
    throw usageError('usage.format', `--format "${v.format}" is not one of ${FORMATS.join(', ')}.`, { subject: '--format', fix: `Use one of ${FORMATS.join(', ')}.` });
  }
  if (v.task !== undefined && v.task !== 'classification' && v.task !== 'regression') {
    throw usageError('usage.task', `--task "${v.task}" is not classification or regression.`, { subject: '--task', fix: 'Use --task classification or --task regression.' });
  }
  const window = parseWindow({ since: v.since, until: v.until });
  const list = (s: string | undefined) => s?.split(',').map((x) => x.trim()).filter(Boolean);
  const roles: ContractRoles = {
    id: v.id,
    timestamp: v.timestamp,
    prediction: v.prediction,
    proba: v.proba === undefined ? undefined : v.proba.includes(',') ? list(v.proba) : v.proba,
    label: v.label,
    labelTs: v['label-ts'],
    modelVersion: v['model-version'],
    ignore: list(v.ignore),
    task: v.task as ContractRoles['task'],
  };
  const maxFiles = v['max-files'] === undefined ? DEFAULT_MAX_FILES : Number(v['max-files']);
  if (!Number.isInteger(maxFiles) || maxFiles < 1) {
    throw usageError('usage.max_files', `--max-files "${v['max-files']}" is not a positive whole number.`, { subject: '--max-files', fix: `Pass e.g. --max-files ${DEFAULT_MAX_FILES}.` });
  }
  const format = v.format as Format | undefined;
  const { storage, log } = deps;
  const timestamp = roles.timestamp ?? STANDARD_NAMES.timestamp;
  const load = (role: string, uri: string, opts: { window?: TimeWindow | undefined; timestamp?: string; maxObjects?: number } = {}) =>
    loadTable(storage, uri, { role, format, types: {}, log, window: opts.window, timestamp: opts.timestamp, maxObjects: opts.maxObjects });

  const reference = v.reference ? (await load('reference', v.reference, { maxObjects: maxFiles })).table : undefined;
  const logs = [];
  for (const uri of uris) logs.push({ uri, ...(await load('operational', uri, { window, timestamp, maxObjects: maxFiles })) });
  // Labels for rows from time t on arrive at t or later, so label partitions before the earliest row are skipped.
  const since = window?.since ?? Math.min(...logs.map((l) => earliestTime(l.table, [timestamp, ...l.notes.partitionColumns]) ?? -Infinity));
  const feed = v.labels ? await load('labels', v.labels, { window: Number.isFinite(since) ? { since } : undefined }) : undefined;
  const id = roles.id ?? STANDARD_NAMES.id;
  const label = roles.label ?? STANDARD_NAMES.label;

  const reports: { report: ContractReport; coverage: LabelCoverage | null }[] = [];
  for (const { uri, table, notes } of logs) {
    let coverage: LabelCoverage | null = null;
    if (feed && v.labels) coverage = tryJoin(table, feed.table, { uri, labelsUri: v.labels, id, label, labelTs: roles.labelTs ?? STANDARD_NAMES.labelTs, timestamp: roles.timestamp ?? STANDARD_NAMES.timestamp, partitionColumns: notes.partitionColumns, log });
    const report = checkContract({
      uri,
      table,
      roles,
      reference,
      partitionColumns: notes.partitionColumns,
      ...(feed && v.labels ? { labels: { uri: v.labels, table: feed.table, coverage } } : {}),
    });
    reports.push({ report, coverage });
  }
  if (v.json) deps.write(JSON.stringify(reports.map((r) => r.report), null, 2) + '\n');
  else deps.write(reports.map((r) => renderContract(r.report, r.coverage)).join('\n'));
  return reports.every((r) => r.report.minimumMet) ? EXIT_CODES.ok : EXIT_CODES.data;
}

function tryJoin(
  table: Table,
  feed: Table,
  o: { uri: string; labelsUri: string; id: string; label: string; labelTs: string; timestamp: string; partitionColumns: string[]; log: Logger },
): LabelCoverage | null {
  const has = (t: Table, n: string) => t.columns.some((c) => c.name === n);
  if (!has(table, o.id) || !has(feed, o.id) || !has(feed, o.label)) return null;
  const dayColumn = o.partitionColumns.find((c) => (DATE_PARTITION_KEYS as readonly string[]).includes(c.toLowerCase()));
  try {
    return joinLabels(toDataset('operational', o.uri, table), feed, { id: o.id, label: o.label, labelTs: o.labelTs, timestamp: o.timestamp, dayColumn, uri: o.labelsUri }).coverage;
  } catch (caught) {
    const error = asMoaError(caught);
    // A type problem is reported by the contract check itself; the coverage is then unknown.
    if (error instanceof MoaError && error.kind === 'data') {
      o.log.warn(error.message, { code: error.code });
      return null;
    }
    throw error;
  }
}
