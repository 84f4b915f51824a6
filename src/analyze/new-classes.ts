import type { Dataset, Roles } from '../ingest/dataset.js';
import { CHECKS, type CheckOf } from '../checks/index.js';

type NewClassesCheck = CheckOf<typeof CHECKS.newClasses>;

/**
 * With labels: classes present in operational labels but never seen in the training labels — the reference's, or
 * the validation data's when the reference holds no labels (`baselineSource`). Skipped, saying why, when neither does.
 */
export function newClassesFromLabels(reference: Dataset, operational: Dataset, roles: Roles, minShare: number, validation?: Dataset): NewClassesCheck | null {
  if (roles.task !== 'classification' || !roles.label) return null;
  const id = 'analyze.new_classes.labels';
  const known = [reference, validation].find((d) => d?.columns.get(roles.label!)?.type === 'categorical');
  const ref = known?.columns.get(roles.label);
  const op = operational.columns.get(roles.label);
  if (op?.type !== 'categorical') return null;
  if (!known || ref?.type !== 'categorical') {
    return { id, stage: CHECKS.newClasses.stage, kind: CHECKS.newClasses.kind, subject: roles.label, status: 'skipped', figures: {}, summary: `New classes not read from labels: neither the reference nor the validation data holds the label column ${roles.label}, so the training classes are unknown.` };
  }
  const seen = new Uint8Array(ref.categories.length);
  for (const code of ref.codes) if (code >= 0) seen[code] = 1;
  const counts = new Float64Array(op.categories.length);
  let labelled = 0;
  for (const code of op.codes) if (code >= 0) (counts[code]! += 1), labelled++;
  if (labelled === 0) {
    return { id, stage: CHECKS.newClasses.stage, kind: CHECKS.newClasses.kind, status: 'skipped', figures: { labelled: 0 }, summary: 'No operational labels: new classes cannot be read from labels.' };
  }
  const fresh = op.categories
    .map((name, code) => ({ name, count: counts[code]!, share: counts[code]! / labelled }))
    .filter((c, code) => c.count > 0 && !seen[code])
    .sort((a, b) => b.count - a.count);
  const significant = fresh.filter((c) => c.share >= minShare);
  const status = significant.length > 0 ? 'fail' : fresh.length > 0 ? 'warn' : 'pass';
  return {
    id,
    stage: CHECKS.newClasses.stage,
    kind: CHECKS.newClasses.kind,
    subject: roles.label,
    status,
    method: 'label values absent from the reference',
    figures: { labelled, newClasses: significant.length, newClassRows: fresh.reduce((a, c) => a + c.count, 0), baselineSource: known.role === 'validation' ? 'validation' : 'reference' },
    threshold: { minShare },
    summary:
      fresh.length === 0
        ? `All ${labelled} labelled operational rows belong to classes seen in training.`
        : `${fresh.length} class(es) not seen in training: ${fresh.slice(0, 5).map((c) => `${c.name} (${(c.share * 100).toFixed(1)}%)`).join(', ')}.`,
    details: { classes: fresh, reported: significant.map((c) => c.name) },
  };
}
