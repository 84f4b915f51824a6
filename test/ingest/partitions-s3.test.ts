import { beforeAll, expect, it } from '@jest/globals';
import { toParquet } from '../../src/emit/parquet.js';
import { toDataset } from '../../src/ingest/dataset.js';
import { joinLabels } from '../../src/ingest/labels.js';
import { loadTable } from '../../src/ingest/load.js';
import { parseWindow } from '../../src/ingest/partitions.js';
import { silentLogger } from '../../src/log.js';
import type { Storage } from '../../src/storage/index.js';
import { S3Storage } from '../../src/storage/s3.js';
import { logLines, runCli } from '../support/cli.js';
import { createTestBucket, describeS3, putObject, s3Client, s3Env } from '../support/s3.js';
import { DAYS, dayString, GHOST_LABELS, labelledOn, rowsOn, servingLog, without } from '../contract/serving-log.js';

/** Storage that counts what it is asked to do: GETs (reads) and LIST calls. */
function counting(inner: Storage) {
  const counts = { reads: [] as string[], listings: 0 };
  const storage: Storage = {
    list: (l, s) => ((counts.listings += 1), inner.list(l, s)),
    listLevel: (l, s) => ((counts.listings += 1), inner.listLevel!(l, s)),
    read: (o, l, s) => (counts.reads.push(o.uri), inner.read(o, l, s)),
    write: (l, b, c) => inner.write(l, b, c),
    remove: (l) => inner.remove(l),
  };
  return { storage, counts };
}

