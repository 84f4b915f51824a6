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
  write(location: Location, body: Uint8Array | string, contentType: string): Promise<void>;
}
