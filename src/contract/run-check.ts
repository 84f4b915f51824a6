import type { Dataset } from '../ingest/dataset.js';
import type { LabelCoverage } from '../ingest/labels.js';
import type { Table } from '../ingest/table.js';
import type { Config } from '../schema/config.js';
import type { ContractReport } from '../schema/contract.js';
import type { CheckResult } from '../schema/results.js';
import { checkContract } from './check.js';
import { contractCheckResult } from './result.js';

export interface RunContractInput {
  config: Config;
  /** The operational data as loaded (after the window; with or without the joined labels). */
  operational: Dataset | Table;
  reference?: Dataset | Table | undefined;
  /** `notes.partitionColumns` of the operational load. */
  partitionColumns?: string[] | undefined;
  labels?: { uri: string; table: Table; coverage: LabelCoverage | null } | undefined;
}

const asTable = (d: Dataset | Table): Table => (d.columns instanceof Map ? { rows: d.rows, columns: [...d.columns.values()] } : (d as Table));

/**
 * The contract check at the start of `moa run`: roles come from the run's config, and an unset role counts as
 * absent (the run will not use that column), so the verdicts say what this run can and cannot do.
 */
export function runContractCheck(input: RunContractInput): { report: ContractReport; check: CheckResult } {
  const { config } = input;
  const c = config.columns;
  const report = checkContract({
    uri: (config.operational ?? config.operationalProfile)!,
    table: asTable(input.operational),
    reference: input.reference ? asTable(input.reference) : undefined,
    partitionColumns: input.partitionColumns,
    labels: input.labels,
    standardNames: false,
    roles: { id: c.id, timestamp: c.timestamp, prediction: c.prediction, proba: c.proba, label: c.label, labelTs: config.labels.timestamp, modelVersion: c.modelVersion, ignore: c.ignore, task: config.task },
  });
  return { report, check: contractCheckResult(report) };
}
