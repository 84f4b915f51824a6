/**
 * Typed queries over check results: a reader names the catalogue entry and gets its results with their figures
 * and details typed, so a misspelt kind, figure or details key does not compile.
 */
import type { AnyCheckEntry, CheckOf, CheckResult } from './result.js';

type Entries = readonly [AnyCheckEntry, ...AnyCheckEntry[]];
type OfAny<E extends Entries> = CheckOf<E[number]>;

/** Whether `check` is a result of `entry`. */
export function isKind<E extends AnyCheckEntry>(check: CheckResult, entry: E): check is CheckOf<E> & CheckResult {
  return check.kind === entry.kind;
}

/** Every result of the given kinds, in run order. */
export function findAll<E extends Entries>(checks: readonly CheckResult[], ...entries: E): OfAny<E>[] {
  const kinds = new Set<string>(entries.map((e) => e.kind));
  return checks.filter((c) => kinds.has(c.kind)) as OfAny<E>[];
}

/** The first result of the given kinds, if any. */
export function find<E extends Entries>(checks: readonly CheckResult[], ...entries: E): OfAny<E> | undefined {
  return findAll(checks, ...entries)[0];
}

/** Results of the given kinds that failed (the ones decisions act on). */
export function failing<E extends Entries>(checks: readonly CheckResult[], ...entries: E): OfAny<E>[] {
  return findAll(checks, ...entries).filter((c) => c.status === 'fail');
}

/** Whether a result reached a verdict (pass, warn or fail) rather than being skipped or unable to run. */
export function judged(check: { status: CheckResult['status'] } | undefined): boolean {
  return check !== undefined && (check.status === 'pass' || check.status === 'warn' || check.status === 'fail');
}

/** A figure value as results.json holds it. */
export type FigureValue = number | string | boolean | null;

/**
 * A result's figures, thresholds and details as plain records, for renderers that treat every kind alike (tables
 * of figures, details shown generically). Kind-specific readers use `find` / `findAll` instead.
 */
export function untyped(check: CheckResult): { figures: Record<string, FigureValue | undefined>; threshold: Record<string, number | undefined> | undefined; details: Record<string, unknown> | undefined } {
  return check as unknown as ReturnType<typeof untyped>;
}
