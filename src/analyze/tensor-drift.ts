import type { Dataset, Roles } from '../ingest/dataset.js';
import type { Column } from '../ingest/table.js';
import type { AnalyzeConfig } from '../schema/config.js';
import { benjaminiHochberg, ks2samp, mulberry32 } from '../stats/index.js';
import { tensorRows, tensorRowUsable } from './encode.js';
import { mmdPermutationTest } from './mmd.js';
import { fitPca, project } from './pca.js';
import { sampleWhere, subSeed } from './sampling.js';
import { CHECKS, type CheckOf } from '../checks/index.js';

type TensorDriftCheck = CheckOf<typeof CHECKS.tensorDrift>;

type TensorConfig = AnalyzeConfig['tensor'] & { alpha: number };
type Tensor = Extract<Column, { type: 'tensor' }>;

/**
 * Drift of tensor columns (images, embeddings): PCA fitted on a reference sample, KS on each component with
 * Benjamini–Hochberg, and an MMD permutation test on the projected samples, each at α/2. One result per
 * column, `drift.tensor.<column>`, kind `tensor_drift`: fail when the MMD test rejects or some component is
 * BH-significant with KS ≥ minEffect; warn when components differ significantly but below minEffect.
 */
export function tensorDrift(reference: Dataset, operational: Dataset, roles: Roles, cfg: TensorConfig, minRows: number, seed = 42): TensorDriftCheck[] {
  const results: TensorDriftCheck[] = [];
  for (const name of roles.features) {
    const ref = reference.columns.get(name);
    const op = operational.columns.get(name);
    if (ref?.type !== 'tensor' || op?.type !== 'tensor' || ref.size !== op.size) continue;
    results.push(tensorColumn(name, ref, op, cfg, minRows, seed));
  }
  return results;
}

function tensorColumn(name: string, ref: Tensor, op: Tensor, cfg: TensorConfig, minRows: number, seed: number): TensorDriftCheck {
  const base = { id: `drift.tensor.${name}`, stage: CHECKS.tensorDrift.stage, kind: CHECKS.tensorDrift.kind, subject: name, method: 'PCA on the reference, KS per component (BH) and MMD permutation test' };
  const rng = mulberry32(subSeed(seed, `tensor:${name}`));
  const nRef = ref.size === 0 ? 0 : ref.values.length / ref.size;
  const nOp = op.size === 0 ? 0 : op.values.length / op.size;
  const refRows = sampleWhere(nRef, 2 * cfg.maxRows, rng, (i) => tensorRowUsable(ref, i));
  const opRows = sampleWhere(nOp, cfg.maxRows, rng, (i) => tensorRowUsable(op, i));
  const half = Math.floor(refRows.length / 2);
  if (half < minRows || opRows.length < minRows || ref.size === 0) {
    return { ...base, status: 'insufficient_data', figures: { nReference: refRows.length, nOperational: opRows.length, size: ref.size }, threshold: { minRows }, summary: `Too few usable tensor rows (${refRows.length} reference, need ${2 * minRows}; ${opRows.length} operational, need ${minRows}).` };
  }
  // PCA is fitted on one half of the reference sample and the tests use the other, so neither side is "in-sample".
  const pca = fitPca(tensorRows(ref, refRows.subarray(0, half)), half, cfg.components, rng);
  const k = pca.k;
  const pr = project(pca, tensorRows(ref, refRows.subarray(half)));
  const po = project(pca, tensorRows(op, opRows));
  const nr = pr.length / k;
  const no = po.length / k;
  const ks = Array.from({ length: k }, (_, c) => {
    const a = Float64Array.from({ length: nr }, (_, i) => pr[i * k + c]!);
    const b = Float64Array.from({ length: no }, (_, i) => po[i * k + c]!);
    return ks2samp(a, b, { method: 'asymp' });
  });
  // Two tests, each at α/2 (Bonferroni), so the column's false-alarm rate stays at α.
  const level = cfg.alpha / 2;
  const { adjusted } = benjaminiHochberg(ks.map((t) => t.pValue), level);
  const components = ks.map((t, c) => ({ component: c + 1, varianceShare: pca.variances[c]! / (pca.totalVariance || 1), statistic: t.statistic, pValue: t.pValue, adjustedPValue: adjusted[c]! }));
  const drifted = components.filter((c) => c.adjustedPValue <= level && c.statistic >= cfg.minEffect);
  const significantComponents = components.filter((c) => c.adjustedPValue <= level).length;
  const m = Math.min(cfg.mmdRows, nr, no);
  const mmd = mmdPermutationTest(pr.subarray(0, m * k), po.subarray(0, m * k), k, cfg.permutations, rng);
  const maxKs = Math.max(...components.map((c) => c.statistic));
  const mmdRejects = mmd.pValue <= level;
  const status = mmdRejects || drifted.length > 0 ? 'fail' : significantComponents > 0 ? 'warn' : 'pass';
  return {
    ...base,
    status,
    figures: {
      components: k,
      explainedVariance: components.reduce((a, c) => a + c.varianceShare, 0),
      driftedComponents: drifted.length,
      significantComponents,
      maxKs,
      minAdjustedPValue: Math.min(...components.map((c) => c.adjustedPValue)),
      mmd2: mmd.statistic,
      mmdPValue: mmd.pValue,
      nReference: nr,
      nOperational: no,
      mmdRows: m,
      size: ref.size,
    },
    threshold: { alpha: cfg.alpha, minEffect: cfg.minEffect, permutations: cfg.permutations },
    summary:
      status === 'fail'
        ? `${name}: ${drifted.length} of ${k} principal components shifted (max KS ${maxKs.toFixed(3)}); MMD p = ${mmd.pValue.toPrecision(2)}.`
        : status === 'warn'
          ? `${name}: ${significantComponents} component(s) differ significantly but slightly (max KS ${maxKs.toFixed(3)} < ${cfg.minEffect}).`
          : `${name}: no change in the ${k} leading principal components (MMD p = ${mmd.pValue.toPrecision(2)}).`,
    details: { components },
  };
}
