import { describe, expect, it } from '@jest/globals';
import { checkContract, contractCheckResult, renderContract, runContractCheck } from '../../src/contract/index.js';
import { toDataset } from '../../src/ingest/dataset.js';
import { ConfigSchema } from '../../src/schema/config.js';
import { toParquet, type ParquetColumn } from '../../src/emit/parquet.js';
import { decode } from '../../src/ingest/formats.js';
import type { Table } from '../../src/ingest/table.js';
import { CONTRACT_ANALYSES, CONTRACT_COLUMNS, ContractReportSchema, LabelRecordSchema, OperationalRecordSchema } from '../../src/schema/contract.js';
import { CheckResultSchema } from '../../src/schema/results.js';
import { servingLog, without } from './serving-log.js';

const asTable = (columns: Record<string, ParquetColumn>): Table => decode(toParquet(columns), { format: 'parquet', uri: 'mem.parquet', subject: 'test', types: {} });
const { parts, labels } = servingLog(5);
const log = parts[0]!.columns;
const feed = asTable(labels[0]!.columns);
const available = (r: ReturnType<typeof checkContract>) => r.analyses.filter((a) => a.available).map((a) => a.id);
const unavailable = (r: ReturnType<typeof checkContract>) => r.analyses.filter((a) => !a.available).map((a) => a.id);
const ALL = CONTRACT_ANALYSES.map((a) => a.id);

describe('the contract', () => {
  it('lists every key once, and each analysis needs only contract keys', () => {
    const keys = CONTRACT_COLUMNS.map((c) => c.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const a of CONTRACT_ANALYSES) for (const k of a.needs) expect(keys).toContain(k);
    expect(CONTRACT_COLUMNS.filter((c) => c.required).map((c) => c.key)).toEqual(['features', 'prediction']);
  });

  it('record schemas accept a logged row and a label row, and reject rows without the required fields', () => {
    expect(OperationalRecordSchema.safeParse({ request_id: 'r1', request_ts: '2026-01-05T10:00:00Z', prediction: 'a', proba_a: 0.7, x1: 3.2, city: 'oslo', model_version: 'v3' }).success).toBe(true);
    expect(OperationalRecordSchema.safeParse({ request_id: 'r1', x1: 3 }).success).toBe(false);
    expect(OperationalRecordSchema.safeParse({ prediction: 'a', request_ts: 'yesterday' }).success).toBe(false);
    expect(LabelRecordSchema.safeParse({ request_id: 'r1', label: 'b', label_ts: '2026-01-07T00:00:00Z' }).success).toBe(true);
    expect(LabelRecordSchema.safeParse({ label: 'b' }).success).toBe(false);
  });
});

