import type { Dataset } from '../ingest/dataset.js';
import type { Column } from '../ingest/table.js';
import { fmix32 } from '../stats/hyperloglog.js';
import { sortedCopy } from '../stats/index.js';

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
// Read once: under Jest's VM context every `Math.` lookup is slow (see mulberry32.ts).
const { imul } = Math;

function stringHash(text: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < text.length; k++) h = imul(h ^ text.charCodeAt(k), 0x01000193) >>> 0;
  return fmix32(h);
}

/** Rows hashed together through every column, so that their running hashes stay in the first-level cache. */
const BLOCK = 2048;

/**
 * A product mod 2^32 carries a word's differences only upwards: values that differ only in their top bits (small
 * integers such as 3 and 6, ±0, ±Infinity, the same categories in other columns) would leave the low bits of every
 * later state equal, and the 53 bits kept at the end would hold a few distinct ones — integer-coded rows counted as
 * duplicates. Folding the high half down after each word (and murmur3's finaliser at the end) spreads them to all bits.
 */
const fold = (h: number): number => (h ^ (h >>> 16)) >>> 0;

/** A canonical NaN's two 32-bit halves, as a null hashes (what writing NaN into a Float64Array gives). */
F64[0] = NaN;
const NAN_LOW = U32[0]!;
const NAN_HIGH = U32[1]!;

/**
 * Share of the first `rows` rows that repeat an earlier row, by a 53-bit hash of all feature values (nulls hash
 * alike). The hash is built column by column over blocks of rows — for each block, one tight loop per column
 * updating the rows' two 32-bit halves, in the same order per row as a row-by-row pass; a numeric value's bits are
 * read through a 32-bit view of its column (a NaN goes through a Float64Array, as it always did) — then the hashes
 * are sorted and compared with their neighbour (far faster than a Set of millions of doubles).
 */
export function duplicateShare(d: Dataset, features: string[], rows: number): number {
  const columns = features.map((f) => d.columns.get(f)).filter((c): c is Column => c !== undefined);
  const h1 = new Uint32Array(rows).fill(0x811c9dc5);
  const h2 = new Uint32Array(rows).fill(0x01000193);
  const mix = (i: number, x: number) => {
    h1[i] = fold(imul(h1[i]! ^ x, 0x01000193));
    h2[i] = fold(imul(h2[i]! ^ x, 0x5bd1e995));
  };
  // Per column: its 32-bit view, or its categories' hashes (once per category, not once per row).
  const bits = columns.map((c) => (c.type === 'numeric' || c.type === 'timestamp' ? new Uint32Array(c.values.buffer, c.values.byteOffset, c.values.length * 2) : null));
  const byCode = columns.map((c) => (c.type === 'categorical' ? Uint32Array.from(c.categories, stringHash) : null));
  for (let from = 0; from < rows; from += BLOCK) {
    const to = Math.min(rows, from + BLOCK);
    columns.forEach((c, q) => {
      if (c.type === 'numeric' || c.type === 'timestamp') numericBlock(h1, h2, bits[q]!, c.values, c.nulls, from, to);
      else if (c.type === 'categorical') {
        const hashes = byCode[q]!;
        const codes = c.codes;
        for (let i = from; i < to; i++) {
          const code = codes[i]!;
          mix(i, code < 0 ? 0x9e3779b9 : hashes[code]!);
        }
      } else if (c.type === 'tensor') {
        const step = Math.max(1, Math.floor(c.size / 64));
        for (let i = from; i < to; i++) {
          for (let j = 0; j < c.size; j += step) {
            F64[0] = c.values[i * c.size + j]!;
            mix(i, U32[0]!);
            mix(i, U32[1]!);
          }
        }
      }
    });
  }
  const hashes = new Float64Array(rows);
  for (let i = 0; i < rows; i++) hashes[i] = (fmix32(h1[i]!) & 0x1fffff) * 4294967296 + fmix32(h2[i]!);
  const sorted = sortedCopy(hashes);
  let dup = 0;
  for (let r = 1; r < rows; r++) if (sorted[r] === sorted[r - 1]) dup++;
  return rows ? dup / rows : 0;
}

/** One numeric column's low then high 32 bits mixed into rows from..to-1 (a null as NaN). */
function numericBlock(h1: Uint32Array, h2: Uint32Array, bits: Uint32Array, values: Float64Array, nulls: Uint8Array | null | undefined, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    let low = bits[2 * i]!;
    let high = bits[2 * i + 1]!;
    if (nulls?.[i]) (low = NAN_LOW), (high = NAN_HIGH);
    else if ((high & 0x7ff00000) === 0x7ff00000 && values[i] !== values[i]) {
      F64[0] = values[i]!;
      (low = U32[0]!), (high = U32[1]!);
    }
    h1[i] = fold(imul(fold(imul(h1[i]! ^ low, 0x01000193)) ^ high, 0x01000193));
    h2[i] = fold(imul(fold(imul(h2[i]! ^ low, 0x5bd1e995)) ^ high, 0x5bd1e995));
  }
}
