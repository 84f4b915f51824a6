/**
 * Evidence over time (issue 16 item 3) on real data. The null: UCI Adult's held-out rows (adult.data beyond the
 * model's 16,000 training rows, and adult.test) shuffled into streams — no change by construction — where the pooled
 * chunk test must reject at most at its α (binomial bound), alone and with an earlier run's chunks as history.
 * The bound has teeth: the same chunks tested as if the baseline were known exactly (its error left out) exceed it.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { chunkRows, evidenceOverTime, pooledEvidence, type HistoryRun } from '../../src/audit/index.js';
import type { Dataset, Roles } from '../../src/ingest/dataset.js';
import type { Column } from '../../src/ingest/table.js';
import { binomialSf, mulberry32, normSf } from '../../src/stats/index.js';
import { adultSetup, CLASSES, FEATURES, NUMERIC, type AdultSetup } from './support/adult.js';
import { classificationRoles } from './support/datasets.js';

const ALPHA = 0.05;
const STREAMS = 300;
const BASELINE_ROWS = 1000;
const OPERATIONAL_ROWS = 3000;
const cfg = { alpha: ALPHA, minDrop: 0, minChunks: 3, maxChunks: 10, maxDrop: 0.05, minLabels: 30, runId: 'now' };

/** The largest rejection count a test at level α can give in n streams, but with probability ≤ 0.001. */
function binomialBound(n: number, p: number): number {
  let q = 0;
  while (binomialSf(q, n, p) > 0.001) q++;
  return q;
}

let adult: AdultSetup;
let roles: Roles;
/** Every held-out row: validation part rows first, then the test file's. */
let pool: number[];
beforeAll(() => {
  adult = adultSetup();
  roles = { ...classificationRoles(CLASSES, FEATURES), timestamp: 'ts' };
  whole = wholePool();
  pool = Array.from({ length: whole.rows }, (_, i) => i);
});

/** Every held-out row as one dataset, built once; streams take rows of it. */
let whole: Dataset;
function wholePool(): Dataset {
  const parts = (['validation', 'operational'] as const).map((part) => adult.toDataset('operational', part));
  const columns = new Map<string, Column>();
  for (const [name, first] of parts[0]!.columns) {
    const second = parts[1]!.columns.get(name)!;
    if (first.type === 'numeric' && second.type === 'numeric') columns.set(name, { ...first, values: Float64Array.from([...first.values, ...second.values]) });
    else if (first.type === 'categorical' && second.type === 'categorical') columns.set(name, { ...first, codes: Int32Array.from([...first.codes, ...second.codes]) });
  }
  return { role: 'operational', uri: 'memory://adult', rows: parts[0]!.rows + parts[1]!.rows, columns };
}

