import type { Location } from './location.js';
import { LocalStorage } from './local.js';
import type { S3Storage } from './s3.js';
import type { Storage } from './storage.js';

export * from './location.js';
export type { ByteRanges, Listing, Storage, StoredObject, WriteOptions } from './storage.js';

/**
 * One storage front for every scheme. The S3 module (the AWS SDK: about a third of a second of module loading, paid
 * by every process, every merge and shard of a fan-out) is imported, and its client made, only when an s3:// URI is used.
 */
export function createStorage(env: NodeJS.ProcessEnv = process.env): Storage {
  const local = new LocalStorage();
  let s3: Promise<S3Storage> | undefined;
  const pick = async (location: Location): Promise<Storage> => (location.scheme === 's3' ? (s3 ??= import('./s3.js').then((m) => m.S3Storage.fromEnv(env))) : local);
  return {
    list: async (location, subject) => (await pick(location)).list(location, subject),
    listLevel: async (location, subject) => (await pick(location)).listLevel!(location, subject),
    read: async (object, location, subject) => (await pick(location)).read(object, location, subject),
    stream: async function* (object, location, subject) {
      yield* (await pick(location)).stream!(object, location, subject);
    },
    blob: async (object, location, subject) => {
      const storage = await pick(location);
      return storage.blob ? storage.blob(object, location, subject) : new Blob([await storage.read(object, location, subject)]);
    },
    write: async (location, body, contentType, options) => (await pick(location)).write(location, body, contentType, options),
    remove: async (location) => (await pick(location)).remove(location),
  };
}
