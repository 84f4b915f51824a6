import { CHECKS, failing, totalCheck, type CheckResult } from './checks/index.js';
import { alphaPlan } from './decide/alpha.js';
import { decide } from './decide/decide.js';
import { runPlan } from './decide/plan.js';
import { planSteps, testFamilies } from './decide/steps.js';
import { selectData, type SelectionRows } from './select/select.js';
import { driftOnset } from './select/window.js';
import type { Selection } from './schema/selection.js';
import { buildManifest } from './emit/manifest.js';
import { OUTPUT_NAMES, outputUri, withdrawOutputs, writeOutputParams, writeOutputs as storeOutputs } from './emit/outputs.js';
import { paramFiles, pipelineParams } from './emit/pipeline-params.js';
import { renderSummary } from './emit/summary.js';
import { selectionFiles } from './emit/selection-files.js';
import { joinPredictions, resolveRoles, toDataset, type Dataset, type Roles } from './ingest/dataset.js';
import { loadTable, type LoadNotes, type LoadOptions, type RowOrigin } from './ingest/load.js';
import { profileFeatureDrift, type ProfilePair } from './profile/drift.js';
import { profileOfRows, profileRecord, sampleOrigin, sampleTable } from './profile/inputs.js';
import { readProfile } from './profile/command.js';
import { familyAlpha } from './schema/alpha.js';
import type { Basis } from './checks/index.js';
import { readHistory, type HistoryRun } from './ingest/history.js';
import { joinLabels, labelJoinCheck, requireLabelId, type LabelCoverage } from './ingest/labels.js';
import { earliestTime, parseWindow } from './ingest/partitions.js';
import type { Table } from './ingest/table.js';
import { runContractCheck } from './contract/run-check.js';
import { dataError, usageError } from './errors.js';
import type { Logger } from './log.js';
import type { Config } from './schema/config.js';
import type { Profile } from './schema/profile.js';
import { ManifestSchema, type Manifest } from './schema/manifest.js';
import { ACTION_MEANINGS, ResultsSchema, type InputRecord, type Results } from './schema/results.js';
import type { Storage } from './storage/index.js';
import { newRunId } from './run-id.js';
import { VERSION } from './version.js';

export interface RunDeps {
  storage: Storage;
  log: Logger;
  now?: () => Date;
  runId?: string;
  trigger?: Record<string, unknown>;
  /**
   * Called after results, summary and report are written and before the manifest, for more outputs that must
   * exist whenever a manifest does (pipeline UI metadata). A failure here means no manifest.
   */
  beforeManifest?: (outcome: RunOutcome) => Promise<void>;
}

export interface RunOutcome {
  results: Results;
  manifest: Manifest;
  summary: string;
  report: string;
  uris: { results: string; report: string; summary: string; manifest: string };
}

/**
 * Some columns missing or retyped is a data-quality finding (decision fix_data). No feature column in common means
 * the inputs are not the same kind of data at all — a wrong URI or file — and no analysis is possible.
 */
function assertComparable(reference: Dataset, operational: Dataset, features: string[]): void {
  if (features.length === 0) {
    throw dataError('data.no_features', `--reference: ${reference.uri} has no feature columns left once the label, prediction, probability, id and timestamp columns are set aside.`, {
      subject: reference.uri,
      fix: 'Check the column roles (--label, --prediction, --proba, --id, --timestamp, --ignore) and the file.',
    });
  }
  if (!features.some((f) => operational.columns.has(f))) {
    const has = [...operational.columns.keys()];
    throw dataError('data.schema_incompatible', `--operational: ${operational.uri} shares no feature column with the reference (it has: ${has.slice(0, 10).join(', ')}${has.length > 10 ? ', …' : ''}; the reference has: ${features.slice(0, 10).join(', ')}${features.length > 10 ? ', …' : ''}).`, {
      subject: operational.uri,
      fix: 'Point --operational at data with the same columns as the training data (check the URI, the file and its header).',
    });
  }
}

interface Inputs {
  config: Config;
  records: InputRecord[];
  /** Where each row of the reference and operational data was read from (for the selection files). */
  origins: { reference: RowOrigin; operational: RowOrigin };
  reference: Dataset;
  operational: Dataset;
  validation: Dataset | undefined;
  roles: Roles;
  /** Checks made while reading: joins and the data contract. */
  checks: CheckResult[];
  /** Earlier runs' evidence-over-time chunks (`--history`). */
  history: HistoryRun[];
  /** When a side was read as a profile: both sides' profiles (a side read as rows profiled in memory). */
  profiles?: ProfilePair & { basis: Basis };
}

const NO_NOTES: LoadNotes = { partitionColumns: [], prunedPartitions: [], rowsOutsideWindow: 0, rowsWithoutTime: 0, skippedObjects: 0 };

