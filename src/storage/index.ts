import type { Location } from './location.js';
import { LocalStorage } from './local.js';
import { S3Storage } from './s3.js';
import type { Storage } from './storage.js';

export * from './location.js';
export type { ByteRanges, Listing, Storage, StoredObject, WriteOptions } from './storage.js';

/** One storage front for every scheme; the S3 client is made only when an s3:// URI is used. */
export function createStorage(env: NodeJS.ProcessEnv = process.env): Storage {
  const local = new LocalStorage();
  let s3: S3Storage | undefined;
  const pick = (location: Location): Storage =>
    location.scheme === 's3' ? (s3 ??= S3Storage.fromEnv(env)) : local;
  return {
    list: (location, subject) => pick(location).list(location, subject),
    listLevel: (location, subject) => pick(location).listLevel!(location, subject),
    read: (object, location, subject) => pick(location).read(object, location, subject),
    stream: (object, location, subject) => pick(location).stream!(object, location, subject),
    blob: async (object, location, subject) => {
      const storage = pick(location);
      return storage.blob ? storage.blob(object, location, subject) : new Blob([await storage.read(object, location, subject)]);
    },
    write: (location, body, contentType, options) => pick(location).write(location, body, contentType, options),
    remove: (location) => pick(location).remove(location),
  };
}
