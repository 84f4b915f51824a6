import { createReadStream, openAsBlob } from 'node:fs';
import { link, mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { storageError } from '../errors.js';
import { isDataFileName, type Location } from './location.js';
import { conflict, type Listing, type StoredObject, type Storage, type WriteOptions } from './storage.js';

function localFailure(error: unknown, uri: string, subject: string, verb: string) {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return storageError('storage.not_found', `${subject}: ${uri} does not exist.`, { subject: uri, fix: 'Check the path.' });
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return storageError('storage.access_denied', `${subject}: permission denied to ${verb} ${uri} (${code}).`, {
      subject: uri,
      fix: 'Check the file permissions, or write the outputs somewhere writable (e.g. under /tmp).',
    });
  }
  return storageError('storage.failed', `${subject}: could not ${verb} ${uri} (${code ?? String(error)}).`, {
    subject: uri,
    fix: 'Check the path and the file system.',
    cause: error,
  });
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (!isDataFileName(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(full)));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}

export class LocalStorage implements Storage {
  async list(location: Location, subject: string): Promise<StoredObject[]> {
    const p = (location as Extract<Location, { scheme: 'file' }>).path;
    try {
      const info = await stat(p);
      if (!info.isDirectory()) return [{ uri: location.uri, name: p, size: info.size }];
      const files = (await walk(p)).sort();
      if (files.length === 0) {
        throw storageError('storage.not_found', `${subject}: no data files in directory ${location.uri}.`, {
          subject: location.uri,
          fix: 'Check the directory; files whose names start with "_" or "." are skipped.',
        });
      }
      return Promise.all(files.map(async (f) => ({ uri: f, name: f, size: (await stat(f)).size })));
    } catch (error) {
      if ((error as { name?: string }).name === 'MoaError') throw error;
      throw localFailure(error, location.uri, subject, 'read');
    }
  }

  async listLevel(location: Location, subject: string): Promise<Listing | null> {
    const p = (location as Extract<Location, { scheme: 'file' }>).path;
    try {
      if (!(await stat(p)).isDirectory()) return null;
      const entries = (await readdir(p, { withFileTypes: true })).filter((e) => isDataFileName(e.name));
      const files = entries.filter((e) => e.isFile()).map((e) => path.join(p, e.name)).sort();
      return {
        dirs: entries.filter((e) => e.isDirectory()).map((e) => e.name).sort(),
        objects: await Promise.all(files.map(async (f) => ({ uri: f, name: f, size: (await stat(f)).size }))),
      };
    } catch (error) {
      throw localFailure(error, location.uri, subject, 'read');
    }
  }

  async read(object: StoredObject, _location: Location, subject: string): Promise<Uint8Array> {
    try {
      return await readFile(object.name);
    } catch (error) {
      throw localFailure(error, object.uri, subject, 'read');
    }
  }

  async blob(object: StoredObject, _location: Location, subject: string): Promise<Blob> {
    try {
      return await openAsBlob(object.name);
    } catch (error) {
      throw localFailure(error, object.uri, subject, 'read');
    }
  }

  async *stream(object: StoredObject, _location: Location, subject: string): AsyncGenerator<Uint8Array> {
    const file = createReadStream(object.name, { highWaterMark: 1 << 20 });
    try {
      for await (const chunk of file as AsyncIterable<Buffer>) yield chunk;
    } catch (error) {
      throw localFailure(error, object.uri, subject, 'read');
    } finally {
      file.destroy();
    }
  }

  /**
   * Write to a temporary sibling and rename, so a reader never sees a half-written file. Create-only writes link
   * the temporary file instead of renaming it: link(2) fails when the target exists, rename(2) would replace it.
   */
  async write(location: Location, body: Uint8Array | string, _contentType: string, options: WriteOptions = {}): Promise<void> {
    const p = (location as Extract<Location, { scheme: 'file' }>).path;
    const tmp = `${p}.tmp-${process.pid}`;
    try {
      await mkdir(path.dirname(p), { recursive: true });
      await writeFile(tmp, body);
      if (!options.ifAbsent) return await rename(tmp, p);
      try {
        await link(tmp, p);
      } finally {
        await unlink(tmp);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw conflict(location.uri);
      throw localFailure(error, location.uri, 'output', 'write');
    }
  }

  async remove(location: Location): Promise<void> {
    const p = (location as Extract<Location, { scheme: 'file' }>).path;
    try {
      await rm(p, { force: true });
    } catch (error) {
      throw localFailure(error, location.uri, 'output', 'delete');
    }
  }
}
