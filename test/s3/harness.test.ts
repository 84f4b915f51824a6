// Proves the S3 test harness against the real server (Ceph RGW): what the e2e tests rely on, and the error
// shapes the CLI maps to exit code 4, as RGW actually sends them.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import {
  createTestBucket,
  deleteTestBucket,
  describeS3,
  getObjectBytes,
  getObjectText,
  listKeys,
  putObject,
  s3Client,
  s3Config,
  s3Env,
} from '../support/s3.js';

async function rejection(promise: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof S3ServiceException) return error;
    throw error;
  }
  throw new Error('expected the S3 call to fail, but it succeeded');
}

describeS3('S3 test harness (real server)', () => {
  let bucket: string;
  beforeAll(async () => {
    bucket = await createTestBucket();
  });
  afterAll(async () => {
    if (bucket) await deleteTestBucket(bucket);
  });

  it('creates a bucket with a unique, valid name', async () => {
    const other = await createTestBucket();
    expect(other).not.toBe(bucket);
    expect(other).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
    expect(await listKeys(other)).toEqual([]);
    await deleteTestBucket(other);
  });

  it('round-trips bytes and text exactly', async () => {
    const bytes = new Uint8Array(256 * 1024).map((_, i) => (i * 31 + 7) & 0xff);
    await putObject(bucket, 'round/trip.bin', bytes);
    expect(Buffer.from(await getObjectBytes(bucket, 'round/trip.bin')).equals(Buffer.from(bytes))).toBe(true);
    await putObject(bucket, 'round/trip.csv', 'a,b\n1,é\n');
    expect(await getObjectText(bucket, 'round/trip.csv')).toBe('a,b\n1,é\n');
  });

  it('lists a prefix in key order across pages', async () => {
    // 7 part files under the prefix, plus neighbours that must not be listed
    const parts = Array.from({ length: 7 }, (_, i) => `list/data/part-${String(i).padStart(5, '0')}.parquet`);
    await Promise.all([...parts].reverse().map((key) => putObject(bucket, key, key)));
    await putObject(bucket, 'list/data-other/x.csv', 'x');
    await putObject(bucket, 'list/datum.csv', 'x');

    const client = s3Client();
    const first = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'list/data/', MaxKeys: 3 }));
    expect(first.IsTruncated).toBe(true);
    expect(first.Contents?.map((o) => o.Key)).toEqual(parts.slice(0, 3));

    expect(await listKeys(bucket, 'list/data/', { pageSize: 3 })).toEqual(parts); // 3 pages: 3 + 3 + 1
    expect(await listKeys(bucket, 'list/data/', { pageSize: 7 })).toEqual(parts);
    expect(await listKeys(bucket, 'list/nothing-here/')).toEqual([]);
  });

  it('rejects a wrong secret with 403 SignatureDoesNotMatch', async () => {
    const wrong = s3Client({ secretAccessKey: 'not-the-secret' });
    const error = await rejection(wrong.send(new GetObjectCommand({ Bucket: bucket, Key: 'round/trip.csv' })));
    expect(error.name).toBe('SignatureDoesNotMatch');
    expect(error.$metadata.httpStatusCode).toBe(403);
    const put = await rejection(wrong.send(new PutObjectCommand({ Bucket: bucket, Key: 'nope', Body: 'x' })));
    expect(put.$metadata.httpStatusCode).toBe(403);
  });

  it('rejects an unknown access key with 403 InvalidAccessKeyId', async () => {
    const stranger = s3Client({ accessKeyId: 'nobody' });
    const error = await rejection(stranger.send(new GetObjectCommand({ Bucket: bucket, Key: 'round/trip.csv' })));
    expect(error.name).toBe('InvalidAccessKeyId');
    expect(error.$metadata.httpStatusCode).toBe(403);
  });

  it('reports a missing key as 404 NoSuchKey and a missing bucket as 404 NoSuchBucket', async () => {
    const client = s3Client();
    const key = await rejection(client.send(new GetObjectCommand({ Bucket: bucket, Key: 'no/such/key.parquet' })));
    expect(key.name).toBe('NoSuchKey');
    expect(key.$metadata.httpStatusCode).toBe(404);
    const missingBucket = `${bucket}-absent`;
    const nb = await rejection(client.send(new GetObjectCommand({ Bucket: missingBucket, Key: 'k' })));
    expect(nb.name).toBe('NoSuchBucket');
    expect(nb.$metadata.httpStatusCode).toBe(404);
  });

  it('gives a child process the env a pod would have, without checksum overrides', () => {
    const config = s3Config()!;
    const env = s3Env({ AWS_SECRET_ACCESS_KEY: 'wrong' });
    expect(env.AWS_ENDPOINT_URL_S3).toBe(config.endpoint);
    expect(env.AWS_ACCESS_KEY_ID).toBe(config.accessKeyId);
    expect(env.AWS_SECRET_ACCESS_KEY).toBe('wrong');
    expect(env.AWS_REGION).toBe(config.region);
    expect(env).not.toHaveProperty('AWS_REQUEST_CHECKSUM_CALCULATION');
  });
});
