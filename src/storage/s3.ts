import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { MoaError, storageError, usageError } from '../errors.js';
import { isDataFileName, type Location } from './location.js';
import { conflict, type ByteRanges, type Listing, type StoredObject, type Storage, type WriteOptions } from './storage.js';

type S3Location = Extract<Location, { scheme: 's3' }>;

/** How long to wait for the store, and how often to try again. Each one an env var (docs: README "S3 configuration"). */
export interface S3Options {
  /** TCP (and TLS) connect. */
  connectTimeoutMs: number;
  /** From sending a request to the response headers. */
  firstByteTimeoutMs: number;
  /** Longest gap between two chunks of a body (a stalled body is cut and resumed). */
  idleTimeoutMs: number;
  /** Tries per request (the SDK's retries of 5xx / SlowDown / resets) and per body read (resumed with Range). */
  maxAttempts: number;
}

export const S3_OPTION_ENV: Record<keyof S3Options, string> = {
  connectTimeoutMs: 'MOA_S3_CONNECT_TIMEOUT_MS',
  firstByteTimeoutMs: 'MOA_S3_FIRST_BYTE_TIMEOUT_MS',
  idleTimeoutMs: 'MOA_S3_IDLE_TIMEOUT_MS',
  maxAttempts: 'MOA_S3_MAX_ATTEMPTS',
};

export const S3_DEFAULTS: S3Options = { connectTimeoutMs: 10_000, firstByteTimeoutMs: 60_000, idleTimeoutMs: 30_000, maxAttempts: 5 };

export function s3OptionsFromEnv(env: NodeJS.ProcessEnv): S3Options {
  const options = { ...S3_DEFAULTS };
  for (const [key, name] of Object.entries(S3_OPTION_ENV) as [keyof S3Options, string][]) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) {
      throw usageError('usage.env', `${name}="${text}" is not a positive whole number.`, { subject: name, fix: `Unset it (default ${S3_DEFAULTS[key]}) or give a whole number${key === 'maxAttempts' ? '' : ' of milliseconds'}.` });
    }
    options[key] = value;
  }
  return options;
}

/**
 * An S3 client configured the way AWS users expect: the SDK's default credential chain (env, profiles, web
 * identity / IRSA, container and instance metadata), AWS_REGION, and AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL for
 * MinIO, SeaweedFS or Ceph — with path-style addressing and checksums only when required, which those servers need.
 */
