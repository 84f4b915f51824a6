/**
 * Logs stay pure JSON in a pod: a run against S3 (where the AWS SDK loads and, on Node < 22, would print its
 * plain-text Node-version notice) writes nothing to stderr but JSON lines.
 */
import { beforeAll, expect, it } from '@jest/globals';
import { colorColumns, colorDemoData } from '../../src/demo/run-demo.js';
import { toParquet } from '../../src/emit/parquet.js';
import { logLines, runCli } from '../support/cli.js';
import { createTestBucket, describeS3, putObject, s3Env } from '../support/s3.js';

const nonJson = (stderr: string) =>
  stderr.split('\n').filter((line) => {
    if (line.trim() === '') return false;
    try {
      return typeof JSON.parse(line) !== 'object';
    } catch {
      return true;
    }
  });

describeS3('JSON logs', () => {
  let bucket: string;

  beforeAll(async () => {
    bucket = await createTestBucket('moa-logs');
    const { model, reference, operational } = colorDemoData(5);
    await putObject(bucket, 'reference.parquet', toParquet(colorColumns(reference, model)));
    await putObject(bucket, 'operational.parquet', toParquet(colorColumns(operational, model)));
  });

  it('a run against S3 writes only JSON lines to stderr, whatever the Node version', async () => {
    const run = await runCli(
      ['run', '--reference', `s3://${bucket}/reference.parquet`, '--operational', `s3://${bucket}/operational.parquet`, '--out', `s3://${bucket}/out/`, '--label', 'color', '--prediction', 'predicted', '--id', 'id'],
      s3Env(),
    );
    expect(run.code).toBe(0);
    expect(run.stderr.split('\n').filter(Boolean).length).toBeGreaterThan(3);
    expect(nonJson(run.stderr)).toEqual([]);
  });

  it('a process warning (here the SDK notice, switched back on) becomes a JSON log line, not plain text', async () => {
    const run = await runCli(
      ['run', '--reference', `s3://${bucket}/reference.parquet`, '--operational', `s3://${bucket}/operational.parquet`, '--out', `s3://${bucket}/out2/`, '--label', 'color', '--prediction', 'predicted'],
      { ...s3Env(), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' },
    );
    expect(run.code).toBe(0);
    expect(nonJson(run.stderr)).toEqual([]);
    const warnings = logLines(run.stderr).filter((l) => l.code === 'node.warning');
    if (Number(process.versions.node.split('.')[0]) < 22) {
      expect(warnings.map((w) => w.level)).toEqual(['warn']);
      expect(String(warnings[0]!.msg)).toContain('NodeVersionSupportWarning');
    } else {
      console.warn(`Node ${process.version}: the AWS SDK has no Node-version notice to route; only the pure-JSON check ran`);
    }
  });
});

