/** Between the stats sketches and their JSON form in a profile. */
import { FrequentItems } from '../stats/frequent-items.js';
import { HyperLogLog, hllRelativeStandardError } from '../stats/hyperloglog.js';
import { KllSketch, kllRankError } from '../stats/kll.js';
import type { Moments } from '../stats/moments.js';
import type { Profile } from '../schema/profile.js';
import { decodeBytes, decodeFloat64, encodeBytes, encodeFloat64, fromJsonFloat, toJsonFloat } from './codec.js';

type NumericColumn = Extract<Profile['columns'][number], { kind: 'numeric' | 'timestamp' }>;
type CategoricalColumn = Extract<Profile['columns'][number], { kind: 'categorical' }>;

export function kllToJson(s: KllSketch): NumericColumn['quantiles'] {
  const state = s.state();
  return { k: state.k, n: state.n, min: toJsonFloat(state.min), max: toJsonFloat(state.max), seed: state.seed, levels: state.levels.map(encodeFloat64), rankError: kllRankError(state.k) };
}

export function kllFromJson(j: NumericColumn['quantiles']): KllSketch {
  return KllSketch.fromState({ k: j.k, n: j.n, min: fromJsonFloat(j.min), max: fromJsonFloat(j.max), seed: j.seed, levels: j.levels.map(decodeFloat64) });
}

export function hllToJson(h: HyperLogLog): NumericColumn['distinct'] {
  return { precision: h.precision, registers: encodeBytes(h.registers), estimate: h.estimate(), relativeStandardError: hllRelativeStandardError(h.precision) };
}

export function hllFromJson(j: NumericColumn['distinct']): HyperLogLog {
  return new HyperLogLog(j.precision, decodeBytes(j.registers));
}

export function frequentToJson(f: FrequentItems): CategoricalColumn['frequent'] {
  return f.state();
}

export function frequentFromJson(j: CategoricalColumn['frequent']): FrequentItems {
  return FrequentItems.fromState(j);
}

export function momentsToJson(m: Moments): NumericColumn['moments'] {
  return {
    count: m.count,
    nulls: m.nulls,
    min: toJsonFloat(m.min),
    max: toJsonFloat(m.max),
    sum: [toJsonFloat(m.sum[0]), toJsonFloat(m.sum[1])],
    sumSquares: [toJsonFloat(m.sumSquares[0]), toJsonFloat(m.sumSquares[1])],
  };
}

export function momentsFromJson(j: NumericColumn['moments']): Moments {
  return {
    count: j.count,
    nulls: j.nulls,
    min: fromJsonFloat(j.min),
    max: fromJsonFloat(j.max),
    sum: [fromJsonFloat(j.sum[0]), fromJsonFloat(j.sum[1])],
    sumSquares: [fromJsonFloat(j.sumSquares[0]), fromJsonFloat(j.sumSquares[1])],
  };
}
