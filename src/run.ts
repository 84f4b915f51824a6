import { diagnoseShift } from './audit/index.js';
import { decide } from './decide/decide.js';
import { alphaBudget, runPlan, type PlanContext } from './decide/plan.js';
import { planSteps } from './decide/steps.js';
import { selectData, type SelectionRows } from './select/select.js';
import { driftOnset } from './select/window.js';
import type { Selection } from './schema/selection.js';
import { buildManifest } from './emit/manifest.js';
import { OUTPUT_NAMES, outputUri, withdrawOutputs, writeOutputParams, writeOutputs } from './emit/outputs.js';
import { renderReport } from './emit/report.js';
import { paramFiles, pipelineParams } from './emit/pipeline-params.js';
import { renderSummary } from './emit/summary.js';
import { selectionFiles } from './emit/selection-files.js';
import { joinPredictions, resolveRoles, toDataset, type Dataset } from './ingest/dataset.js';
import { loadTable, type LoadOptions } from './ingest/load.js';
import { joinLabels, labelJoinCheck, requireLabelId, type LabelCoverage } from './ingest/labels.js';
import { earliestTime, parseWindow } from './ingest/partitions.js';
import type { Table } from './ingest/table.js';
import { runContractCheck } from './contract/run-check.js';
import { dataError } from './errors.js';
import type { Logger } from './log.js';
import type { Config } from './schema/config.js';
import { ManifestSchema, type Manifest } from './schema/manifest.js';
import { ResultsSchema, type CheckResult, type InputRecord, type Results } from './schema/results.js';
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

/**
 * The whole step: withdraw earlier outputs → ingest → analyze → audit → decide → emit. The manifest is written
 * last, only on success.
 */
