import type { Dataset, Roles } from '../ingest/dataset.js';
import type { AnalyzeConfig } from '../schema/config.js';
import { double53, MULBERRY32_STEP, mulberry32, mulberry32Hash } from '../stats/index.js';
import { tabularEncoder } from './encode.js';
import { componentsFor, fitPca, reconstructionErrors } from './pca.js';
import { sampleIndices, shuffle, subSeed, subsetDataset } from './sampling.js';
import { CHECKS, type CheckOf } from '../checks/index.js';

type MultivariateDriftCheck = CheckOf<typeof CHECKS.multivariateDrift>;

type MultivariateConfig = AnalyzeConfig['multivariate'] & { alpha: number };
const MAX_COMPONENTS = 50;
/** Residual variance below this share of the total is rounding, not variance the components left out. */
const RANK_TOLERANCE = 1e-9;

/**
 * PCA reconstruction error: PCA keeping `variance` of the reference is fitted on half of a reference sample; the
 * other half gives the errors expected of unchanged data. The operational mean error is compared with `chunks`
 * means of equally many rows drawn from both sides pooled (a permutation test: the threshold is their 1−α quantile,
 * the p-value the share at or above, with at least max(`chunks`, 20/α) draws so that p can reach α, stopping early
 * once p is sure to exceed α). Catches changes in how features co-vary that no single-feature test sees.
 * Id `drift.multivariate.reconstruction`, kind `multivariate_drift`.
 */
