import { storageError } from '../errors.js';
import type { Location } from './location.js';

export interface StoredObject {
  uri: string;
  /** Key or path relative to nothing: used for format detection and messages. */
  name: string;
  size: number;
  etag?: string;
}

/** One level of a prefix or directory: the sub-prefixes (names without the trailing "/") and the data files in it. */
export interface Listing {
  dirs: string[];
  objects: StoredObject[];
}

/** Byte-level access to where data lives; formats and analysis never see S3 or the file system. */
export interface Storage {
  /** The objects a location names: one object, or every data file under a prefix / directory, in key order. */
  list(location: Location, subject: string): Promise<StoredObject[]>;
  /**
   * One level under a prefix / directory (S3: a delimited listing), so partitioned data can be walked and
   * pruned instead of listed whole. Null when the location is a single object or file.
   */
  listLevel?(location: Location, subject: string): Promise<Listing | null>;
  read(object: StoredObject, location: Location, subject: string): Promise<Uint8Array>;
  /**
   * The object's bytes in chunks, from its start (each call reads it again), so a reader can keep what it decoded
   * instead of the object. Storages without it are read whole.
   */
  stream?(object: StoredObject, location: Location, subject: string): AsyncIterable<Uint8Array>;
  /** The object as byte ranges fetched from the store on demand (a file-backed Blob, ranged GETs), so a reader fetches only what it needs. */
  blob?(object: StoredObject, location: Location, subject: string): Promise<ByteRanges>;
  write(location: Location, body: Uint8Array | string, contentType: string, options?: WriteOptions): Promise<void>;
  /** Delete one object or file; a missing one is not an error (withdrawing outputs must be idempotent). */
  remove(location: Location): Promise<void>;
}

/**
 * An object whose bytes are fetched by range when asked for: the part of the Blob interface that parquet-wasm's
 * `ParquetFile.fromFile` uses (a Blob is one).
 */
export interface ByteRanges {
  readonly size: number;
  /** Bytes [start, end) (clamped to the object, as Blob.slice does). */
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

export interface WriteOptions {
  /**
   * Create only: fail with `storage.conflict` when the object exists (S3 `If-None-Match: *`, a no-clobber link on
   * a file system). Stores that do not implement conditional writes (HTTP 501) get a plain write.
   */
  ifAbsent?: boolean;
}

/** Another writer created the object between our withdrawal of the outputs and our create-only write. */
export function conflict(uri: string) {
  return storageError('storage.conflict', `output: ${uri} was created by someone else while this run was writing (another run writes to the same --out?).`, {
    subject: uri,
    fix: 'Give every concurrent run its own --out prefix (e.g. one per date or workflow id), then rerun.',
  });
}

