/**
 * Category counts straight from Arrow dictionary indices (the `indices` typed array of a dictionary-encoded
 * column, plus its validity bitmap), so categorical tests never materialise strings: one pass, no hashing.
 * `indices` must hold exactly the column's rows: Arrow pads its buffers, so pass `data.values.subarray(0, data.length)`.
 */
import { statsInputError } from './input-error.js';

export type DictionaryIndices = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

export interface CategoryCounts {
  /** counts[c] = rows whose index is c, for c < dictionarySize. */
  counts: Float64Array;
  /** Rows marked null by the validity bitmap (not counted in any category). */
  nulls: number;
}

/**
 * @param validity Arrow validity bitmap (bit i set = row i valid, least-significant bit first); omit when the
 *   column has no nulls. `offset` is the slice offset into the bitmap, as Arrow's `Data.offset`.
 */
export function categoryCounts(
  indices: DictionaryIndices,
  dictionarySize: number,
  validity?: Uint8Array | null,
  offset = 0,
): CategoryCounts {
  const counts = new Float64Array(dictionarySize);
  let nulls = 0;
  for (let i = 0; i < indices.length; i++) {
    if (validity) {
      const bit = i + offset;
      if (((validity[bit >> 3]! >> (bit & 7)) & 1) === 0) {
        nulls++;
        continue;
      }
    }
    const c = indices[i]!;
    if (c < 0 || c >= dictionarySize) {
      throw statsInputError('stats.bad_dictionary_index', `row ${i} has dictionary index ${c}; the dictionary has ${dictionarySize} entries`, {
        subject: 'indices',
        fix: 'pass the dictionary that belongs to these indices',
      });
    }
    counts[c]!++;
  }
  return { counts, nulls };
}

export interface AlignedCategoryCounts {
  /** Category names, first side's first-seen order, then the second side's new ones; none with a zero total. */
  categories: string[];
  a: number[];
  b: number[];
}

/**
 * Two samples' counts on one category list, matched by name: two columns rarely share a dictionary (each input
 * numbers its categories as it meets them, and a name may even appear under two codes), so counts are added by
 * name. Zero counts add no category, so a category listed in a dictionary but never seen does not become a cell.
 */
export function alignCategoryCounts(a: Iterable<readonly [string, number]>, b: Iterable<readonly [string, number]>): AlignedCategoryCounts {
  const index = new Map<string, number>();
  const counts: [number[], number[]] = [[], []];
  for (const [side, entries] of [a, b].entries()) {
    for (const [category, count] of entries) {
      if (count === 0) continue;
      let k = index.get(category);
      if (k === undefined) {
        k = counts[0].length;
        index.set(category, k);
        counts[0].push(0);
        counts[1].push(0);
      }
      counts[side]![k]! += count;
    }
  }
  return { categories: [...index.keys()], a: counts[0], b: counts[1] };
}
