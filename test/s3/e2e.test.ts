import { beforeAll, expect, it } from '@jest/globals';
import { colorColumns, colorDemoData } from '../../src/demo/run-demo.js';
import { toParquet, type ParquetColumn } from '../../src/emit/parquet.js';
import { logLines, runCli } from '../support/cli.js';
import { toCsv } from '../support/color-data.js';
import { createTestBucket, describeS3, getObjectText, listKeys, putObject, s3Env } from '../support/s3.js';

function slice(columns: Record<string, ParquetColumn>, from: number, to: number): Record<string, ParquetColumn> {
  return Object.fromEntries(
    Object.entries(columns).map(([name, c]) => [name, { ...c, values: Array.prototype.slice.call(c.values, from, to) } as ParquetColumn]),
  );
}

const roles = ['--label', 'color', '--prediction', 'predicted', '--proba', 'proba_', '--id', 'id', '--timestamp', 'ts'];

describeS3('moa run against S3 (Ceph RGW)', () => {
  let bucket: string;
  const uri = (key: string) => `s3://${bucket}/${key}`;

  beforeAll(async () => {
    bucket = await createTestBucket('moa-e2e');
    const { model, reference, validation, operational } = colorDemoData(11);
    const op = colorColumns(operational, model);
    await putObject(bucket, 'data/reference.parquet', toParquet(colorColumns(reference, model)));
    await putObject(bucket, 'data/validation.parquet', toParquet(colorColumns(validation, model)));
    // Spark-style output: part files plus markers that are not data.
    await putObject(bucket, 'data/operational/part-00000.parquet', toParquet(slice(op, 0, 1200)));
    await putObject(bucket, 'data/operational/part-00001.parquet', toParquet(slice(op, 1200, 2000)));
    await putObject(bucket, 'data/operational/_SUCCESS', new Uint8Array());
    await putObject(bucket, 'data/operational.csv', toCsv(op));
    await putObject(bucket, 'data/corrupt.parquet', Buffer.from('PAR1\x00\x01\x02 truncated upload'));
    await putObject(bucket, 'data/other-columns.csv', 'age,workclass,income\n39,State-gov,<=50K\n50,Self-emp,>50K\n');
  });

  const outKeys = async (prefix: string) => (await listKeys(bucket, prefix)).map((k) => k.slice(prefix.length)).sort();

  it('reads Parquet part files under a prefix and writes the four outputs to the bucket', async () => {
    const run = await runCli(
      ['run', '--reference', uri('data/reference.parquet'), '--operational', uri('data/operational/'), '--validation', uri('data/validation.parquet'), '--out', uri('runs/parquet/'), ...roles],
      s3Env(),
    );
    expect(run.stderr).not.toContain('"level":"error"');
    expect(run.code).toBe(0);
    expect(await outKeys('runs/parquet/')).toEqual([
      'report.html',
      'results.json',
      'retrain-config.json',
      'selection/label-queue.parquet',
      'selection/validation.parquet',
      'selection/weights.parquet',
      'summary.md',
    ]);
    const manifest = JSON.parse(await getObjectText(bucket, 'runs/parquet/retrain-config.json'));
    expect(manifest.decision.action).toBe('retrain');
    expect(manifest.metadata.resultsUri).toBe(uri('runs/parquet/results.json'));
    const operational = manifest.metadata.inputs.find((i: { role: string }) => i.role === 'operational');
    expect(operational.rows).toBe(2000);
    expect(operational.objects.map((o: { uri: string }) => o.uri)).toEqual([uri('data/operational/part-00000.parquet'), uri('data/operational/part-00001.parquet')]);
    for (const o of operational.objects) expect(o.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(await getObjectText(bucket, 'runs/parquet/report.html')).toContain('Content-Security-Policy');
    expect(manifest.data.weights.uri).toBe(uri('runs/parquet/selection/weights.parquet'));
  });

  it('reads CSV operational data from S3', async () => {
    const run = await runCli(['run', '--reference', uri('data/reference.parquet'), '--operational', uri('data/operational.csv'), '--out', uri('runs/csv'), ...roles], s3Env());
    expect(run.code).toBe(0);
    expect(await outKeys('runs/csv/')).toContain('retrain-config.json');
  });

  it('exits 4 for a missing object, naming it, with error.json and no manifest', async () => {
    const run = await runCli(['run', '--reference', uri('data/nope.parquet'), '--operational', uri('data/operational/'), '--out', uri('runs/missing/')], s3Env());
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(uri('data/nope.parquet'));
    expect(await outKeys('runs/missing/')).toEqual(['error.json']);
    expect(JSON.parse(await getObjectText(bucket, 'runs/missing/error.json')).error.code).toBe('storage.not_found');
  });

  it('suggests the trailing slash when a prefix is given without one', async () => {
    const run = await runCli(['run', '--reference', uri('data/reference.parquet'), '--operational', uri('data/operational'), '--out', uri('runs/noslash/')], s3Env());
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(`${uri('data/operational')}/`);
  });

  it('exits 4 for wrong credentials, without leaking them, and writes no manifest', async () => {
    const secret = 'definitely-wrong-secret-key-1234';
    const run = await runCli(['run', '--reference', uri('data/reference.parquet'), '--operational', uri('data/operational/'), '--out', uri('runs/creds/')], s3Env({ AWS_SECRET_ACCESS_KEY: secret }));
    expect(run.code).toBe(4);
    expect(logLines(run.stderr).find((l) => l.level === 'error')?.code).toBe('storage.access_denied');
    expect(run.stderr + run.stdout).not.toContain(secret);
    expect(await outKeys('runs/creds/')).toEqual([]);
  });

  it('exits 3 for a corrupt Parquet file and for a CSV whose columns do not match the reference', async () => {
    const corrupt = await runCli(['run', '--reference', uri('data/reference.parquet'), '--operational', uri('data/corrupt.parquet'), '--out', uri('runs/corrupt/')], s3Env());
    expect(corrupt.code).toBe(3);
    expect(corrupt.stderr).toContain(uri('data/corrupt.parquet'));
    expect(await outKeys('runs/corrupt/')).toEqual(['error.json']);

    const mismatch = await runCli(['run', '--reference', uri('data/reference.parquet'), '--operational', uri('data/other-columns.csv'), '--out', uri('runs/mismatch/'), ...roles], s3Env());
    expect(mismatch.code).toBe(3);
    expect(mismatch.stderr).toContain('shares no feature column');
    expect(await outKeys('runs/mismatch/')).toEqual(['error.json']);
  });

  it('exits 4 when the object store is unreachable', async () => {
    const run = await runCli(['run', '--reference', uri('data/reference.parquet'), '--operational', uri('data/operational/'), '--out', uri('runs/x/')], s3Env({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9' }));
    expect(run.code).toBe(4);
    expect(logLines(run.stderr).find((l) => l.level === 'error')?.code).toBe('storage.unreachable');
  });
});
