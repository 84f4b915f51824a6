/**
 * The statistics core: pure functions on Float64Array / readonly number[] (never mutated), checked against
 * SciPy 1.10.1 by test/stats. Error policy: inputs no statistic can use (empty sample, NaN, negative counts,
 * mismatched lengths) throw a StatsInputError with a stable code (stats.*; the CLI reports it as a data error); where SciPy raises for a
 * data-dependent reason (e.g. an expected count of 0, fewer than two observations for CvM, a single distinct
 * value for Anderson–Darling) the result carries `pValue: NaN` and a `reason`, never a confident number.
 */
export type { Sample } from './sample.js';
export { StatsInputError } from './input-error.js';
export { ks2samp, ks2sampSorted, type KsResult, type KsOptions, type KsMethod } from './ks2samp.js';
export { chi2Contingency, type Chi2ContingencyResult } from './chi2-contingency.js';
export { chiSquare, type ChiSquareResult, type ChiSquareOptions } from './chi-square.js';
export { benjaminiHochberg, type BhResult } from './benjamini-hochberg.js';
export { chi2Sf } from './chi2-sf.js';
export { kstwoSf } from './kstwo-sf.js';
export { normSf } from './norm-sf.js';
export { double53, mulberry32, mulberry32Hash, MULBERRY32_STEP, generateSample, type Mulberry32, type SampleSpec } from './mulberry32.js';
export { mannWhitneyU, mannWhitneyUSorted, type MwuResult, type MwuOptions, type MwuMethod } from './mann-whitney-u.js';
export { cramerVonMises2samp, cramerVonMises2sampSorted, type CvmResult, type CvmMethod } from './cramer-von-mises-2samp.js';
export { andersonKsamp, andersonKsampSorted, type AndersonResult } from './anderson-ksamp.js';
export { wassersteinDistance, wassersteinDistanceSorted } from './wasserstein-distance.js';
export { jensenShannonDistance } from './jensen-shannon-distance.js';
export { psi, psiSorted, psiFromCounts, quantileLinearSorted, type PsiResult } from './psi.js';
export { sortPair, type SortedPair } from './sorted-pair.js';
export { BatteryPool, batteryColumn, batteryColumnSorted, runBattery, workersAvailable, type BatteryColumn, type BatteryResult, type BatteryOptions, type BatteryRun } from './battery.js';
export { bucketSortFloat64 } from './bucket-sort.js';
export { sortedCopy } from './sort.js';
export { selectRanks } from './select-ranks.js';
export { binomialSample, multinomialSample } from './multinomial-sample.js';
export { radixSortFloat64 } from './radix-sort.js';
export { alignCategoryCounts, categoryCounts, type AlignedCategoryCounts, type CategoryCounts, type DictionaryIndices } from './category-counts.js';
export { normQuantile } from './normal-quantile.js';
export { betaBinomialSf } from './beta-binomial.js';
export { aucTest } from './auc-test.js';
export { twoProportionZTest, welchZTest, type ZTestResult, type ZAlternative, type GroupSummary } from './z-test.js';
export { betaBinomialCdf } from './beta-binomial.js';
export { binomialCdf, binomialSf } from './binomial-tail.js';
export { classShareChangeTest, type ClassShareChangeResult } from './class-share-change.js';
export { countChangeTest, newCategoryTest, type Count, type CountAlternative, type CountChangeResult } from './count-change.js';
export { nearestUnitFactor, unitChangeTest, UNIT_CONVERSIONS, type UnitConversion, type UnitChangeResult } from './unit-change.js';
export {
  chunkTTest,
  cusumFalseAlarm,
  cusumTest,
  cusumThreshold,
  mergeChunkHistory,
  stoufferTest,
  type ChunkAlternative,
  type ChunkRecord,
  type ChunkStatistic,
  type ChunkTestResult,
  type CusumResult,
} from './chunk-evidence.js';
export { lowerBound, upperBound } from './sorted-search.js';
