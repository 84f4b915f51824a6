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
