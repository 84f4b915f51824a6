/** Materialises the two-sample vectors: stored arrays, or the n = 200000 mulberry32 recipes checked by fingerprint. */
import { createHash } from 'node:crypto';
import { generateSample, type SampleSpec } from '../../src/stats/index.js';
import type { Json } from './vectors.js';

export interface Pair {
  id: string;
  tags: string[];
  x: Float64Array;
  y: Float64Array;
  results: Json;
}

function fromCheck(spec: SampleSpec, check: Json, label: string): Float64Array {
  const arr = generateSample(spec);
  const sha = createHash('sha256').update(Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength)).digest('hex');
  if (sha !== check.sha256_f64le) throw new Error(`${label}: regenerated sample does not match its sha256 fingerprint`);
  return arr;
}

export function materialise(entry: Json): Pair {
  const x = entry.x ? Float64Array.from(entry.x) : fromCheck(entry.x_gen, entry.x_check, `${entry.id}.x`);
  const y = entry.y ? Float64Array.from(entry.y) : fromCheck(entry.y_gen, entry.y_check, `${entry.id}.y`);
  return { id: entry.id, tags: entry.tags, x, y, results: entry.results };
}