describeS3('partitioned operational logs and late labels in Ceph RGW', () => {
  let bucket: string;
  const uri = (key: string) => `s3://${bucket}/${key}`;
  const log = servingLog(3);

  beforeAll(async () => {
    bucket = await createTestBucket('moa-partitions');
    const puts: Promise<void>[] = [];
    for (const p of log.parts) {
      const key = `model=churn/date=${dayString(p.day)}/part-${p.part}.parquet`;
      puts.push(putObject(bucket, `logs/${key}`, toParquet(p.columns)));
      puts.push(putObject(bucket, `noproba/${key}`, toParquet(without(p.columns, (n) => n.startsWith('proba_') || n === 'request_id'))));
      puts.push(putObject(bucket, `nopred/${key}`, toParquet(without(p.columns, (n) => n === 'prediction'))));
    }
    puts.push(putObject(bucket, 'logs/model=churn/_SUCCESS', new Uint8Array()));
    for (const l of log.labels) puts.push(putObject(bucket, `labels/date=${l.date}/part-0.parquet`, toParquet(l.columns)));
    await Promise.all(puts);
  });

  // [2026-01-04, 2026-01-07): days 3, 4 and 5 of the ten
  const window = { since: dayString(3), until: dayString(6) };
  const inWindow = [3, 4, 5];

  it('reads only the partitions inside the window (counted at the storage layer) and adds the partition columns', async () => {
    const { storage, counts } = counting(new S3Storage(s3Client()));
    const { table, notes } = await loadTable(storage, uri('logs/'), { role: 'operational', format: undefined, types: {}, log: silentLogger, window: parseWindow(window), timestamp: 'request_ts' });
    const expectedReads = inWindow.flatMap((d) => [0, 1].map((p) => uri(`logs/model=churn/date=${dayString(d)}/part-${p}.parquet`)));
    expect(counts.reads).toEqual(expectedReads);
    // logs/, model=churn/, and the three kept days: the seven other date partitions are never listed
    expect(counts.listings).toBe(5);
    expect(notes.prunedPartitions).toHaveLength(DAYS - inWindow.length);
    expect(table.rows).toBe(inWindow.reduce((a, d) => a + rowsOn(d), 0));
    expect(notes.partitionColumns).toEqual(['model', 'date']);
    const model = table.columns.find((c) => c.name === 'model');
    expect(model?.type === 'categorical' && model.categories).toEqual(['churn']);
    expect(table.columns.find((c) => c.name === 'date')?.type).toBe('timestamp');

    const all = counting(new S3Storage(s3Client()));
    const whole = await loadTable(all.storage, uri('logs/'), { role: 'operational', format: undefined, types: {}, log: silentLogger });
    expect(all.counts.reads).toHaveLength(2 * DAYS);
    expect(whole.table.rows).toBe(Array.from({ length: DAYS }, (_, d) => rowsOn(d)).reduce((a, b) => a + b, 0));
  });

  it('joins the late labels: coverage by day as scheduled, latest label per id wins', async () => {
    const storage = new S3Storage(s3Client());
    const w = parseWindow(window);
    const op = await loadTable(storage, uri('logs/'), { role: 'operational', format: undefined, types: {}, log: silentLogger, window: w, timestamp: 'request_ts' });
    const feed = await loadTable(storage, uri('labels/'), { role: 'labels', format: undefined, types: {}, log: silentLogger });
    const { dataset, coverage } = joinLabels(toDataset('operational', uri('logs/'), op.table), feed.table, { id: 'request_id', label: 'label', labelTs: 'label_ts', timestamp: 'request_ts', uri: uri('labels/') });
    expect(coverage.byDay).toEqual(inWindow.map((d) => ({ day: dayString(d), rows: rowsOn(d), labelled: labelledOn(d), coverage: labelledOn(d) / rowsOn(d) })));
    const labelled = inWindow.reduce((a, d) => a + labelledOn(d), 0);
    expect(coverage.labelled).toBe(labelled);
    expect(coverage.unmatchedIds).toBe(log.truth.size - labelled + GHOST_LABELS);
    // every joined label is the true one, never the stale duplicate written after it
    const ids = dataset.columns.get('request_id')!;
    const labels = dataset.columns.get('label')!;
    if (ids.type !== 'categorical' || labels.type !== 'categorical') throw new Error('expected categorical id and label');
    let checked = 0;
    for (let i = 0; i < dataset.rows; i++) {
      const id = ids.categories[ids.codes[i]!]!;
      const want = log.truth.get(id);
      expect(labels.codes[i]! < 0 ? undefined : labels.categories[labels.codes[i]!]).toBe(want);
      if (want) checked++;
    }
    expect(checked).toBe(labelled);
  });

  it('moa contract with --since/--until issues one GET per needed object and prints the coverage by day', async () => {
    const run = await runCli(['contract', uri('logs/'), '--labels', uri('labels/'), '--since', window.since, '--until', window.until], { ...s3Env(), MOA_LOG_LEVEL: 'debug' });
    expect(run.code).toBe(0);
    const reads = logLines(run.stderr).filter((l) => l.msg === 'read object');
    expect(reads.filter((l) => l.role === 'operational').map((l) => l.uri)).toEqual(
      inWindow.flatMap((d) => [0, 1].map((p) => uri(`logs/model=churn/date=${dayString(d)}/part-${p}.parquet`))),
    );
    // labels for requests on or after --since arrive on or after it: older label partitions are skipped
    const labelDays = log.labels.map((l) => l.date).filter((d) => d >= window.since);
    expect(reads.filter((l) => l.role === 'labels').map((l) => l.uri)).toEqual(labelDays.map((d) => uri(`labels/date=${d}/part-0.parquet`)));
    expect(run.stdout).toContain('minimum (features, prediction): met');
    for (const d of inWindow) expect(run.stdout).toMatch(new RegExp(`${dayString(d)}\\s+${labelledOn(d)}/${rowsOn(d)}\\s+${((labelledOn(d) / rowsOn(d)) * 100).toFixed(1)}%`));
    expect(run.stdout).toContain('nothing to add');
  });

  it('names what is missing when the log drops columns: probabilities and id (exit 0), prediction (exit 3)', async () => {
    const noProba = await runCli(['contract', uri('noproba/'), '--labels', uri('labels/'), '--since', window.since, '--until', window.until], s3Env());
    expect(noProba.code).toBe(0);
    const unlock = noProba.stdout.slice(noProba.stdout.indexOf('to unlock the rest, log:'));
    expect(unlock).toMatch(/proba_<class> .*output drift on probabilities \(BBSD\).*estimated performance without labels \(CBPE\).*calibration/);
    expect(unlock).toMatch(/request_id .*late labels/);
    expect(noProba.stdout).toMatch(/\[ \] output drift on probabilities \(BBSD\)\s+needs proba/);
    expect(noProba.stdout).toMatch(/\[ \] measured performance .*needs label \+ id/);

    const json = await runCli(['contract', uri('nopred/'), '--since', window.since, '--until', window.until, '--json'], s3Env());
    expect(json.code).toBe(3);
    const [report] = JSON.parse(json.stdout);
    expect(report.minimumMet).toBe(false);
    expect(report.columns.find((c: { key: string }) => c.key === 'prediction')).toMatchObject({ present: false, problem: 'no column "prediction"' });
    expect(report.add.map((a: { column: string }) => a.column)).toContain('prediction');
  });
});