describe('checkContract', () => {
  it('a complete log with a label feed allows every analysis (run-time inputs aside)', () => {
    const report = checkContract({ uri: 'logs/', table: asTable(log), roles: {}, labels: { uri: 'labels/', table: feed, coverage: null } });
    expect(ContractReportSchema.parse(report)).toEqual(report);
    expect(report.minimumMet).toBe(true);
    expect(available(report)).toEqual(ALL);
    expect(report.add).toEqual([]);
    const byKey = Object.fromEntries(report.columns.map((c) => [c.key, c]));
    expect(byKey.features).toMatchObject({ present: true, count: 3 }); // x1, x2, city
    expect(byKey.proba).toMatchObject({ present: true, count: 3, column: 'proba_a, proba_b, proba_c' });
    expect(byKey.label).toMatchObject({ present: true, column: 'label' });
    const check = contractCheckResult(report);
    expect(CheckResultSchema.parse(check)).toEqual(check);
    expect(check).toMatchObject({ id: 'ingest.contract', stage: 'ingest', kind: 'contract', status: 'pass', figures: { minimumMet: true, available: ALL.length, unavailable: 0 } });
  });

  it('without probabilities: no BBSD on probabilities, no CBPE, no calibration, and says to log proba_<class>', () => {
    const report = checkContract({ uri: 'logs/', table: asTable(without(log, (n) => n.startsWith('proba_'))), roles: {}, labels: { uri: 'labels/', table: feed, coverage: null } });
    expect(report.minimumMet).toBe(true);
    expect(unavailable(report)).toEqual(['output_drift_proba', 'cbpe', 'calibration']);
    expect(report.add).toEqual([{ key: 'proba', column: 'proba_<class>', type: expect.stringContaining('[0, 1]'), unlocks: ['output drift on probabilities (BBSD)', 'estimated performance without labels (CBPE)', 'calibration'] }]);
    expect(contractCheckResult(report)).toMatchObject({ status: 'warn', summary: '11 of 14 analyses are possible; log proba_<class> to unlock the rest.' });
  });

  it('without the id: no late labels, nothing stored apart, and label-based analyses need the id too', () => {
    const report = checkContract({ uri: 'logs/', table: asTable(without(log, (n) => n === 'request_id')), roles: {}, labels: { uri: 'labels/', table: feed, coverage: null } });
    expect(unavailable(report)).toEqual(['measured_performance', 'calibration', 'weak_slices', 'new_classes', 'late_labels', 'predictions_apart']);
    const id = report.add.find((a) => a.key === 'id')!;
    expect(id.column).toBe('request_id');
    expect(id.unlocks).toEqual(expect.arrayContaining(['late labels (label feed joined on id)', 'measured performance (accuracy / MAE vs baseline)']));
    expect(report.columns.find((c) => c.key === 'label')!.problem).toMatch(/no usable id column "request_id"/);
  });

  it('without timestamp and model version: no recency window, no per-version analysis', () => {
    const report = checkContract({ uri: 'logs/', table: asTable(without(log, (n) => n === 'request_ts' || n === 'model_version')), roles: {}, labels: { uri: 'labels/', table: feed, coverage: null } });
    expect(unavailable(report)).toEqual(['recency_window', 'per_version']);
    expect(report.add.map((a) => a.column)).toEqual(['request_ts', 'model_version']);
  });

  it('without labels (no feed, none inline): the label analyses are blocked and the feed is named', () => {
    const report = checkContract({ uri: 'logs/', table: asTable(log), roles: {} });
    expect(unavailable(report)).toEqual(['measured_performance', 'calibration', 'weak_slices', 'new_classes']);
    expect(report.add.map((a) => a.column)).toEqual(['label (in a label feed with request_id and label_ts, or inline)']);
    expect(report.analyses.find((a) => a.id === 'late_labels')).toMatchObject({ available: true, note: 'give the label feed with --labels' });
  });

  it('without the prediction the minimum is not met, and the check fails', () => {
    const report = checkContract({ uri: 'logs/', table: asTable(without(log, (n) => n === 'prediction')), roles: {} });
    expect(report.minimumMet).toBe(false);
    expect(report.add[0]).toMatchObject({ key: 'prediction', column: 'prediction' });
    expect(contractCheckResult(report)).toMatchObject({ status: 'fail' });
    expect(contractCheckResult(report).summary).toMatch(/misses the contract minimum \(prediction\)/);
  });

  it('uses role flags instead of standard names, and the reference to name the features', () => {
    const renamed = Object.fromEntries(Object.entries(log).map(([k, v]) => [k === 'request_id' ? 'rid' : k === 'prediction' ? 'yhat' : k.replace('proba_', 'p:'), v]));
    const reference = asTable(without(log, (n) => n !== 'x1' && n !== 'x2' && n !== 'city' && n !== 'x3'));
    const ok = checkContract({ uri: 'logs/', table: asTable(renamed), roles: { id: 'rid', prediction: 'yhat', proba: 'p:' }, reference });
    expect(ok.columns.find((c) => c.key === 'id')!.column).toBe('rid');
    expect(ok.columns.find((c) => c.key === 'features')).toMatchObject({ present: true, count: 3 });
    const missingFeature = checkContract({ uri: 'logs/', table: asTable(without(renamed, (n) => n === 'city')), roles: { id: 'rid', prediction: 'yhat', proba: 'p:' }, reference });
    expect(missingFeature.minimumMet).toBe(false);
    expect(missingFeature.columns.find((c) => c.key === 'features')).toMatchObject({ present: false, problem: 'missing training feature(s): city' });
  });

  it('flags values that break the contract: probabilities outside [0, 1] or not summing to 1, a numeric timestamp, repeated ids', () => {
    const broken = {
      ...log,
      proba_a: { type: 'float64', values: Array.from(log.proba_a!.values as number[], (v, i) => (i === 0 ? 1.5 : v)) },
      proba_c: { type: 'float64', values: Array.from(log.proba_c!.values as number[], () => 0) },
      request_ts: { type: 'float64', values: Array.from(log.request_ts!.values as number[]) },
      request_id: { type: 'string', values: (log.request_id!.values as string[]).map((v, i) => (i === 1 ? (log.request_id!.values as string[])[0]! : v)) },
    } as Record<string, ParquetColumn>;
    const report = checkContract({ uri: 'logs/', table: asTable(broken), roles: {} });
    const byKey = Object.fromEntries(report.columns.map((c) => [c.key, c]));
    expect(byKey.proba!.present).toBe(false);
    expect(byKey.proba!.problem).toMatch(/^1 value\(s\) outside \[0, 1\]; 100\.0% of rows do not sum to 1/);
    expect(byKey.timestamp).toMatchObject({ present: false, problem: expect.stringMatching(/"request_ts" is numeric; expected a timestamp type/) });
    expect(byKey.id).toMatchObject({ present: true, problem: expect.stringMatching(/% of rows repeat an earlier id/) });
  });

  it('regression: classification-only analyses are not applicable and probabilities are not asked for', () => {
    const reg = { x1: log.x1!, prediction: { type: 'float64', values: Array.from(log.x2!.values as number[], (v) => v * 3.3) } } as Record<string, ParquetColumn>;
    const report = checkContract({ uri: 'logs/', table: asTable(reg), roles: {} });
    expect(report.columns.find((c) => c.key === 'proba')!.problem).toBe('not applicable: regression');
    expect(report.add.map((a) => a.key)).not.toContain('proba');
    expect(report.analyses.filter((a) => a.note === 'classification only').map((a) => a.id)).toEqual(['output_drift_proba', 'cbpe', 'label_shift_bbse', 'calibration', 'new_classes']);
  });

  it('renders a text report that names the missing column and what it unlocks', () => {
    const text = renderContract(checkContract({ uri: 'logs/', table: asTable(without(log, (n) => n.startsWith('proba_'))), roles: {} }));
    expect(text).toMatch(/^logs\/: \d+ rows, checked against moa\.contract\/v1\nminimum \(features, prediction\): met\n/);
    expect(text).toMatch(/\[ \] proba\s+-\s+optional  \(no column proba_<class>\)/);
    expect(text).toMatch(/to unlock the rest, log:\n  proba_<class>  \[double in \[0, 1\], one column per class, summing to 1\] -> output drift on probabilities \(BBSD\); estimated performance without labels \(CBPE\); calibration\n/);
  });
});

