import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { usageError } from '../errors.js';

/** Where data lives: an S3 object or prefix, or a local file or directory. */
export type Location =
  | { scheme: 's3'; bucket: string; key: string; isPrefix: boolean; uri: string }
  | { scheme: 'file'; path: string; uri: string };

export function parseLocation(uri: string, subject = 'URI'): Location {
  if (uri.startsWith('s3://')) {
    const rest = uri.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    const key = slash < 0 ? '' : rest.slice(slash + 1);
    if (!bucket) {
      throw usageError('uri.invalid', `${subject} "${uri}" has no bucket name.`, {
        subject: uri,
        fix: 'Write it as s3://bucket/key or s3://bucket/prefix/.',
      });
    }
    return { scheme: 's3', bucket, key, isPrefix: key === '' || key.endsWith('/'), uri };
  }
  if (uri.startsWith('file://')) return { scheme: 'file', path: fileURLToPath(uri), uri };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1];
  if (scheme) {
    throw usageError('uri.unsupported_scheme', `${subject} "${uri}" uses the unsupported scheme "${scheme}://".`, {
      subject: uri,
      fix: 'Use s3://bucket/key (any S3-compatible store, set AWS_ENDPOINT_URL_S3), file:///path or a plain path.',
    });
  }
  return { scheme: 'file', path: path.resolve(uri), uri };
}

/** A child location under a prefix or directory (for outputs). */
export function joinLocation(base: Location, name: string): Location {
  if (base.scheme === 's3') {
    const prefix = base.key === '' || base.key.endsWith('/') ? base.key : base.key + '/';
    const key = prefix + name;
    return { scheme: 's3', bucket: base.bucket, key, isPrefix: false, uri: `s3://${base.bucket}/${key}` };
  }
  const p = path.join(base.path, name);
  return { scheme: 'file', path: p, uri: base.uri.startsWith('file://') ? `file://${p}` : p };
}

/** Files that are part of a dataset directory but hold no data (Spark/Hadoop markers, checksums, hidden files). */
export function isDataFileName(name: string): boolean {
  const base = name.slice(name.lastIndexOf('/') + 1);
  return base !== '' && !base.startsWith('_') && !base.startsWith('.') && !base.endsWith('.crc');
}