/** INGEST: read every input, join predictions and late labels, resolve the column roles. */
async function readInputs(resolved: Config, storage: Storage, log: Logger): Promise<Inputs> {
  let config = resolved;
  const records: InputRecord[] = [];
  const window = parseWindow(config.window);
  // The event-time column is read as times from text formats too (ISO 8601 or epoch), unless typed otherwise.
  const timestamp = config.columns.timestamp;
  const types = timestamp && !config.columns.types[timestamp] ? { ...config.columns.types, [timestamp]: 'timestamp' as const } : config.columns.types;
  const load = async (role: string, uri: string, extra: Partial<LoadOptions> = {}) => {
    const { table, record, notes, origin } = await loadTable(storage, uri, { role, format: config.format, types, log, limits: config.limits, ...extra });
    // Noted when taken (see `inOrder`), so records and log lines keep the order of the roles.
    const note = () => {
      records.push(record);
      log.info(`read ${role}`, { uri, rows: record.rows, columns: record.columns, objects: record.objects.length, ...(notes.prunedPartitions.length ? { prunedPartitions: notes.prunedPartitions.length } : {}) });
    };
    return { table, notes, origin, note };
  };
  // A side given as a profile is read as its uniform sample; the sketches and counts are used by the checks that can.
  const side = async (role: 'reference' | 'operational', extra: Partial<LoadOptions> = {}) => {
    const [rowsUri, profileUri] = role === 'reference' ? [config.reference, config.referenceProfile] : [config.operational, config.operationalProfile];
    // The config schema lets exactly one of the two through.
    if (profileUri === undefined) return { ...(await load(role, rowsUri!, extra)), uri: rowsUri!, profile: undefined };
    const profile = await readProfile(storage, profileUri);
    const record = profileRecord(role, profileUri, profile);
    const table = sampleTable(profile);
    const note = () => {
      records.push(record);
      log.info(`read ${role} profile`, { uri: profileUri, rows: profile.rows, sampleRows: table.rows, columns: record.columns });
    };
    return { table, notes: NO_NOTES, origin: sampleOrigin(profileUri, table.rows), uri: profileUri, profile, note };
  };
  if (config.operationalProfile !== undefined && (window || config.labels.uri || config.predictions)) {
    throw usageError('usage.profile_rows_needed', `--operational-profile ${config.operationalProfile}: a time window, a label feed or predictions stored apart need the operational rows, and a profile keeps only a sample of them.`, {
      subject: config.operationalProfile,
      fix: 'Profile the operational data with its labels and predictions already joined and only the rows of the window, or pass --operational with the rows.',
    });
  }
  // The inputs are read at once (a large CSV is parsed in a worker thread, so they decode on as many cores), then
  // taken in the order they used to be read one by one: the first failing role's error is the one thrown.
  const reading = [
    side('reference'),
    // The time window applies to the operational data only: it is the period under analysis.
    side('operational', { window, timestamp: config.columns.timestamp }),
    config.validation ? load('validation', config.validation) : undefined,
    config.predictions ? load('predictions', config.predictions) : undefined,
  ] as const;
  const settled = await Promise.allSettled(reading);
  for (const read of settled) if (read.status === 'rejected') throw read.reason;
  const inOrder = <T extends { note: () => void }>(read: Promise<T> | undefined): Promise<T> | undefined =>
    read?.then((taken) => {
      taken.note();
      return taken;
    });
  const { table: referenceTable, origin: referenceOrigin, uri: referenceUri, profile: referenceProfile } = (await inOrder(reading[0]))!;
  const { table: operationalTable, notes, origin: operationalOrigin, uri: operationalUri, profile: operationalProfile } = (await inOrder(reading[1]))!;
  const validationTable = (await inOrder(reading[2]))?.table;
  const predictionsTable = (await inOrder(reading[3]))?.table;

  const checks: CheckResult[] = [];
  let operational: Dataset = toDataset('operational', operationalUri, operationalTable);
  if (predictionsTable) {
    const joined = joinPredictions(operational, predictionsTable, config.columns.id, config.predictions!);
    operational = joined.dataset;
    checks.push(predictionsJoinCheck(joined.matched, operational.rows, config.columns.id, joined.added));
  }
  // Late labels: a label feed joined on the id column, the latest label per id winning.
  let labels: { uri: string; table: Table; coverage: LabelCoverage | null } | undefined;
  if (config.labels.uri) {
    const id = requireLabelId(config.columns.id);
    const label = config.columns.label ?? 'label';
    const since = window?.since ?? earliestTime(operationalTable, [config.columns.timestamp, ...notes.partitionColumns].filter((c): c is string => !!c));
    const { table: feed, note } = await load('labels', config.labels.uri, { window: since === undefined ? undefined : { since } });
    note();
    const dayColumn = notes.partitionColumns.find((c) => /^(date|dt|day)$/.test(c));
    const joined = joinLabels(operational, feed, { id, label, labelTs: config.labels.timestamp, feedLabel: config.labels.column, timestamp: config.columns.timestamp, dayColumn, uri: config.labels.uri });
    operational = joined.dataset;
    checks.push(labelJoinCheck(joined.coverage, { uri: config.labels.uri, id, minCoverage: config.labels.minCoverage }));
    labels = { uri: config.labels.uri, table: feed, coverage: joined.coverage };
    if (config.columns.label === undefined) config = { ...config, columns: { ...config.columns, label } };
  }
  // What this run's columns allow, by the operational data contract (informational, never a gate).
  checks.push(runContractCheck({ config, operational, reference: referenceTable, partitionColumns: notes.partitionColumns, labels }).check);
  // Partition values (model=, date=) describe where rows were stored, not the model's inputs.
  for (const column of notes.partitionColumns) if (!referenceTable.columns.some((c) => c.name === column)) operational.columns.delete(column);
  const others = [operational, ...(validationTable ? [toDataset('validation', config.validation!, validationTable)] : [])];
  const { roles, datasets } = resolveRoles(config, toDataset('reference', referenceUri, referenceTable), others);
  const [reference, op, validation] = datasets as [Dataset, Dataset, Dataset | undefined];
  assertComparable(reference, op, roles.features);
  const history = config.history ? await readHistory(storage, config.history, config.out, log) : [];
  const inputs: Inputs = { config, records, origins: { reference: referenceOrigin, operational: operationalOrigin }, reference, operational: op, validation, roles, checks, history };
  if (referenceProfile || operationalProfile) inputs.profiles = profilePair(referenceProfile, operationalProfile, reference, op, config.seed);
  return inputs;
}

