import { z } from 'zod';
import { CATALOGUE } from './catalogue.js';
import type { CheckEntry } from './envelope.js';

type Catalogue = typeof CATALOGUE;
/** Any catalogue entry. */
export type AnyCheckEntry = Catalogue[number];
/** The kinds the catalogue knows: nothing else compiles where a kind is expected. */
export type CheckKind = AnyCheckEntry['kind'];

/** A result of one catalogue entry, its figures and details typed. */
export type CheckOf<E extends AnyCheckEntry> = z.infer<E['schema']>;
/** A result of one kind. */
export type CheckOfKind<K extends CheckKind> = CheckOf<Extract<AnyCheckEntry, { kind: K }>>;

/** One result shape for every check, discriminated by `kind`. */
export const CheckResultSchema = z.discriminatedUnion(
  'kind',
  CATALOGUE.map((e) => e.schema) as unknown as [AnyCheckEntry['schema'], ...AnyCheckEntry['schema'][]],
);
/** A check result of any kind; narrow it on `kind` (or with `isKind`) to reach typed figures and details. */
export type CheckResult = AnyCheckEntry extends infer E ? (E extends AnyCheckEntry ? CheckOf<E> : never) : never;

export const CHECK_KINDS = CATALOGUE.map((e) => e.kind) as CheckKind[];

/** The entry of a kind (for readers holding a result of unknown kind, e.g. the report). */
export function entryOf(kind: CheckKind): CheckEntry {
  return CATALOGUE.find((e) => e.kind === kind)! as unknown as CheckEntry;
}

/** The figures of one entry's results (for producers that build them step by step). */
export type FiguresOf<E extends AnyCheckEntry> = CheckOf<E>['figures'];
/** The details of one entry's results. */
export type DetailsOf<E extends AnyCheckEntry> = NonNullable<CheckOf<E>['details']>;
