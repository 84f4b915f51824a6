import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client, S3ServiceException, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { MoaError, storageError } from '../errors.js';
import { isDataFileName, type Location } from './location.js';
import type { Listing, StoredObject, Storage } from './storage.js';

type S3Location = Extract<Location, { scheme: 's3' }>;

/**
 * An S3 client configured the way AWS users expect: the SDK's default credential chain (env, profiles, web
 * identity / IRSA, container and instance metadata), AWS_REGION, and AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL for
 * MinIO, SeaweedFS or Ceph — with path-style addressing and checksums only when required, which those servers need.
 */
export function createS3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  return new S3Client({
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    ...(endpoint
      ? {
          endpoint,
          forcePathStyle: true,
          requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }
      : {}),
  });
}

/** Map an SDK failure to a storage error that names the URI and the fix, and never carries credentials. */
export function s3Failure(error: unknown, uri: string, subject: string, verb: 'read' | 'list' | 'write'): MoaError {
  if (error instanceof MoaError) return error;
  const e = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e.name ?? e.code ?? '';
  const status = e.$metadata?.httpStatusCode;
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL || 'AWS S3';
  if (name === 'NoSuchKey' || name === 'NotFound' || (status === 404 && name !== 'NoSuchBucket')) {
    return storageError('storage.not_found', `${subject}: object ${uri} does not exist.`, {
      subject: uri,
      fix: 'Check the bucket and key; for every file under a prefix, end the URI with "/".',
    });
  }
  if (name === 'NoSuchBucket') {
    return storageError('storage.not_found', `${subject}: the bucket of ${uri} does not exist.`, {
      subject: uri,
      fix: 'Check the bucket name and the endpoint (AWS_ENDPOINT_URL_S3).',
    });
  }
  if (
    status === 403 ||
    ['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken'].includes(name)
  ) {
    return storageError('storage.access_denied', `${subject}: access to ${uri} was denied (${name || status}) while trying to ${verb} it.`, {
      subject: uri,
      fix: `Check the credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profile or IRSA role) and that they may ${verb} this bucket.`,
    });
  }
  if (name === 'CredentialsProviderError' || /credential/i.test(e.message ?? '')) {
    return storageError('storage.no_credentials', `${subject}: no S3 credentials were found to ${verb} ${uri}.`, {
      subject: uri,
      fix: 'Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or a web-identity role (IRSA).',
    });
  }
  const network = ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'TimeoutError', 'EHOSTUNREACH'];
  if (network.includes(name) || network.some((n) => (e.message ?? '').includes(n))) {
    return storageError('storage.unreachable', `${subject}: the object store at ${endpoint} could not be reached to ${verb} ${uri} (${name}).`, {
      subject: uri,
      fix: 'Check AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, DNS and network policy.',
    });
  }
  const what = error instanceof S3ServiceException ? `${name} (HTTP ${status ?? '?'})` : name || 'unknown error';
  return storageError('storage.failed', `${subject}: could not ${verb} ${uri}: ${what}.`, {
    subject: uri,
    fix: 'Check the object store and retry; the error name above comes from the store.',
    cause: error,
  });
}

/** The data files of a listing page (markers, checksums and hidden files left out). */
function dataObjects(loc: S3Location, contents: ListObjectsV2CommandOutput['Contents']): StoredObject[] {
  return (contents ?? [])
    .filter((o) => o.Key && isDataFileName(o.Key))
    .map((o) => ({ uri: `s3://${loc.bucket}/${o.Key}`, name: o.Key!, size: o.Size ?? 0, ...(o.ETag ? { etag: o.ETag } : {}) }));
}

export class S3Storage implements Storage {
  constructor(private readonly client: S3Client) {}

  async list(location: Location, subject: string): Promise<StoredObject[]> {
    const loc = location as S3Location;
    if (!loc.isPrefix) {
      try {
        const head = await this.client.send(new HeadObjectCommand({ Bucket: loc.bucket, Key: loc.key }));
        return [{ uri: loc.uri, name: loc.key, size: head.ContentLength ?? 0, ...(head.ETag ? { etag: head.ETag } : {}) }];
      } catch (error) {
        const failure = s3Failure(error, loc.uri, subject, 'read');
        if (failure.code === 'storage.not_found' && (await this.hasKeysUnder(loc).catch(() => false))) {
          throw storageError('storage.not_found', `${subject}: ${loc.uri} is not an object but a prefix.`, {
            subject: loc.uri,
            fix: `To read every data file under it, end the URI with "/": ${loc.uri}/`,
          });
        }
        throw failure;
      }
    }
    const objects: StoredObject[] = [];
    try {
      for await (const page of this.pages(loc)) objects.push(...dataObjects(loc, page.Contents));
    } catch (error) {
      throw s3Failure(error, loc.uri, subject, 'list');
    }
    if (objects.length === 0) {
      throw storageError('storage.not_found', `${subject}: no data files under ${loc.uri}.`, {
        subject: loc.uri,
        fix: 'Check the prefix; files whose names start with "_" or "." are not data and are skipped.',
      });
    }
    return objects.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Every page of a listing under the location's prefix, following continuation tokens. */
  private async *pages(loc: S3Location, delimiter?: string): AsyncGenerator<ListObjectsV2CommandOutput> {
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: loc.bucket, Prefix: loc.key, Delimiter: delimiter, ContinuationToken: token }));
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async listLevel(location: Location, subject: string): Promise<Listing | null> {
    const loc = location as S3Location;
    if (!loc.isPrefix) return null;
    const dirs: string[] = [];
    const objects: StoredObject[] = [];
    try {
      for await (const page of this.pages(loc, '/')) {
        for (const p of page.CommonPrefixes ?? []) if (p.Prefix) dirs.push(p.Prefix.slice(loc.key.length, -1));
        objects.push(...dataObjects(loc, page.Contents));
      }
    } catch (error) {
      throw s3Failure(error, loc.uri, subject, 'list');
    }
    return { dirs: dirs.filter((d) => isDataFileName(d)).sort(), objects: objects.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
  }

  private async hasKeysUnder(loc: S3Location): Promise<boolean> {
    const page = await this.client.send(new ListObjectsV2Command({ Bucket: loc.bucket, Prefix: loc.key + '/', MaxKeys: 1 }));
    return (page.KeyCount ?? 0) > 0;
  }

  async read(object: StoredObject, _location: Location, subject: string): Promise<Uint8Array> {
    const rest = object.uri.slice('s3://'.length);
    const bucket = rest.slice(0, rest.indexOf('/'));
    const key = rest.slice(rest.indexOf('/') + 1);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!response.Body) return new Uint8Array();
      // The body streams; collect it because Parquet needs random access to its footer.
      const chunks: Uint8Array[] = [];
      for await (const chunk of response.Body as AsyncIterable<Uint8Array>) chunks.push(chunk);
      return Buffer.concat(chunks);
    } catch (error) {
      throw s3Failure(error, object.uri, subject, 'read');
    }
  }

  async write(location: Location, body: Uint8Array | string, contentType: string): Promise<void> {
    const loc = location as S3Location;
    try {
      // lib-storage switches to multipart for large bodies (5 MiB parts) and does a single PUT otherwise.
      await new Upload({
        client: this.client,
        params: { Bucket: loc.bucket, Key: loc.key, Body: typeof body === 'string' ? Buffer.from(body) : body, ContentType: contentType },
      }).done();
    } catch (error) {
      throw s3Failure(error, loc.uri, 'output', 'write');
    }
  }
}