describe('runContractCheck (the check at the start of moa run)', () => {
  const config = (columns: Record<string, unknown>) => ConfigSchema.parse({ reference: 'ref/', operational: 'logs/', out: 'out/', columns });

  it('counts a role the run does not name as absent, and says which flag to pass', () => {
    const { report, check } = runContractCheck({ config: config({ id: 'request_id' }), operational: toDataset('operational', 'logs/', asTable(log)) });
    expect(report.minimumMet).toBe(false);
    expect(report.columns.find((c) => c.key === 'prediction')!.problem).toBe('not named: pass --prediction (the data has a column "prediction")');
    expect(report.columns.find((c) => c.key === 'proba')!.problem).toBe('not named: pass --proba');
    expect(report.columns.find((c) => c.key === 'id')!.present).toBe(true);
    expect(check).toMatchObject({ kind: 'contract', stage: 'ingest', status: 'fail' });
    expect(CheckResultSchema.parse(check)).toEqual(check);
  });

  it('with the roles of the run named, the verdicts follow the data', () => {
    const cfg = config({ id: 'request_id', prediction: 'prediction', proba: 'proba_', timestamp: 'request_ts', label: 'label' });
    const { report, check } = runContractCheck({ config: cfg, operational: asTable(log), labels: { uri: 'labels/', table: feed, coverage: null } });
    expect(report.minimumMet).toBe(true);
    expect(available(report)).toEqual(ALL);
    expect(check.status).toBe('pass');
  });
});
