import { Readable, pipeline } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { dataError, MoaError } from '../errors.js';
import { LimitsConfigSchema, type LimitsConfig } from '../schema/config.js';
import type { Table } from './table.js';
import { truncatedError } from './truncation.js';

/** What one input may cost to read (config key `limits`); each bound has its own error code, all exit 3. */
export type IngestLimits = LimitsConfig;
export const DEFAULT_LIMITS: IngestLimits = LimitsConfigSchema.parse(undefined);
/** The inflate ratio is enforced only past this many decompressed bytes: small files may compress very well. */
export const INFLATE_RATIO_FLOOR = 64 * 2 ** 20;

const over = (code: string, what: string, key: keyof IngestLimits, limit: number, uri: string, subject: string) =>
  dataError(`limits.${code}`, `${subject}: ${uri} ${what}, over the limit of ${limit.toLocaleString('en-US')} (limits.${key}).`, {
    subject: uri,
    fix: `Check that this is the intended input; if it is, raise limits.${key} in the config (and give the step the memory it needs).`,
  });

export function checkObjectBytes(bytes: number, limits: IngestLimits, uri: string, subject: string): void {
  if (bytes > limits.maxObjectBytes) throw over('object_bytes', `is ${bytes.toLocaleString('en-US')} bytes`, 'maxObjectBytes', limits.maxObjectBytes, uri, subject);
}
export function checkRows(rows: number, limits: IngestLimits, uri: string, subject: string): void {
  if (rows > limits.maxRows) throw over('rows', `has more than ${limits.maxRows.toLocaleString('en-US')} rows`, 'maxRows', limits.maxRows, uri, subject);
}
export function checkColumns(columns: number, limits: IngestLimits, uri: string, subject: string): void {
  if (columns > limits.maxColumns) throw over('columns', `has ${columns.toLocaleString('en-US')} columns`, 'maxColumns', limits.maxColumns, uri, subject);
}
export function checkCategories(column: string, categories: number, limits: IngestLimits, uri: string, subject: string): void {
  if (categories > limits.maxCategories) {
    throw over('categories', `has more than ${limits.maxCategories.toLocaleString('en-US')} distinct values in column "${column}"`, 'maxCategories', limits.maxCategories, uri, subject);
  }
}

export function checkTable(table: Table, limits: IngestLimits, uri: string, subject: string): void {
  checkRows(table.rows, limits, uri, subject);
  checkColumns(table.columns.length, limits, uri, subject);
  for (const c of table.columns) if (c.type === 'categorical') checkCategories(c.name, c.categories.length, limits, uri, subject);
}

/** Most bytes a gzip object of `compressed` bytes may inflate to: the smaller of the two bounds. */
function inflateCap(compressed: number, limits: IngestLimits): { cap: number; byRatio: number } {
  const byRatio = Math.max(INFLATE_RATIO_FLOOR, Math.floor(limits.maxInflateRatio * compressed));
  return { cap: Math.min(limits.maxDecodedBytes, byRatio), byRatio };
}

function overInflated(compressed: number, limits: IngestLimits, uri: string, subject: string) {
  const { cap, byRatio } = inflateCap(compressed, limits);
  if (cap === byRatio && byRatio < limits.maxDecodedBytes) {
    return over('inflate_ratio', `inflates more than ${limits.maxInflateRatio}× (${compressed.toLocaleString('en-US')} compressed bytes)`, 'maxInflateRatio', limits.maxInflateRatio, uri, subject);
  }
  return over('decoded_bytes', 'decompresses to more bytes than allowed', 'maxDecodedBytes', limits.maxDecodedBytes, uri, subject);
}

function gzipFailure(error: unknown, compressed: number, uri: string, subject: string) {
  if ((error as NodeJS.ErrnoException).code === 'Z_BUF_ERROR') return truncatedError(subject, uri, 'gzip', compressed, 'the compressed stream ends before its end marker');
  return dataError('data.corrupt', `${subject}: ${uri} is not valid gzip (${(error as Error).message}).`, {
    subject: uri,
    fix: 'Re-write the file, or drop the .gz extension if it is not compressed.',
  });
}

/**
 * Gunzip with the output bounded before it is produced: zlib stops at the smaller of `maxDecodedBytes` and the
 * inflate-ratio allowance, so a bomb costs at most that much memory and the time to inflate it.
 */
export function gunzipBounded(bytes: Uint8Array, limits: IngestLimits, uri: string, subject: string): Uint8Array {
  const { cap } = inflateCap(bytes.length, limits);
  try {
    return gunzipSync(bytes, { maxOutputLength: cap + 1 > 2 ** 32 ? 2 ** 32 : cap + 1 });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw overInflated(bytes.length, limits, uri, subject);
    throw gzipFailure(error, bytes.length, uri, subject);
  }
}

/**
 * A gzip stream inflated chunk by chunk under the same bounds as gunzipBounded (`compressed` = the object's size):
 * past the cap it stops with the same named error, having kept nothing.
 */
export async function* gunzipStream(source: AsyncIterable<Uint8Array>, compressed: number, limits: IngestLimits, uri: string, subject: string): AsyncGenerator<Uint8Array> {
  const { cap } = inflateCap(compressed, limits);
  const gunzip = createGunzip({ chunkSize: 1 << 18 });
  const input = Readable.from(source, { objectMode: false });
  // Errors (the source's named ones included) reach the loop below through gunzip.
  pipeline(input, gunzip, () => {});
  let inflated = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      inflated += chunk.length;
      if (inflated > cap) throw overInflated(compressed, limits, uri, subject);
      yield chunk;
    }
  } catch (error) {
    if (error instanceof MoaError) throw error;
    throw gzipFailure(error, compressed, uri, subject);
  } finally {
    gunzip.destroy();
    input.destroy();
  }
}

/**
 * The bytes of a stored object as they arrive, checked against `maxObjectBytes` (the listing is not trusted to the
 * byte) and refused as empty when there are none.
 */
export async function* storedBytes(source: AsyncIterable<Uint8Array>, limits: IngestLimits, uri: string, subject: string): AsyncGenerator<Uint8Array> {
  let bytes = 0;
  for await (const chunk of source) {
    bytes += chunk.length;
    checkObjectBytes(bytes, limits, uri, subject);
    yield chunk;
  }
  if (bytes === 0) throw emptyObject(uri, subject);
}

export const emptyObject = (uri: string, subject: string) =>
  dataError('data.empty', `${subject}: ${uri} is empty (0 bytes).`, { subject: uri, fix: 'Check the upstream job that writes this file.' });