/** Both sides as profiles (a side read as rows is profiled in memory like the other) and what the row checks ran on. */
function profilePair(referenceProfile: Profile | undefined, operationalProfile: Profile | undefined, reference: Dataset, operational: Dataset, seed: number): ProfilePair & { basis: Basis } {
  const asTable = (d: Dataset) => ({ rows: d.rows, columns: [...d.columns.values()] });
  const ref = referenceProfile ?? profileOfRows(asTable(reference), operationalProfile!, reference.uri, seed);
  const op = operationalProfile ?? profileOfRows(asTable(operational), ref, operational.uri, seed);
  const part = (role: string, profile: Profile | undefined, d: Dataset) => (profile ? `${role} ${d.rows} of ${profile.rows} rows (its profile's uniform sample)` : `${role} all ${d.rows} rows`);
  const text = `Ran on rows: ${part('reference', referenceProfile, reference)}; ${part('operational', operationalProfile, operational)}.`;
  return { reference: ref, operational: op, basis: { on: 'sample', text } };
}

/** The predictions join as an ingest check (kind `join`): warn below 99 % coverage, fail when nothing matched. */
function predictionsJoinCheck(matched: number, rows: number, id: string | undefined, columns: string[]): CheckResult {
  const coverage = matched / rows;
  return {
    id: 'ingest.predictions_join',
    stage: CHECKS.ingestJoin.stage,
    kind: CHECKS.ingestJoin.kind,
    status: coverage >= 0.99 ? 'pass' : coverage > 0 ? 'warn' : 'fail',
    method: `join on ${id}`,
    figures: { matched, rows, coverage },
    summary: `${matched} of ${rows} operational rows have a prediction (${(coverage * 100).toFixed(1)}%).`,
    details: { columns },
  };
}

interface Assessment {
  checks: CheckResult[];
  decision: Results['decision'];
  plan: Results['plan'];
  selection: Selection | null;
  selectionRows: SelectionRows | null;
  inputs: Pick<Inputs, 'config' | 'records' | 'roles'>;
}

const SELECTION_STEP = { id: 'selection', title: 'Selection: window, weights, label queue, proxy comparison' } as const;