export function createS3Client(env: NodeJS.ProcessEnv = process.env, options: S3Options = s3OptionsFromEnv(env)): S3Client {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  return new S3Client({
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    // The SDK's standard retry mode: exponential backoff with full jitter on 5xx, SlowDown, resets and timeouts.
    maxAttempts: options.maxAttempts,
    // The SDK builds its Node HTTP handler from these (no direct dependency on @smithy/node-http-handler).
    requestHandler: {
      connectionTimeout: options.connectTimeoutMs,
      // requestTimeout runs until the response headers arrive: the first-byte timeout.
      requestTimeout: options.firstByteTimeoutMs,
      throwOnRequestTimeout: true,
      socketTimeout: options.idleTimeoutMs,
    },
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

/** `s3://bucket/key` as the two names a store's console and access policies use. */
function bucketAndKey(uri: string): { bucket: string; key: string } {
  const rest = uri.slice('s3://'.length);
  const slash = rest.indexOf('/');
  return slash < 0 ? { bucket: rest, key: '' } : { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

function where(uri: string): string {
  const { bucket, key } = bucketAndKey(uri);
  return `${uri} (bucket "${bucket}", key "${key}")`;
}

/** What the store said, as words: the error code it sent, else the HTTP status and its meaning. */
function storeAnswer(name: string, status: number | undefined): string {
  // The SDK names an error "Unknown" or after the status when the store sent no XML body (HEAD, some proxies).
  const sent = name && name !== 'Unknown' && name !== 'UnknownError' && name !== String(status) ? name : '';
  const meaning: Record<number, string> = { 500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout', 400: 'Bad Request', 409: 'Conflict', 412: 'Precondition Failed', 429: 'Too Many Requests' };
  const http = status ? `HTTP ${status}${meaning[status] ? ` ${meaning[status]}` : ''}` : '';
  return [http, sent].filter(Boolean).join(', ') || 'no answer';
}

/** Map an SDK failure to a storage error that names the bucket, key, status and the fix, and never carries credentials. */
export function s3Failure(error: unknown, uri: string, subject: string, verb: 'read' | 'list' | 'write' | 'delete', attempts?: number): MoaError {
  if (error instanceof MoaError) return error;
  const e = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number; attempts?: number } };
  const name = e.name ?? e.code ?? '';
  const status = e.$metadata?.httpStatusCode;
  const tries = attempts ?? e.$metadata?.attempts;
  const afterTries = tries && tries > 1 ? ` after ${tries} attempts` : '';
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
    return storageError('storage.access_denied', `${subject}: access to ${where(uri)} was denied (${storeAnswer(name, status)}) while trying to ${verb} it.`, {
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
  if (name === 'TimeoutError' || e.code === 'ETIMEDOUT' || /timed out|exceeded the configured/i.test(e.message ?? '')) {
    return storageError('storage.timeout', `${subject}: the object store at ${endpoint} did not answer in time to ${verb} ${where(uri)}${afterTries}.`, {
      subject: uri,
      fix: `Check the store's health and the network; for a slow link raise ${S3_OPTION_ENV.connectTimeoutMs} / ${S3_OPTION_ENV.firstByteTimeoutMs} / ${S3_OPTION_ENV.idleTimeoutMs}.`,
    });
  }
  const network = ['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'EAI_AGAIN', 'EHOSTUNREACH', 'EPIPE'];
  if (network.includes(name) || network.includes(e.code ?? '') || network.some((n) => (e.message ?? '').includes(n))) {
    return storageError('storage.unreachable', `${subject}: the object store at ${endpoint} could not be reached to ${verb} ${where(uri)}${afterTries} (${e.code || name}).`, {
      subject: uri,
      fix: 'Check AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, DNS and network policy.',
    });
  }
  if (status !== undefined && (status >= 500 || status === 429 || name === 'SlowDown')) {
    return storageError('storage.unavailable', `${subject}: the object store at ${endpoint} answered ${storeAnswer(name, status)} to ${verb} ${where(uri)}${afterTries}.`, {
      subject: uri,
      fix: `The store is overloaded or failing: check its health, then rerun; ${S3_OPTION_ENV.maxAttempts} (default ${S3_DEFAULTS.maxAttempts}) sets how often a request is tried.`,
    });
  }
  const what = error instanceof S3ServiceException || status !== undefined ? storeAnswer(name, status) : [name, e.code, e.message].filter((x, i, all) => x && all.indexOf(x) === i).join(': ') || 'no error detail';
  return storageError('storage.failed', `${subject}: could not ${verb} ${where(uri)}: ${what}.`, {
    subject: uri,
    fix: 'Check the object store and the URI, then rerun; the answer above comes from the store or the network.',
    cause: error,
  });
}

/** Objects up to this size are fetched whole for a ranged reader (8 MiB: a few requests' worth of transfer time). */
export const WHOLE_READ_BYTES = 8 * 2 ** 20;

/** A body read that broke off; retried with a Range request from where it stopped. */
class BodyInterrupted extends Error {
  override name = 'BodyInterrupted';
}

/** Full jitter on an exponential backoff (AWS architecture blog): spreads retries of many readers apart. */
function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(10_000, 200 * 2 ** (attempt - 1)));
}

/**
 * A body's chunks, cut (the iteration rejects) when none arrives for `idleMs`. The clock runs only while waiting
 * for the store, not while the consumer holds a chunk.
 */
async function* guarded(body: Readable, idleMs: number): AsyncGenerator<Uint8Array> {
  const stall = () => body.destroy(new BodyInterrupted(`no data for ${idleMs} ms`));
  let timer = setTimeout(stall, idleMs);
  try {
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      clearTimeout(timer);
      yield chunk;
      timer = setTimeout(stall, idleMs);
    }
  } finally {
    clearTimeout(timer);
    body.destroy();
  }
}

/** The data files of a listing page (markers, checksums and hidden files left out). */
function dataObjects(loc: S3Location, contents: ListObjectsV2CommandOutput['Contents']): StoredObject[] {
  return (contents ?? [])
    .filter((o) => o.Key && isDataFileName(o.Key))
    .map((o) => ({ uri: `s3://${loc.bucket}/${o.Key}`, name: o.Key!, size: o.Size ?? 0, ...(o.ETag ? { etag: o.ETag } : {}) }));
}

export class S3Storage implements Storage {
  private conditionalWrites = true;

  constructor(
    private readonly client: S3Client,
    private readonly options: S3Options = S3_DEFAULTS,
    /** `blob` fetches objects up to this size in one GET, larger ones by range. */
    private readonly wholeReadBytes = WHOLE_READ_BYTES,
  ) {}

  static fromEnv(env: NodeJS.ProcessEnv): S3Storage {
    const options = s3OptionsFromEnv(env);
    return new S3Storage(createS3Client(env, options), options);
  }

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

  async read(object: StoredObject, location: Location, subject: string): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of this.stream(object, location, subject)) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  /** The object from its first byte, chunk by chunk, with the body retries of `range`. */
  async *stream(object: StoredObject, _location: Location, subject: string): AsyncGenerator<Uint8Array> {
    yield* this.range(object, subject, 0, undefined);
  }

  /**
   * The object as byte ranges fetched on demand, each one ranged GET with the body retries of `range` (for
   * Parquet: the footer, then one column chunk at a time). An object of at most `wholeReadBytes` is fetched in one
   * GET instead: a ranged read pays a request per column chunk, which only a large object is worth.
   */
  async blob(object: StoredObject, location: Location, subject: string): Promise<ByteRanges> {
    if (object.size <= this.wholeReadBytes) return new Blob([await this.read(object, location, subject)]);
    const size = object.size;
    return {
      size,
      slice: (start, end) => ({
        arrayBuffer: async () => {
          const from = Math.max(0, Math.min(start, size));
          const to = Math.max(from, Math.min(end, size));
          const bytes = new Uint8Array(to - from);
          if (to === from) return bytes.buffer;
          let at = 0;
          for await (const chunk of this.range(object, subject, from, to)) (bytes.set(chunk, at), (at += chunk.length));
          return bytes.buffer;
        },
      }),
    };
  }

  /**
   * GET bytes [start, end) of the object (to its end when `end` is undefined), chunk by chunk. A body that breaks
   * off (reset, truncated, stalled past the idle timeout) is resumed with a Range request from the last byte
   * received, with backoff and jitter, at most maxAttempts times; the resumed part must come from the same object
   * version (ETag) and add up to the length first announced.
   */
  private async *range(object: StoredObject, subject: string, start: number, end: number | undefined): AsyncGenerator<Uint8Array> {
    const { bucket, key } = bucketAndKey(object.uri);
    let received = 0;
    /** Bytes this read returns, and the whole object's size, as the store first announced them. */
    let total: number | undefined = end === undefined ? undefined : end - start;
    let size: number | undefined;
    let etag = object.etag;
    let lastBreak = '';
    const part = end === undefined ? '' : ` (bytes ${start}–${end - 1})`;
    for (let attempt = 1; ; attempt++) {
      const from = start + received;
      const range = from > 0 || end !== undefined ? `bytes=${from}-${end === undefined ? '' : end - 1}` : undefined;
      let response;
      try {
        response = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(range ? { Range: range } : {}) }));
      } catch (error) {
        throw s3Failure(error, object.uri, subject, 'read');
      }
      etag ??= response.ETag;
      if (response.ETag && etag && response.ETag !== etag) {
        (response.Body as Readable | undefined)?.destroy();
        throw storageError('storage.changed', `${subject}: ${where(object.uri)} changed while it was being read (ETag ${etag} became ${response.ETag}).`, {
          subject: object.uri,
          fix: 'Rerun once the upstream job has finished writing its outputs.',
        });
      }
      if (range) {
        const announced = /\/(\d+)$/.exec(response.ContentRange ?? '')?.[1];
        if (!response.ContentRange?.startsWith(`bytes ${from}-`) || announced === undefined || (size !== undefined && Number(announced) !== size)) {
          (response.Body as Readable | undefined)?.destroy();
          throw storageError('storage.changed', `${subject}: ${received > 0 ? 'resuming' : 'reading'} ${where(object.uri)} at byte ${from} of ${size ?? object.size} got "${response.ContentRange ?? 'no Content-Range'}".`, {
            subject: object.uri,
            fix: 'The store did not honour the Range request or the object changed; rerun, or read from a store that supports ranged GETs.',
          });
        }
        size ??= Number(announced);
        total ??= size - start;
      } else {
        size = total = response.ContentLength ?? 0;
      }
      if (!response.Body) {
        if (total === 0) return;
        lastBreak = 'no body';
      } else {
        try {
          for await (const chunk of guarded(response.Body as Readable, this.options.idleTimeoutMs)) {
            if (received + chunk.length > total) {
              throw storageError('storage.changed', `${subject}: ${where(object.uri)} sent ${received + chunk.length} bytes${part}, more than the ${total} it announced.`, { subject: object.uri, fix: 'Check the object store or proxy in front of it; rerun.' });
            }
            // Counted before it is handed on: a break after this chunk resumes after it.
            received += chunk.length;
            yield chunk;
          }
          if (received === total) return;
          lastBreak = `the body ended after ${received} of ${total} bytes`;
        } catch (error) {
          if (error instanceof MoaError) throw error;
          // The client's socket idle timeout is the same limit, and may fire first.
          const idle = error instanceof BodyInterrupted || (error as Error).name === 'TimeoutError';
          lastBreak = idle ? `no data for ${this.options.idleTimeoutMs} ms (${S3_OPTION_ENV.idleTimeoutMs})` : `${(error as NodeJS.ErrnoException).code ?? (error as Error).name}: ${(error as Error).message}`;
        }
      }
      if (attempt >= this.options.maxAttempts) {
        throw storageError('storage.read_interrupted', `${subject}: reading ${where(object.uri)}${part} broke off ${attempt} times; last: ${lastBreak} (${received} of ${total} bytes received).`, {
          subject: object.uri,
          fix: `The connection to the store keeps failing mid-object: check the store and the network; for a slow link raise ${S3_OPTION_ENV.idleTimeoutMs} (now ${this.options.idleTimeoutMs}) or ${S3_OPTION_ENV.maxAttempts} (now ${this.options.maxAttempts}).`,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
    }
  }

  async write(location: Location, body: Uint8Array | string, contentType: string, options: WriteOptions = {}): Promise<void> {
    const loc = location as S3Location;
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    if (options.ifAbsent && this.conditionalWrites) {
      try {
        await this.client.send(new PutObjectCommand({ Bucket: loc.bucket, Key: loc.key, Body: bytes, ContentType: contentType, IfNoneMatch: '*' }));
        return;
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 412 || (error as Error).name === 'PreconditionFailed') throw conflict(loc.uri);
        // 501: the store has no conditional writes; write plainly from now on.
        if (status !== 501 && (error as Error).name !== 'NotImplemented') throw s3Failure(error, loc.uri, 'output', 'write');
        this.conditionalWrites = false;
      }
    }
    try {
      // lib-storage switches to multipart for large bodies (5 MiB parts) and does a single PUT otherwise.
      await new Upload({ client: this.client, params: { Bucket: loc.bucket, Key: loc.key, Body: bytes, ContentType: contentType } }).done();
    } catch (error) {
      throw s3Failure(error, loc.uri, 'output', 'write');
    }
  }

  async remove(location: Location): Promise<void> {
    const loc = location as S3Location;
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: loc.bucket, Key: loc.key }));
    } catch (error) {
      const failure = s3Failure(error, loc.uri, 'output', 'delete');
      if (failure.code !== 'storage.not_found') throw failure;
    }
  }
}
