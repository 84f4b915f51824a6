import type { z } from 'zod';
import type { AnyCheckEntry, CheckOf } from '../../src/checks/index.js';

/**
 * A check result built through its catalogue entry: kind and stage come from the entry, and the result is
 * validated by the entry's schema, so a fixture can only hold figures and details moa could really write.
 */
export function checkOf<E extends AnyCheckEntry>(entry: E, fields: Omit<z.input<E['schema']>, 'kind' | 'stage'>): CheckOf<E> {
  return entry.schema.parse({ ...fields, kind: entry.kind, stage: entry.stage }) as CheckOf<E>;
}
