import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { parseAlertArg } from '../../src/cluster/alert.js';
import { MoaError } from '../../src/errors.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string) => path.join(FIXTURES, name);
const text = (name: string) => readFileSync(fixture(name), 'utf8');

async function usageErrorOf(promise: Promise<unknown>): Promise<MoaError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MoaError);
  const moa = error as MoaError;
  expect(moa.kind).toBe('usage');
  expect(moa.exitCode).toBe(2);
  expect(moa.message).toContain('--alert');
  expect(moa.fix).toBeTruthy();
  return moa;
}

describe('parseAlertArg', () => {
  it('firing: reads model and data URIs, keeps the time range, tolerates new top-level fields', async () => {
    const info = await parseAlertArg(text('alert-firing.json'));
    expect(info).toEqual({
      source: 'alertmanager',
      status: 'firing',
      receiver: 'moa-drift',
      groupKey: '{}/{model=~".+"}:{alertname="FeatureDriftHigh"}',
      version: '4',
      alertNames: ['FeatureDriftHigh'],
      alertCount: 1,
      firingCount: 1,
      truncatedAlerts: 0,
      fingerprints: ['5f3b2c1a9e8d7f60'],
      labels: { alertname: 'FeatureDriftHigh', model: 'churn-v3', severity: 'warning' },
      annotations: {
        summary: 'PSI above 0.25 for 2 features of churn-v3',
        moa_reference: 's3://ml-data/churn/train/2026-10/',
        moa_operational: 's3://ml-data/churn/serving/2026-11-28/',
        moa_out: 's3://ml-artifacts/moa/churn-v3/',
        moa_retrain_template: 'retrain-model',
      },
      // nanosecond input, millisecond ISO output; no endsAt while firing (Go zero time is ignored)
      startsAt: '2026-11-28T22:14:05.123Z',
      externalURL: 'http://alertmanager.monitoring:9093',
      model: 'churn-v3',
      data: { reference: 's3://ml-data/churn/train/2026-10/', operational: 's3://ml-data/churn/serving/2026-11-28/' },
      out: 's3://ml-artifacts/moa/churn-v3/',
      retrainTemplate: 'retrain-model',
      conflicts: [],
    });
  });

  it('resolved: status resolved, endsAt is the latest end (offset normalised to UTC)', async () => {
    const info = await parseAlertArg(`@${fixture('alert-resolved.json')}`);
    expect(info.status).toBe('resolved');
    expect(info.firingCount).toBe(0);
    expect(info.startsAt).toBe('2026-11-28T22:14:05.123Z');
    expect(info.endsAt).toBe('2026-11-29T00:40:00.000Z');
    expect(info.data).toEqual({});
    expect(info.model).toBe('churn-v3');
  });

  it('grouped: earliest start over all alerts, agreeing values taken, conflicting ones named', async () => {
    const info = await parseAlertArg(text('alert-grouped.json'));
    expect(info.alertCount).toBe(3);
    expect(info.firingCount).toBe(2);
    expect(info.truncatedAlerts).toBe(2);
    expect(info.alertNames).toEqual(['FeatureDriftHigh', 'PredictionShift']);
    expect(info.fingerprints).toEqual(['aaaa000000000001', 'aaaa000000000002', 'aaaa000000000003']);
    expect(info.startsAt).toBe('2026-11-28T19:00:00.000Z');
    expect(info.endsAt).toBeUndefined();
    expect(info.model).toBe('churn-v3');
    expect(info.data).toEqual({ operational: 's3://ml-data/churn/serving/2026-11-28/' });
    expect(info.conflicts).toEqual(['reference']);
  });

  it('malformed: a usage error naming --alert, each offending field and the fix', async () => {
    const error = await usageErrorOf(parseAlertArg(text('alert-malformed.json')));
    expect(error.code).toBe('alert.invalid');
    expect(error.message).toMatch(/groupKey/);
    expect(error.message).toMatch(/status/);
    expect(error.message).toMatch(/alerts\.0\.startsAt: expected an RFC 3339 timestamp/);
  });

  it('not JSON, empty, empty alert list, missing file: usage errors with stable codes', async () => {
    expect((await usageErrorOf(parseAlertArg('{"status": firing}'))).code).toBe('alert.invalid_json');
    expect((await usageErrorOf(parseAlertArg('  '))).code).toBe('alert.empty');
    const noAlerts = JSON.stringify({ ...JSON.parse(text('alert-firing.json')), alerts: [] });
    expect((await usageErrorOf(parseAlertArg(noAlerts))).code).toBe('alert.invalid');
    const missing = await usageErrorOf(parseAlertArg(`@${fixture('no-such-alert.json')}`));
    expect(missing.code).toBe('alert.unreadable');
    expect(missing.message).toContain('no-such-alert.json');
  });

  it('reads @file through the injected reader', async () => {
    const info = await parseAlertArg('@/alerts/a.json', {
      readFile: async (p) => (p === '/alerts/a.json' ? text('alert-firing.json') : Promise.reject(new Error('ENOENT'))),
    });
    expect(info.groupKey).toContain('FeatureDriftHigh');
  });
});
