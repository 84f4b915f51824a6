/**
 * Real S3 for tests. test/global-setup.ts finds or starts a server (Ceph RGW) once per jest run and hands the
 * connection to workers through the MOA_TEST_S3_* env vars below; this module turns them into what tests use.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe } from '@jest/globals';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { DEFAULT_S3_CREDENTIALS, DEFAULT_S3_REGION, S3_TEST_ENV, isCI } from '../global-setup.js';

export interface S3TestConfig {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** The server tests should use, or undefined when S3 tests are skipped in this run. */
export function s3Config(): S3TestConfig | undefined {
  const endpoint = process.env[S3_TEST_ENV.endpoint];
  if (!endpoint) return undefined;
  return {
    endpoint,
    accessKeyId: process.env[S3_TEST_ENV.accessKeyId] || DEFAULT_S3_CREDENTIALS.accessKeyId,
    secretAccessKey: process.env[S3_TEST_ENV.secretAccessKey] || DEFAULT_S3_CREDENTIALS.secretAccessKey,
    region: process.env[S3_TEST_ENV.region] || DEFAULT_S3_REGION,
  };
}

function requireS3(): S3TestConfig {
  const config = s3Config();
  if (config) return config;
  throw new Error(`no S3 server for tests: ${skipReason()}`);
}

function skipReason(): string {
  return (
    process.env[S3_TEST_ENV.skipReason] ??
    `${S3_TEST_ENV.endpoint} is not set and test/global-setup.ts did not run (use the project's jest.config.js)`
  );
}

/**
 * Env for a child `moa` process talking to the test server: exactly what a pod would get (endpoint, static
 * keys, region). Checksum mode is deliberately NOT set here, so e2e tests prove that the CLI itself selects
 * WHEN_REQUIRED for a custom endpoint (RGW rejects the SDK's default aws-chunked uploads). Spread it over
 * process.env; pass `overrides` to break something on purpose, e.g. `{ AWS_SECRET_ACCESS_KEY: 'wrong' }`.
 */
export function s3Env(overrides: Record<string, string> = {}): Record<string, string> {
  const c = requireS3();
  return {
    AWS_ENDPOINT_URL_S3: c.endpoint,
    AWS_ACCESS_KEY_ID: c.accessKeyId,
    AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
    AWS_REGION: c.region,
    // a developer's own AWS session or profile must not leak into the child and change which credentials win
    AWS_SESSION_TOKEN: '',
    AWS_PROFILE: '',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...overrides,
  };
}

const openClients = new Set<S3Client>();

/**
 * An S3Client for the test server, configured as for any non-AWS endpoint: path-style addressing and checksums
 * only when required. Clients made inside describeS3 are destroyed after the block (no open sockets left).
 */
export function s3Client(overrides: Partial<Pick<S3TestConfig, 'endpoint' | 'accessKeyId' | 'secretAccessKey'>> & { maxAttempts?: number } = {}): S3Client {
  const c = requireS3();
  const client = new S3Client({
    endpoint: overrides.endpoint ?? c.endpoint,
    region: c.region,
    credentials: {
      accessKeyId: overrides.accessKeyId ?? c.accessKeyId,
      secretAccessKey: overrides.secretAccessKey ?? c.secretAccessKey,
    },
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: overrides.maxAttempts ?? 2,
  });
  openClients.add(client);
  return client;
}

let shared: S3Client | undefined;
const defaultClient = (): S3Client => (shared ??= s3Client());

/** A new, empty bucket with a unique name (S3 rules: 3–63 chars of a-z, 0-9 and '-'). */
export async function createTestBucket(prefix = 'moa-test', client: S3Client = defaultClient()): Promise<string> {
  const bucket = `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`.toLowerCase();
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

export async function putObject(
  bucket: string,
  key: string,
  body: string | Uint8Array,
  client: S3Client = defaultClient(),
): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

export async function getObjectBytes(bucket: string, key: string, client: S3Client = defaultClient()): Promise<Uint8Array> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!out.Body) throw new Error(`s3://${bucket}/${key} has no body`);
  return out.Body.transformToByteArray();
}

export async function getObjectText(bucket: string, key: string, client: S3Client = defaultClient()): Promise<string> {
  return new TextDecoder().decode(await getObjectBytes(bucket, key, client));
}

/** Every key under `prefix`, in key order, following continuation tokens (`pageSize` keys per request). */
export async function listKeys(
  bucket: string,
  prefix = '',
  { pageSize = 1000, client = defaultClient() }: { pageSize?: number; client?: S3Client } = {},
): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: pageSize, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/** Empty and delete a bucket (cleanup; the whole cluster is thrown away after the run anyway). */
export async function deleteTestBucket(bucket: string, client: S3Client = defaultClient()): Promise<void> {
  for (;;) {
    const keys = await listKeys(bucket, '', { client });
    if (keys.length === 0) break;
    await client.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.slice(0, 1000).map((Key) => ({ Key })) } }),
    );
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

/**
 * `describe` for tests that need S3: runs the block when a server is available; otherwise registers it as
 * skipped and prints why. Under CI=true it never skips (global-setup already failed the run without a server).
 */
export function describeS3(name: string, fn: () => void): void {
  if (s3Config() === undefined) {
    if (isCI()) throw new Error(`CI=true but no S3 server for "${name}": ${skipReason()}`);
    console.warn(`S3 tests skipped: "${name}": ${skipReason()}`);
    describe.skip(name, fn);
    return;
  }
  describe(name, () => {
    afterAll(() => {
      for (const client of openClients) client.destroy();
      openClients.clear();
      shared = undefined;
    });
    fn();
  });
}
