/** Byte encodings of the profile format: typed arrays as base64 of little-endian bytes, non-finite scalars as strings. */
import { Buffer } from 'node:buffer';

export type JsonFloat = number | 'Infinity' | '-Infinity' | 'NaN';

export function toJsonFloat(x: number): JsonFloat {
  return Number.isFinite(x) ? x : (String(x) as JsonFloat);
}

export function fromJsonFloat(x: JsonFloat): number {
  return typeof x === 'number' ? x : Number(x);
}

// Node and every platform it runs on are little-endian, as the format requires; a check keeps it honest.
if (new Uint8Array(new Float64Array([1]).buffer)[7] !== 0x3f) throw new Error('moa profiles need a little-endian platform');

export function encodeFloat64(values: Float64Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

export function decodeFloat64(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 8 !== 0) throw new RangeError(`${bytes.length} bytes are not a whole number of Float64 values`);
  const out = new Float64Array(bytes.length / 8);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export function encodeBytes(values: Uint8Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

export function decodeBytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}