export function reconstructionDrift(reference: Dataset, operational: Dataset, roles: Roles, cfg: MultivariateConfig, minRows: number, seed = 42): MultivariateDriftCheck {
  const base = { id: 'drift.multivariate.reconstruction', stage: CHECKS.multivariateDrift.stage, kind: CHECKS.multivariateDrift.kind, method: 'PCA reconstruction error, permutation test against reference chunks' };
  const features = roles.features.filter((f) => operational.columns.has(f));
  const rng = mulberry32(subSeed(seed, 'reconstruction'));
  const refRows = shuffle(sampleIndices(reference.rows, 2 * cfg.maxRows, rng), rng);
  const opRows = sampleIndices(operational.rows, cfg.maxRows, rng);
  // Encoded on both samples pooled, so a category seen on one side only is not an artefact of the encoding.
  const encoder = tabularEncoder(subsetDataset(reference, refRows, features), features, { squares: false, pooledWith: subsetDataset(operational, opRows, features) });
  if (encoder.width < 2) return { ...base, status: 'skipped', figures: { encodedWidth: encoder.width }, summary: 'Fewer than two encoded tabular dimensions: nothing to reconstruct.' };
  const half = Math.floor(refRows.length / 2);
  if (half < minRows || opRows.length < minRows) {
    return { ...base, status: 'insufficient_data', figures: { nReference: refRows.length, nOperational: opRows.length }, threshold: { minRows }, summary: `Too few rows (${refRows.length} reference, need ${2 * minRows}; ${opRows.length} operational, need ${minRows}).` };
  }
  // Mostly one-hot encodings go on as their non-zero entries (PCA centres them implicitly); numeric ones stay dense.
  const sparse = encoder.nonZerosPerRow <= encoder.width / 2;
  const encode = (dataset: Dataset, rows: Int32Array) => (sparse ? encoder.encodeSparse(dataset, rows) : encoder.encode(dataset, rows));
  const pca = fitPca(encode(reference, refRows.subarray(0, half)), half, Math.min(MAX_COMPONENTS, encoder.width), rng);
  // The reference must keep some real variance off the components: kept components spanning every direction it
  // varies in (constant null flags, one-hot sums and collinear columns add none) leave only floating-point rounding
  // to compare, which grows with the values' magnitude and "drifted" on mere location or scale changes.
  const residual = (k: number) => pca.totalVariance - pca.variances.subarray(0, k).reduce((a, v) => a + v, 0);
  let k = Math.min(componentsFor(pca, cfg.variance), encoder.width - 1);
  while (k > 0 && residual(k) <= RANK_TOLERANCE * pca.totalVariance) k--;
  const eRef = reconstructionErrors(pca, encode(reference, refRows.subarray(half)), k);
  const eOp = reconstructionErrors(pca, encode(operational, opRows), k);
  const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
  const opMean = mean(eOp);
  const refMean = mean(eRef);
  const m = eOp.length;
  // Permutation test on the pooled errors: the operational mean is compared with means of equally many rows
  // drawn without replacement from both sides. Resampling the reference half alone ignored the noise of its own
  // mean and alarmed on 10% of null splits at α = 5%.
  const pooled = new Float64Array(eRef.length + m);
  pooled.set(eOp);
  pooled.set(eRef, m);
  // The smallest p-value B draws can give is 1/(B+1): at least 20/α draws, so the test can reject at the plan's α
  // (an eighth of the drift share, 0.00125 by default: 200 draws could never reach it). Drawing stops once
  // `stopAt` draws reach the operational mean (Besag & Clifford 1991): the p-value is then that count over
  // the draws made, a valid p-value, and at least α — exactly when all the draws would also have found p > α, so the
  // verdict is the one of the full test on the same draws, at a small part of its cost on unchanged data.
  const draws = Math.max(cfg.chunks, Math.ceil(20 / cfg.alpha));
  // The smallest count of draws at or above the operational mean that makes the full test say p > α.
  const stopAt = Math.floor(cfg.alpha * (draws + 1) - 1) + 1;
  const chunkMeans = new Float64Array(draws);
  let above = 0;
  let made = 0;
  while (made < draws && above < stopAt) {
    // Partial Fisher–Yates: the first m slots become a random draw. Its uniforms are rng.nextDouble53()'s, computed
    // here from the generator's counter (two hashes each): 16,000 draws × 5,000 rows at the plan's α are 80M calls.
    let counter = rng.getState();
    let sum = 0;
    for (let i = 0; i < m; i++) {
      counter = (counter + MULBERRY32_STEP) | 0;
      const first = mulberry32Hash(counter);
      counter = (counter + MULBERRY32_STEP) | 0;
      const u = double53(first, mulberry32Hash(counter));
      const j = i + Math.floor(u * (pooled.length - i));
      const t = pooled[i]!;
      pooled[i] = pooled[j]!;
      pooled[j] = t;
      sum += pooled[i]!;
    }
    rng.setState(counter);
    const chunkMean = sum / m;
    chunkMeans[made++] = chunkMean;
    if (chunkMean >= opMean) above++;
  }
  const pValue = made < draws ? above / made : (1 + above) / (draws + 1);
  // The 1 − α quantile of the chunk means needs every draw; a test stopped early gives none.
  const sorted = made === draws ? chunkMeans.sort() : null;
  const threshold = sorted ? sorted[Math.min(draws - 1, Math.ceil((1 - cfg.alpha) * draws) - 1)]! : undefined;
  const ratio = refMean > 0 ? opMean / refMean : opMean > 0 ? Infinity : 1;
  const significant = pValue <= cfg.alpha;
  const large = ratio >= cfg.minErrorRatio;
  return {
    ...base,
    status: significant && large ? 'fail' : significant ? 'warn' : 'pass',
    figures: { operationalError: opMean, referenceError: refMean, errorRatio: Number.isFinite(ratio) ? ratio : null, ...(threshold === undefined ? {} : { chunkThreshold: threshold }), draws: made, pValue, components: k, encodedWidth: encoder.width, nReference: refRows.length, nOperational: m },
    threshold: { alpha: cfg.alpha, minErrorRatio: cfg.minErrorRatio, chunks: draws, variance: cfg.variance },
    summary: significant && large
      ? `Operational rows fit the reference's principal structure worse: mean reconstruction error ${ratio.toFixed(2)}× the reference (p = ${pValue.toPrecision(2)}).`
      : significant
        ? `Reconstruction error is up slightly (${ratio.toFixed(2)}× < ${cfg.minErrorRatio}×) but significant (p = ${pValue.toPrecision(2)}).`
        : `Reconstruction error within the reference range (${ratio.toFixed(2)}×, p = ${pValue.toPrecision(2)}).`,
  };
}
