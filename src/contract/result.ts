import type { ContractReport } from '../schema/contract.js';
import { CHECKS, type CheckOf } from '../checks/index.js';

type ContractCheck = CheckOf<typeof CHECKS.contract>;

/**
 * The contract check as an ingest check (kind `contract`): fail when the minimum (features, prediction) is not
 * met, warn when the columns leave analyses out, pass when they allow every one. Informational: not a gate.
 */
export function contractCheckResult(report: ContractReport): ContractCheck {
  const available = report.analyses.filter((a) => a.available);
  const blocked = report.analyses.filter((a) => !a.available && a.missing.length > 0);
  const missingRequired = report.columns.filter((c) => c.required && !c.present).map((c) => c.standard);
  const status = !report.minimumMet ? 'fail' : blocked.length ? 'warn' : 'pass';
  const add = report.add.map((a) => a.column);
  const summary = !report.minimumMet
    ? `The operational data misses the contract minimum (${missingRequired.join(', ')}); ${available.length} of ${report.analyses.length} analyses are possible.`
    : blocked.length
      ? `${available.length} of ${report.analyses.length} analyses are possible; log ${add.join('; ')} to unlock the rest.`
      : `The operational data meets the contract: every analysis is possible.`;
  return {
    id: 'ingest.contract',
    stage: CHECKS.contract.stage,
    kind: CHECKS.contract.kind,
    status,
    method: report.contract,
    figures: { minimumMet: report.minimumMet, available: available.length, unavailable: report.analyses.length - available.length },
    summary,
    details: {
      columns: report.columns,
      analyses: report.analyses.map((a) => ({ id: a.id, title: a.title, kind: a.kind, available: a.available, missing: a.missing, inputs: a.inputs, ...(a.note ? { note: a.note } : {}) })),
      add: report.add,
    },
  };
}
