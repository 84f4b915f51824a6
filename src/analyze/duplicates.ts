import type { Dataset } from '../ingest/dataset.js';
import type { Column } from '../ingest/table.js';
import { sortedCopy } from '../stats/index.js';

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

function stringHash(text: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193) >>> 0;
  return h;
}

/**
 * Share of the first `rows` rows that repeat an earlier row, by a 53-bit hash of all feature values (nulls hash
 * alike). The hash is built column by column — one tight loop per column updating every row's two 32-bit
 * halves, in the same order per row as a row-by-row pass — then the hashes are sorted and compared with their
 * neighbour (far faster than a Set of millions of doubles).
 */
export function duplicateShare(d: Dataset, features: string[], rows: number): number {
  const columns = features.map((f) => d.columns.get(f)).filter((c): c is Column => c !== undefined);
  const h1 = new Uint32Array(rows).fill(0x811c9dc5);
  const h2 = new Uint32Array(rows).fill(0x01000193);
  const mix = (i: number, x: number) => {
    h1[i] = Math.imul(h1[i]! ^ x, 0x01000193);
    h2[i] = Math.imul(h2[i]! ^ x, 0x5bd1e995);
  };
  for (const c of columns) {
    if (c.type === 'numeric' || c.type === 'timestamp') {
      const { values, nulls } = c;
      for (let i = 0; i < rows; i++) {
        F64[0] = nulls?.[i] ? NaN : values[i]!;
        mix(i, U32[0]!);
        mix(i, U32[1]!);
      }
    } else if (c.type === 'categorical') {
      // Category names are hashed once per category, not once per row.
      const byCode = Uint32Array.from(c.categories, stringHash);
      const codes = c.codes;
      for (let i = 0; i < rows; i++) {
        const code = codes[i]!;
        mix(i, code < 0 ? 0x9e3779b9 : byCode[code]!);
      }
    } else if (c.type === 'tensor') {
      const step = Math.max(1, Math.floor(c.size / 64));
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < c.size; j += step) {
          F64[0] = c.values[i * c.size + j]!;
          mix(i, U32[0]!);
          mix(i, U32[1]!);
        }
      }
    }
  }
  const hashes = new Float64Array(rows);
  for (let i = 0; i < rows; i++) hashes[i] = (h1[i]! & 0x1fffff) * 4294967296 + h2[i]!;
  const sorted = sortedCopy(hashes);
  let dup = 0;
  for (let r = 1; r < rows; r++) if (sorted[r] === sorted[r - 1]) dup++;
  return rows ? dup / rows : 0;
}