export async function runAnalysis(resolved: Config, deps: RunDeps): Promise<RunOutcome> {
  let config = resolved;
  const { storage, log } = deps;
  const now = deps.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const runId = deps.runId ?? newRunId(new Date(startedAt));
  // Before anything is read: from here on --out holds no earlier run's manifest or results (docs/outputs.md).
  await withdrawOutputs(storage, config.out);
  log.info('withdrew earlier outputs', { out: config.out, runId });
  log.info('stage ingest: reading inputs', { runId });

  // The event-time column is read as times from text formats too (ISO 8601 or epoch), unless typed otherwise.
  const timestamp = config.columns.timestamp;
  const types = timestamp && !config.columns.types[timestamp] ? { ...config.columns.types, [timestamp]: 'timestamp' as const } : config.columns.types;
  const inputs: InputRecord[] = [];
  const window = parseWindow(config.window);
  const load = async (role: string, uri: string, extra: Partial<LoadOptions> = {}) => {
    const { table, record, notes, origin } = await loadTable(storage, uri, { role, format: config.format, types, log, limits: config.limits, ...extra });
    inputs.push(record);
    log.info(`read ${role}`, { uri, rows: record.rows, columns: record.columns, objects: record.objects.length, ...(notes.prunedPartitions.length ? { prunedPartitions: notes.prunedPartitions.length } : {}) });
    return { table, notes, origin };
  };
  const { table: referenceTable, origin: referenceOrigin } = await load('reference', config.reference);
  // The time window applies to the operational data only: it is the period under analysis.
  const { table: operationalTable, notes: operationalNotes, origin: operationalOrigin } = await load('operational', config.operational, { window, timestamp: config.columns.timestamp });
  const validationTable = config.validation ? (await load('validation', config.validation)).table : undefined;
  const predictionsTable = config.predictions ? (await load('predictions', config.predictions)).table : undefined;

  const checks: CheckResult[] = [];
  let operational: Dataset = toDataset('operational', config.operational, operationalTable);
  if (predictionsTable) {
    const joined = joinPredictions(operational, predictionsTable, config.columns.id, config.predictions!);
    operational = joined.dataset;
    const coverage = joined.matched / operational.rows;
    checks.push({
      id: 'ingest.predictions_join',
      stage: 'ingest',
      kind: 'join',
      status: coverage >= 0.99 ? 'pass' : coverage > 0 ? 'warn' : 'fail',
      method: `join on ${config.columns.id}`,
      figures: { matched: joined.matched, rows: operational.rows, coverage },
      summary: `${joined.matched} of ${operational.rows} operational rows have a prediction (${(coverage * 100).toFixed(1)}%).`,
      details: { columns: joined.added },
    });
  }
  // Late labels: a label feed joined on the id column, the latest label per id winning.
  let labels: { uri: string; table: Table; coverage: LabelCoverage | null } | undefined;
  if (config.labels.uri) {
    const id = requireLabelId(config.columns.id);
    const label = config.columns.label ?? 'label';
    const since = window?.since ?? earliestTime(operationalTable, [config.columns.timestamp, ...operationalNotes.partitionColumns].filter((c): c is string => !!c));
    const { table: feed } = await load('labels', config.labels.uri, { window: since === undefined ? undefined : { since } });
    const joined = joinLabels(operational, feed, {
      id,
      label,
      feedLabel: config.labels.column,
      labelTs: config.labels.timestamp,
      timestamp: config.columns.timestamp,
      dayColumn: operationalNotes.partitionColumns.find((c) => /^(date|dt|day)$/.test(c)),
      uri: config.labels.uri,
    });
    operational = joined.dataset;
    checks.push(labelJoinCheck(joined.coverage, { uri: config.labels.uri, id, minCoverage: config.labels.minCoverage }));
    labels = { uri: config.labels.uri, table: feed, coverage: joined.coverage };
    if (config.columns.label === undefined) config = { ...config, columns: { ...config.columns, label } };
  }
  // What this run's columns allow, by the operational data contract (informational, never a gate).
  checks.push(runContractCheck({ config, operational, reference: referenceTable, partitionColumns: operationalNotes.partitionColumns, labels }).check);
  // Partition values (model=, date=) describe where rows were stored, not the model's inputs.
  for (const column of operationalNotes.partitionColumns) if (!referenceTable.columns.some((c) => c.name === column)) operational.columns.delete(column);
  const others = [operational, ...(validationTable ? [toDataset('validation', config.validation!, validationTable)] : [])];
  const { roles, datasets } = resolveRoles(config, toDataset('reference', config.reference, referenceTable), others);
  const [reference, op, validation] = datasets as [Dataset, Dataset, Dataset | undefined];
  assertComparable(reference, op, roles.features);
  log.info('stage analyze', { features: roles.features.length, task: roles.task });

  // The ordered plan: gates, harm, drift …; each step may end it once the action is decided.
  const ctx: PlanContext = { reference, operational: op, validation, roles, config, log, checks, evidence: {}, alpha: alphaBudget(config.plan.alpha) };
  const plan = await runPlan(planSteps(), ctx);
  // Which kind of shift the evidence points to (a reading of the checks, not a test of its own).
  checks.push(diagnoseShift(checks));
  const decision = decide(checks, { allowFailedGates: config.gates.allowFailed });

  // SELECT: concrete data, only when the action needs data (not for none or fix_data).
  let selection: Selection | null = null;
  let selectionRows: SelectionRows | null = null;
  if (decision.action !== 'none' && decision.action !== 'fix_data') {
    log.info('stage select', { action: decision.action });
    const drifted = checks.filter((c) => c.kind === 'feature_drift' && c.status === 'fail').map((c) => c.subject!);
    const onset = driftOnset(reference, op, roles, drifted);
    if (onset) checks.push(onset);
    ctx.evidence.onsetSince = (onset?.details?.since as number | null | undefined) ?? null;
    const selected = selectData(reference, op, roles, config, ctx.evidence, { reference: referenceOrigin, operational: operationalOrigin });
    checks.push(...selected.checks);
    selection = selected.selection;
    selectionRows = selected.rows;
    plan.steps.push({ id: 'selection', title: 'Selection: window, weights, label queue, proxy comparison', status: 'run', tests: 0 });
  } else {
    plan.steps.push({ id: 'selection', title: 'Selection: window, weights, label queue, proxy comparison', status: 'skipped', tests: 0, reason: `The action is ${decision.action}: no training data to choose.` });
  }
  const results = ResultsSchema.parse({
    apiVersion: 'moa/v1',
    kind: 'AnalysisResults',
    runId,
    startedAt,
    finishedAt: now().toISOString(),
    toolVersion: VERSION,
    task: roles.task,
    inputs,
    config,
    checks,
    decision,
    plan: {
      testsRun: plan.testsRun,
      testsFull: plan.testsFull,
      executed: plan.executed,
      skipped: plan.skipped,
      steps: plan.steps,
      stoppedAt: plan.stoppedAt,
      alpha: { ...ctx.alpha },
    },
    selection,
  } satisfies Results);
  log.info('decision', { action: decision.action, shiftType: decision.shiftType, findings: decision.findings });

  const uris = {
    results: outputUri(config.out, OUTPUT_NAMES.results),
    report: outputUri(config.out, OUTPUT_NAMES.report),
    summary: outputUri(config.out, OUTPUT_NAMES.summary),
    manifest: outputUri(config.out, OUTPUT_NAMES.manifest),
  };
  const manifest = ManifestSchema.parse(buildManifest(results, roles, uris.results, deps.trigger));
  const summary = renderSummary(results);
  log.info('stage emit', { out: config.out });
  const outputParams = config.outputParams;
  const report = renderReport(results);
  const outcome: RunOutcome = { results, manifest, summary, report, uris };
  await writeOutputs(
    storage,
    config.out,
    {
      results: JSON.stringify(results, null, 2) + '\n',
      summary,
      report,
      manifest: JSON.stringify(manifest, null, 2) + '\n',
      extra: selectionRows ? selectionFiles(selectionRows, config.select.format, runId) : [],
    },
    async () => {
      if (outputParams) {
        await writeOutputParams(outputParams, paramFiles(pipelineParams(results, uris.manifest)));
      }
      await deps.beforeManifest?.(outcome);
    },
  );
  return outcome;
}
