import type { Location } from './location.js';

export interface StoredObject {
  uri: string;
  /** Key or path relative to nothing: used for format detection and messages. */
  name: string;
  size: number;
  etag?: string;
}

/** Byte-level access to where data lives; formats and analysis never see S3 or the file system. */
export interface Storage {
  /** The objects a location names: one object, or every data file under a prefix / directory, in key order. */
  list(location: Location, subject: string): Promise<StoredObject[]>;
  read(object: StoredObject, location: Location, subject: string): Promise<Uint8Array>;
  write(location: Location, body: Uint8Array | string, contentType: string): Promise<void>;
}