/** Rows of the pool (indices into it) as a dataset, with an hourly timestamp from `start` in the given order. */
function datasetOf(role: Dataset['role'], rows: readonly number[], start: number): Dataset {
  const columns = new Map<string, Column>();
  for (const [name, c] of whole.columns) {
    if (c.type === 'numeric') columns.set(name, { ...c, values: Float64Array.from(rows, (i) => c.values[i]!) });
    else if (c.type === 'categorical') columns.set(name, { ...c, codes: Int32Array.from(rows, (i) => c.codes[i]!) });
  }
  columns.set('ts', { name: 'ts', type: 'timestamp', values: Float64Array.from(rows, (_, i) => start + i * 3_600_000), nulls: null });
  return { role, uri: `memory://${role}`, rows: rows.length, columns };
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const rng = mulberry32(seed);
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.nextDouble53() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const asHistory = (check: NonNullable<ReturnType<typeof evidenceOverTime>>, runId: string): HistoryRun => ({
  uri: `memory://${runId}/results.json`,
  runId,
  axis: check.details!.axis,
  baselineKey: check.details!.baselineKey,
  chunks: check.details!.chunks.map((c) => ({ ...c, run: runId })),
});

describe('null streams from UCI Adult: the pooled chunk test errs at most at its α', () => {
  it(`${STREAMS} shuffled streams, one run each and two runs pooled by history`, () => {
    const bound = binomialBound(STREAMS, ALPHA);
    let alone = 0;
    let pooled = 0;
    let naive = 0;
    let chunks = 0;
    const reference = adult.toDataset('reference', 'validation', Int32Array.from({ length: 2000 }, (_, i) => i));
    for (let s = 0; s < STREAMS; s++) {
      const rows = shuffled(pool, 1000 + s).slice(0, BASELINE_ROWS + 2 * OPERATIONAL_ROWS);
      const baseline = datasetOf('validation', rows.slice(0, BASELINE_ROWS), 0);
      const first = datasetOf('operational', rows.slice(BASELINE_ROWS, BASELINE_ROWS + OPERATIONAL_ROWS), 1e9);
      const second = datasetOf('operational', rows.slice(BASELINE_ROWS + OPERATIONAL_ROWS), 1e9 + OPERATIONAL_ROWS * 3_600_000);
      const one = evidenceOverTime(reference, first, baseline, roles, { ...cfg, runId: 'first' })!;
      expect(one.status).not.toBe('insufficient_data');
      chunks = one.figures.chunks!;
      if (one.figures.pValue! < ALPHA) alone++;
      const two = evidenceOverTime(reference, second, baseline, roles, { ...cfg, runId: 'second' }, [asHistory(one, 'first')]);
      expect(two!.figures.historyChunks).toBe(chunks);
      if (two!.figures.pValue! < ALPHA) pooled++;
      // The same pooled chunks with the baseline treated as exact: the shared baseline error ignored.
      const d = two!.details!;
      const known = pooledEvidence(d.pooled, { rows: Number.MAX_SAFE_INTEGER, metric: two!.figures.baseline!, variance: d.baselineVariance }, 'accuracy')!;
      if (normSf(known.drop / known.standardError) < ALPHA) naive++;
    }
    console.log(`evidence over time, ${STREAMS} null streams (Adult, ${chunks} chunks of ≥ ${chunkRows(0.15, 1, cfg)} rows per run): rejected one run ${alone}, two runs pooled ${pooled}, baseline taken as exact ${naive}; bound at α = ${ALPHA}: ${bound}`);
    expect(alone).toBeLessThanOrEqual(bound);
    expect(pooled).toBeLessThanOrEqual(bound);
    expect(naive).toBeGreaterThan(bound);
  });
});

describe('evidenceOverTime', () => {
  it('sizes chunks from the baseline variance: 4·v/maxDrop² labelled rows, at least minLabels', () => {
    expect(chunkRows(0.25, 1, cfg)).toBe(400);
    expect(chunkRows(0.09, 1, cfg)).toBe(144);
    expect(chunkRows(0.0001, 1, cfg)).toBe(30);
    // MAE: the variance in units of the baseline MAE (maxDrop is relative there).
    expect(chunkRows(1, 2, cfg)).toBe(400);
  });

  it('finds a persistent 3-point decline that no single chunk shows, and says insufficient_data on too few chunks', () => {
    const rows = shuffled(pool, 7).slice(0, 8000 + 8000);
    const baseline = datasetOf('validation', rows.slice(0, 8000), 0);
    const op = datasetOf('operational', rows.slice(8000), 1e9);
    // Flip 3 % of the operational labels away from a correct prediction: accuracy falls by 3 points.
    const y = op.columns.get('label') as Extract<Column, { type: 'categorical' }>;
    const yhat = op.columns.get('prediction') as Extract<Column, { type: 'categorical' }>;
    const rng = mulberry32(11);
    const codes = Int32Array.from(y.codes, (c, i) => (c === yhat.codes[i] && rng.nextDouble53() < 0.036 ? 1 - c : c));
    op.columns.set('label', { ...y, codes });
    const check = evidenceOverTime(baseline, op, baseline, roles, { ...cfg, alpha: 0.0025, minDrop: 0.02 })!;
    expect(check.status).toBe('fail');
    expect(check.figures.drop!).toBeGreaterThan(0.02);
    expect(check.figures.drop!).toBeLessThan(0.05);
    const chunks = check.details!.chunks;
    expect(chunks).toHaveLength(10);
    // Most chunks alone are not significant at the pooled test's α, and most stay under the per-window maxDrop.
    expect(chunks.filter((c) => normSf(c.z!) < 0.0025).length).toBeLessThanOrEqual(2);
    expect(chunks.filter((c) => c.drop! > 0.05).length).toBeLessThan(chunks.length / 2);
    // Windows tile the operational time axis and count every row once.
    expect(chunks.reduce((a, c) => a + c.rows, 0)).toBe(op.rows);
    for (let c = 1; c < chunks.length; c++) expect(chunks[c]!.start).toBe(chunks[c - 1]!.end);
    const few = evidenceOverTime(baseline, datasetOf('operational', rows.slice(8000, 8400), 1e9), baseline, roles, { ...cfg, alpha: 0.0025 })!;
    expect(few.status).toBe('insufficient_data');
    expect(few.summary).toMatch(/need 3/);
  });

  it('pools history of the same baseline once per window; another baseline or no timestamp is left out with the reason', () => {
    const rows = shuffled(pool, 9).slice(0, 1000 + 6000);
    const baseline = datasetOf('validation', rows.slice(0, 1000), 0);
    const earlier = evidenceOverTime(baseline, datasetOf('operational', rows.slice(1000, 4000), 1e9), baseline, roles, { ...cfg, runId: 'a' })!;
    // A run over the same window again (a rerun), one over a later window, one of another model.
    const later = datasetOf('operational', rows.slice(4000), 1e9 + 3000 * 3_600_000);
    const other = { ...asHistory(earlier, 'b'), baselineKey: 'validation:1:0.5:0.25' };
    const noTime = { ...asHistory(earlier, 'c'), axis: 'rows' as const };
    const check = evidenceOverTime(baseline, later, baseline, roles, { ...cfg, runId: 'now' }, [asHistory(earlier, 'a'), asHistory(earlier, 'a2'), other, noTime])!;
    const history = check.details!.history;
    expect(history.map((h) => [h.runId, h.used])).toEqual([
      ['a', 0],
      ['a2', earlier.details!.chunks.length],
      ['b', 0],
      ['c', 0],
    ]);
    expect(history[0]!.reason).toMatch(/overlap/);
    expect(history[2]!.reason).toMatch(/another model or baseline/);
    expect(history[3]!.reason).toMatch(/no timestamp/);
    expect(check.figures.overlapping).toBe(earlier.details!.chunks.length);
    expect(check.figures.pooledChunks).toBe(earlier.details!.chunks.length + check.details!.chunks.length);
  });
});

// Numeric features carry the drift figure; keep the list in sync with the Adult support.
it('reports per-chunk drift on the numeric features', () => {
  const rows = shuffled(pool, 5).slice(0, 4000);
  const baseline = datasetOf('validation', rows.slice(0, 1000), 0);
  const check = evidenceOverTime(baseline, datasetOf('operational', rows.slice(1000), 1e9), baseline, roles, cfg)!;
  for (const c of check.details!.chunks) {
    expect(NUMERIC).toContain(c.driftFeature);
    expect(c.drift!).toBeGreaterThan(0);
    expect(c.drift!).toBeLessThan(0.2);
  }
});
