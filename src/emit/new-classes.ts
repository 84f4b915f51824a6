/**
 * New classes, counted right, for the report and the summary: the labels' count (`new_classes`) when operational rows
 * have labels; novelty's clusters are groups of unfamiliar rows, not classes — one new class can split into several
 * groups, and drifted rows of known classes form groups too — so they are read against the labels where the rows
 * have them. The text comes as segments (plain text, or a class name to set as code) for each renderer to escape.
 */
import { CHECKS, isKind, type CheckResult } from '../checks/index.js';

export type Segment = string | { name: string };

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const names = (list: readonly string[]): Segment[] => list.flatMap((name, i) => (i ? [', ', { name }] : [{ name }]));

/** The classes the new_classes checks found in the operational labels, each once. */
export function newClassNames(checks: readonly CheckResult[]): string[] {
  const found = new Set<string>();
  for (const c of checks) if (isKind(c, CHECKS.newClasses) && (c.status === 'fail' || c.status === 'warn')) for (const n of c.details?.reported ?? []) found.add(n);
  return [...found];
}

/** What the labels say: "2 new classes in the operational labels: a, b." — empty without a judged new_classes check. */
export function labelledNewClasses(checks: readonly CheckResult[]): Segment[] {
  const judged = checks.some((c) => isKind(c, CHECKS.newClasses) && (c.status === 'fail' || c.status === 'warn' || c.status === 'pass'));
  if (!judged) return [];
  const found = newClassNames(checks);
  return found.length ? [`${plural(found.length, 'new class', 'new classes')} in the operational labels: `, ...names(found), '.'] : ['No new class in the operational labels.'];
}

/** What novelty's candidate clusters say about new classes; empty when it found none. */
export function noveltyReading(check: CheckResult, newClasses: readonly string[]): Segment[] {
  const clusters = isKind(check, CHECKS.novelty) ? (check.details?.clusters ?? []).filter((c) => c.candidate) : [];
  if (!clusters.length) return [];
  const groups = `Novelty: ${plural(clusters.length, 'group')} of operational rows unlike the training data`;
  const labelled = clusters.filter((c) => c.dominantLabel !== undefined);
  if (!labelled.length) return [`${groups}; how many classes they hold only labels can tell (their rows are queued for labelling).`];
  const dominant = (list: typeof clusters) => [...new Set(list.map((c) => c.dominantLabel!))];
  const onNew = labelled.filter((c) => newClasses.includes(c.dominantLabel!));
  const onKnown = labelled.filter((c) => !newClasses.includes(c.dominantLabel!));
  const newNames = dominant(onNew);
  return [
    `${groups} (groups, not classes)`,
    ...(onNew.length ? [`; ${onNew.length} of them mostly `, ...names(newNames), ` — ${plural(newNames.length, 'new class', 'new classes')}`] : []),
    ...(onKnown.length ? [`; ${onKnown.length} mostly known classes (`, ...names(dominant(onKnown)), '): rows that changed, not new classes'] : []),
    ...(labelled.length < clusters.length ? [`; ${clusters.length - labelled.length} without labels`] : []),
    '.',
  ];
}