/** ANALYZE → AUDIT → DECIDE → SELECT: the ordered plan, the decision, and the data the action needs. */
function assess(inputs: Inputs, log: Logger, runId: string): Assessment {
  const { config, reference, operational, validation, roles, history } = inputs;
  log.info('stage analyze', { features: roles.features.length, task: roles.task });
  const alpha = alphaPlan(config, testFamilies({ reference, roles, validation }));
  const profiles = inputs.profiles;
  const featureDrift = profiles ? () => profileFeatureDrift(profiles, { reference, operational }, roles, { ...config.drift, alpha: familyAlpha(config).featureDrift }, config.seed) : undefined;
  const plan = runPlan(planSteps(), { reference, operational, validation, roles, config, log, alpha, history, runId, ...(featureDrift ? { featureDrift } : {}) });
  const { decision, diagnosis } = decide(plan.checks, { allowFailedGates: config.gates.allowFailed });
  const checks: CheckResult[] = [...inputs.checks, ...plan.checks, diagnosis];
  const steps = [...plan.steps];
  let selected: ReturnType<typeof selectData> | null = null;
  if (ACTION_MEANINGS[decision.action].selects) {
    log.info('stage select', { action: decision.action });
    const drifted = failing(checks, CHECKS.featureDrift).map((c) => c.subject!);
    const onset = driftOnset(reference, operational, roles, drifted);
    if (onset) checks.push(onset);
    selected = selectData(reference, operational, roles, config, { ...plan.evidence, onsetSince: onset?.details?.since ?? null }, inputs.origins);
    checks.push(...selected.checks);
    steps.push({ ...SELECTION_STEP, status: 'run', tests: 0 });
  } else {
    steps.push({ ...SELECTION_STEP, status: 'skipped', tests: 0, reason: `The action is ${decision.action}: no training data to choose.` });
  }
  // On a profile, every check that did not run on sketches or counts ran on the sample: each says so.
  if (profiles) checks.forEach((c, i) => c.basis === undefined && c.stage !== 'decide' && (checks[i] = { ...c, basis: profiles.basis }));
  const { testsRun, testsFull, executed, skipped, stoppedAt } = plan;
  log.info('decision', { action: decision.action, shiftType: decision.shiftType, findings: decision.findings });
  return {
    checks,
    decision,
    plan: { testsRun, testsFull, executed, skipped, steps, stoppedAt, alpha: { ...alpha.spent } },
    selection: selected?.selection ?? null,
    selectionRows: selected?.rows ?? null,
    // Not the tables: once the assessment is made, emitting holds the results, never the data (memory).
    inputs: { config, records: inputs.records, roles },
  };
}

/** EMIT: results, summary, report, selection files, pipeline parameters, and the manifest last. */
async function writeOutputs(results: Results, roles: Roles, selectionRows: SelectionRows | null, deps: RunDeps): Promise<RunOutcome> {
  const out = results.config.out;
  const uris = {
    results: outputUri(out, OUTPUT_NAMES.results),
    report: outputUri(out, OUTPUT_NAMES.report),
    summary: outputUri(out, OUTPUT_NAMES.summary),
    manifest: outputUri(out, OUTPUT_NAMES.manifest),
  };
  const manifest = ManifestSchema.parse(buildManifest(results, roles, uris.results, deps.trigger));
  const summary = renderSummary(results);
  deps.log.info('stage emit', { out });
  // The report's chart and DOM libraries (Plot, d3, linkedom: tens of MB resident) are loaded only now, so they
  // are not resident while the data are analysed.
  const { renderReport } = await import('./emit/report.js');
  const report = renderReport(results);
  const outcome: RunOutcome = { results, manifest, summary, report, uris };
  const files = {
    results: JSON.stringify(results, null, 2) + '\n',
    summary,
    report,
    manifest: JSON.stringify(manifest, null, 2) + '\n',
    extra: selectionRows ? selectionFiles(selectionRows, results.config.select.format, results.runId) : [],
  };
  await storeOutputs(deps.storage, out, files, async () => {
    if (results.config.outputParams) await writeOutputParams(results.config.outputParams, paramFiles(pipelineParams(results, uris.manifest)));
    await deps.beforeManifest?.(outcome);
  });
  return outcome;
}

/**
 * The whole step: withdraw earlier outputs → read inputs → assess → write outputs. The manifest is written last,
 * only on success.
 */
export async function runAnalysis(resolved: Config, deps: RunDeps): Promise<RunOutcome> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const runId = deps.runId ?? newRunId(new Date(startedAt));
  // Before anything is read: from here on --out holds no earlier run's manifest or results (docs/outputs.md).
  await withdrawOutputs(deps.storage, resolved.out);
  deps.log.info('withdrew earlier outputs', { out: resolved.out, runId });
  deps.log.info('stage ingest: reading inputs', { runId });
  const { checks, decision, plan, selection, selectionRows, inputs } = assess(await readInputs(resolved, deps.storage, deps.log), deps.log, runId);
  const results = ResultsSchema.parse({
    apiVersion: 'moa/v1',
    kind: 'AnalysisResults',
    runId,
    startedAt,
    finishedAt: now().toISOString(),
    toolVersion: VERSION,
    task: inputs.roles.task,
    inputs: inputs.records,
    config: inputs.config,
    // Ingest and select checks too (the plan's already are): no non-finite figure reaches the schema.
    checks: checks.map(totalCheck),
    decision,
    plan,
    selection,
  } satisfies Results);
  return writeOutputs(results, inputs.roles, selectionRows, deps);
}
