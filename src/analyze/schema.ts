import type { Dataset, Roles } from '../ingest/dataset.js';
import type { Column } from '../ingest/table.js';
import { CHECKS, type CheckOf } from '../checks/index.js';

type SchemaGateCheck = CheckOf<typeof CHECKS.schemaGate>;

/** Broad kinds that can be compared across datasets: integer vs float is one kind, an all-null column fits any. */
function kindOf(c: Column): string {
  return c.type === 'tensor' ? `tensor[${c.size}]` : c.type;
}

/**
 * Gate: does the operational data have the columns the model was trained on, with the same kinds?
 * Missing or retyped features mean the data is broken, not drifted.
 */
export function compareSchema(reference: Dataset, operational: Dataset, roles: Roles): SchemaGateCheck {
  const missing: string[] = [];
  const retyped: { column: string; reference: string; operational: string }[] = [];
  for (const name of roles.features) {
    const ref = reference.columns.get(name)!;
    const op = operational.columns.get(name);
    if (!op) missing.push(name);
    else if (ref.type !== 'null' && op.type !== 'null' && kindOf(ref) !== kindOf(op)) {
      retyped.push({ column: name, reference: kindOf(ref), operational: kindOf(op) });
    }
  }
  const known = new Set([...reference.columns.keys(), ...[roles.label, roles.prediction, roles.id, roles.timestamp].filter(Boolean)] as string[]);
  for (const p of roles.proba) known.add(p.column);
  const added = [...operational.columns.keys()].filter((n) => !known.has(n));
  const missingOutputs = [roles.prediction, ...roles.proba.map((p) => p.column)].filter(
    (n): n is string => n !== undefined && reference.columns.has(n) && !operational.columns.has(n),
  );
  const failed = missing.length > 0 || retyped.length > 0;
  const status = failed ? 'fail' : added.length > 0 || missingOutputs.length > 0 ? 'warn' : 'pass';
  const parts: string[] = [];
  if (missing.length) parts.push(`${missing.length} feature column(s) missing from the operational data (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''})`);
  if (retyped.length) parts.push(`${retyped.length} column(s) changed type (${retyped.slice(0, 5).map((r) => `${r.column}: ${r.reference} → ${r.operational}`).join(', ')})`);
  if (added.length) parts.push(`${added.length} new column(s) not in the reference (${added.slice(0, 5).join(', ')})`);
  if (missingOutputs.length) parts.push(`model outputs missing from the operational data (${missingOutputs.join(', ')})`);
  return {
    id: 'schema.columns',
    stage: CHECKS.schemaGate.stage,
    kind: CHECKS.schemaGate.kind,
    status,
    method: 'column names and kinds',
    figures: {
      features: roles.features.length,
      missing: missing.length,
      retyped: retyped.length,
      added: added.length,
    },
    summary: parts.length ? parts.join('; ') + '.' : `All ${roles.features.length} feature columns present with the same kinds.`,
    details: { missing, retyped, added, missingOutputs },
  };
}
