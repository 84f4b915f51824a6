import { kmeans } from 'ml-kmeans';
import type { Dataset, Roles } from '../ingest/dataset.js';
import type { Column } from '../ingest/table.js';
import type { AnalyzeConfig } from '../schema/config.js';
import { betaBinomialSf, mulberry32 } from '../stats/index.js';
import { tabularEncoder, tensorRows, tensorRowUsable } from './encode.js';
import { fitPca, project, reconstructionErrors } from './pca.js';
import { sampleIndices, sampleWhere, shuffle, subSeed } from './sampling.js';
import { CHECKS, type CheckOf } from '../checks/index.js';

type NoveltyCheck = CheckOf<typeof CHECKS.novelty>;

type NoveltyConfig = AnalyzeConfig['novelty'] & { alpha: number };

/** A group of novel operational rows: a candidate new class. `rows` are operational row indices, nearest the centre first. */
export interface NoveltyCluster {
  size: number;
  /** Share of the scored operational rows. */
  share: number;
  /** Rows of the whole operational dataset this cluster stands for (size scaled by the sampling rate). */
  estimatedRows: number;
  /** Mean of the model's top class probability over the cluster; null without probability columns. */
  meanConfidence: number | null;
  rows: number[];
  dominantLabel?: string;
  dominantLabelShare?: number;
  dominantPrediction?: string;
  candidate: boolean;
}

const SILHOUETTE_MAX = 1000;
const MIN_SILHOUETTE = 0.2;

/** Euclidean distance from each query row to its nearest index row; query i is index row i + selfOffset (skipped) when selfOffset ≥ 0. */
export function nearestDistances(queries: Float64Array, index: Float64Array, k: number, selfOffset: number): Float64Array {
  const nq = queries.length / k;
  const ni = index.length / k;
  const out = new Float64Array(nq);
  const q = new Float64Array(k);
  for (let i = 0; i < nq; i++) {
    for (let c = 0; c < k; c++) q[c] = queries[i * k + c]!;
    let best = Infinity;
    for (let j = 0, at = 0; j < ni; j++, at += k) {
      if (j === i + selfOffset) continue;
      // Squares added in column order, checked against the best every four: a row that completes has the same
      // sum as when checked every term, and one left early had reached the best already (its sum only grows).
      let s = 0;
      let c = 0;
      for (; c + 4 <= k && s < best; c += 4) {
        const d0 = q[c]! - index[at + c]!;
        const d1 = q[c + 1]! - index[at + c + 1]!;
        const d2 = q[c + 2]! - index[at + c + 2]!;
        const d3 = q[c + 3]! - index[at + c + 3]!;
        s += d0 * d0;
        s += d1 * d1;
        s += d2 * d2;
        s += d3 * d3;
      }
      for (; c < k && s < best; c++) {
        const d = q[c]! - index[at + c]!;
        s += d * d;
      }
      if (s < best) best = s;
    }
    out[i] = Math.sqrt(best);
  }
  return out;
}

function withResidual(nearest: Float64Array, residual2: Float64Array): Float64Array {
  return nearest.map((d, i) => Math.sqrt(d * d + residual2[i]!));
}

function silhouette(points: number[][], labels: number[], k: number): number {
  const n = points.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const sum = new Float64Array(k);
    const cnt = new Float64Array(k);
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      let s = 0;
      for (let c = 0; c < points[i]!.length; c++) s += (points[i]![c]! - points[j]![c]!) ** 2;
      sum[labels[j]!]! += Math.sqrt(s);
      cnt[labels[j]!]! += 1;
    }
    const own = labels[i]!;
    if (cnt[own] === 0) continue; // singleton: silhouette 0
    const a = sum[own]! / cnt[own]!;
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && cnt[c]! > 0) b = Math.min(b, sum[c]! / cnt[c]!);
    if (Number.isFinite(b)) total += (b - a) / Math.max(a, b);
  }
  return total / n;
}

/** k-means for k = 1..maxClusters; the k with the best silhouette wins if it reaches 0.2, else one cluster. */
function cluster(points: number[][], maxClusters: number, seed: number): { labels: number[]; centroids: number[][]; k: number; silhouette: number | null } {
  type Clustering = { labels: number[]; centroids: number[][]; k: number; silhouette: number | null };
  const one: Clustering = { labels: points.map(() => 0), centroids: [points[0]!.map((_, c) => points.reduce((s, p) => s + p[c]!, 0) / points.length)], k: 1, silhouette: null };
  if (points.length < 4) return one;
  const rng = mulberry32(seed);
  const probe = sampleIndices(points.length, SILHOUETTE_MAX, rng);
  let best = one;
  let bestScore = MIN_SILHOUETTE;
  for (let k = 2; k <= Math.min(maxClusters, points.length - 1); k++) {
    const r = kmeans(points, k, { seed, initialization: 'kmeans++', maxIterations: 100 });
    const score = silhouette(Array.from(probe, (i) => points[i]!), Array.from(probe, (i) => r.clusters[i]!), k);
    if (score > bestScore) {
      bestScore = score;
      best = { labels: r.clusters, centroids: r.centroids, k, silhouette: score };
    }
  }
  return best;
}

/** The space novelty is measured in: the widest tensor feature if any, else the tabular encoding. */
function space(reference: Dataset, operational: Dataset, roles: Roles) {
  const tensors = roles.features
    .map((f) => [reference.columns.get(f), operational.columns.get(f)] as const)
    .filter((p): p is readonly [Extract<Column, { type: 'tensor' }>, Extract<Column, { type: 'tensor' }>] => p[0]?.type === 'tensor' && p[1]?.type === 'tensor' && p[0].size === p[1].size && p[0].size > 0)
    .sort((a, b) => b[0].size - a[0].size);
  if (tensors.length) {
    const [ref, op] = tensors[0]!;
    return {
      name: `tensor ${ref.name}`,
      usableRef: (i: number) => tensorRowUsable(ref, i),
      usableOp: (i: number) => tensorRowUsable(op, i),
      encodeRef: (rows: Int32Array) => tensorRows(ref, rows),
      encodeOp: (rows: Int32Array) => tensorRows(op, rows),
      refRows: ref.values.length / ref.size,
      opRows: op.values.length / op.size,
    };
  }
  const encoder = tabularEncoder(reference, roles.features.filter((f) => operational.columns.has(f)), { squares: false });
  if (encoder.width === 0) return null;
  return {
    name: 'tabular features',
    usableRef: () => true,
    usableOp: () => true,
    encodeRef: (rows: Int32Array) => encoder.encode(reference, rows),
    encodeOp: (rows: Int32Array) => encoder.encode(operational, rows),
    refRows: reference.rows,
    opRows: operational.rows,
  };
}

function topProbability(operational: Dataset, roles: Roles, row: number): number | null {
  let best = -Infinity;
  for (const p of roles.proba) {
    const c = operational.columns.get(p.column);
    if (c?.type === 'numeric' && Number.isFinite(c.values[row]!)) best = Math.max(best, c.values[row]!);
  }
  return Number.isFinite(best) ? best : null;
}

function dominant(c: Column | undefined, rows: number[]): { value: string; share: number } | null {
  if (c?.type !== 'categorical') return null;
  const counts = new Map<string, number>();
  let n = 0;
  for (const r of rows) {
    const code = c.codes[r]!;
    if (code < 0) continue;
    const name = c.categories[code]!;
    counts.set(name, (counts.get(name) ?? 0) + 1);
    n++;
  }
  if (n === 0) return null;
  const [value, count] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
  return { value, share: count / n };
}

/**
 * Novelty without labels: operational rows farther from every reference row (in a PCA space fitted on the
 * reference) than the reference's own `quantile` of nearest-neighbour distances are novel; a one-sided
 * beta-binomial test (exact for exchangeable rows) compares their count with what the threshold lets through, and k-means groups them into
 * candidate new classes with their size, mean model confidence and representative row ids for the label queue.
 * Id `analyze.novelty`, kind `novelty`; fail = significantly more novel rows, by at least `minShare`, with a
 * cluster of at least `minClusterShare` of the rows. Limits: a new class that lies within the reference's spread
 * (Fashion-MNIST trousers among dresses) is not far from it and goes unseen here; labels or confidence find it.
 */
export function novelty(reference: Dataset, operational: Dataset, roles: Roles, cfg: NoveltyConfig, minRows: number, seed = 42): { result: NoveltyCheck; clusters: NoveltyCluster[] } {
  const base = { id: 'analyze.novelty', stage: CHECKS.novelty.stage, kind: CHECKS.novelty.kind, method: 'nearest-reference distance in PCA space, k-means on novel rows' };
  const s = space(reference, operational, roles);
  if (!s) return { result: { ...base, status: 'skipped', figures: {}, summary: 'No features to measure novelty on.' }, clusters: [] };
  const rng = mulberry32(subSeed(seed, 'novelty'));
  const refRows = shuffle(sampleWhere(s.refRows, cfg.maxRows, rng, s.usableRef), rng);
  const opRows = sampleWhere(s.opRows, cfg.maxRows, rng, s.usableOp);
  // Every sampled reference row is in the index. A third of them fit the PCA; the other two thirds calibrate:
  // their nearest-neighbour distance leaving themselves out is what "far" means for unchanged data (an
  // operational row sees one more candidate, so this errs conservative), and their distance to the subspace
  // is out-of-sample like the operational rows'.
  const nIndex = refRows.length;
  const nFit = Math.floor(nIndex / 3);
  const nCal = nIndex - nFit;
  if (nCal < minRows || opRows.length < minRows) {
    return { result: { ...base, status: 'insufficient_data', figures: { nReference: refRows.length, nOperational: opRows.length }, threshold: { minRows }, summary: `Too few rows to measure novelty (${refRows.length} reference, need ${Math.ceil(1.5 * minRows)}; ${opRows.length} operational, need ${minRows}).` }, clusters: [] };
  }
  const xRef = s.encodeRef(refRows);
  const xOp = s.encodeOp(opRows);
  const dims = xRef.length / nIndex;
  const pca = fitPca(xRef.subarray(0, nFit * dims), nFit, cfg.components, rng);
  const k = Math.max(1, pca.k);
  const pIndex = project(pca, xRef, k);
  const pOp = project(pca, xOp, k);
  // Distance = nearest reference point within the principal subspace, plus the row's own distance to that
  // subspace: a new class often sits near known ones in the leading components but off their span.
  const loo = nearestDistances(pIndex.subarray(nFit * k), pIndex, k, nFit);
  const dCal = withResidual(loo, reconstructionErrors(pca, xRef.subarray(nFit * dims), k));
  const dOp = withResidual(nearestDistances(pOp, pIndex, k, -1), reconstructionErrors(pca, xOp, k));
  const sortedCal = Float64Array.from(dCal).sort();
  const rank = Math.min(nCal, Math.ceil(cfg.quantile * nCal));
  const cut = sortedCal[rank - 1]!;
  const calNovel = dCal.reduce((a, d) => a + (d > cut ? 1 : 0), 0);
  const novelIdx: number[] = [];
  dOp.forEach((d, i) => d > cut && novelIdx.push(i));
  const shareOp = novelIdx.length / opRows.length;
  const shareCal = calNovel / nCal;
  // Exact under exchangeability: a new row exceeds the rank-th of nCal calibration distances with probability
  // ~ Beta(nCal − rank + 1, rank), so the count of novel operational rows is beta-binomial.
  const pValue = betaBinomialSf(novelIdx.length, opRows.length, nCal - rank + 1, rank);
  const excess = shareOp - shareCal;

  let clusters: NoveltyCluster[] = [];
  let chosen: { k: number; silhouette: number | null } = { k: 0, silhouette: null };
  if (novelIdx.length > 0) {
    const points = novelIdx.map((i) => Array.from(pOp.subarray(i * k, (i + 1) * k)));
    const c = cluster(points, cfg.maxClusters, subSeed(seed, 'novelty:kmeans'));
    chosen = c;
    const scale = s.opRows / opRows.length;
    clusters = c.centroids.map((centre, g) => {
      const members = novelIdx.map((i, m) => ({ i, m })).filter(({ m }) => c.labels[m] === g);
      const byDistance = members
        .map(({ i, m }) => ({ row: opRows[i]!, d: points[m]!.reduce((acc, v, j) => acc + (v - centre[j]!) ** 2, 0) }))
        .sort((a, b) => a.d - b.d);
      const rows = byDistance.map((r) => r.row);
      const conf = rows.map((r) => topProbability(operational, roles, r)).filter((v): v is number => v !== null);
      const out: NoveltyCluster = {
        size: members.length,
        share: members.length / opRows.length,
        estimatedRows: Math.round(members.length * scale),
        meanConfidence: conf.length ? conf.reduce((a, b) => a + b, 0) / conf.length : null,
        rows: rows.slice(0, cfg.representatives),
        candidate: members.length / opRows.length >= cfg.minClusterShare,
      };
      const label = roles.label ? dominant(operational.columns.get(roles.label), rows) : null;
      if (label) (out.dominantLabel = label.value), (out.dominantLabelShare = label.share);
      const pred = roles.prediction ? dominant(operational.columns.get(roles.prediction), rows) : null;
      if (pred) out.dominantPrediction = pred.value;
      return out;
    });
    clusters = clusters.filter((cl) => cl.size > 0).sort((a, b) => b.size - a.size);
  }
  const significant = pValue <= cfg.alpha;
  const candidates = clusters.filter((c) => c.candidate);
  const status = significant && excess >= cfg.minShare && candidates.length > 0 ? 'fail' : significant ? 'warn' : 'pass';
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return {
    result: {
      ...base,
      status,
      figures: {
        novelShare: shareOp,
        referenceNovelShare: shareCal,
        excessShare: excess,
        pValue,
        distanceThreshold: cut,
        components: k,
        clusters: clusters.length,
        candidateClusters: candidates.length,
        silhouette: chosen.silhouette,
        nReference: nIndex,
        nOperational: opRows.length,
        space: s.name,
      },
      threshold: { quantile: cfg.quantile, alpha: cfg.alpha, minShare: cfg.minShare, minClusterShare: cfg.minClusterShare },
      summary:
        status === 'fail'
          ? `${pct(shareOp)} of operational rows are unlike any training row (expected ${pct(shareCal)}); ${candidates.length} group(s) of unfamiliar rows (each a candidate new class, or drifted rows of known classes), largest ${pct(candidates[0]!.share)} of rows.`
          : status === 'warn'
            ? `Slightly more novel rows than expected (${pct(shareOp)} vs ${pct(shareCal)}, p = ${pValue.toPrecision(2)}), no large group.`
            : `Novel rows at the expected rate (${pct(shareOp)} vs ${pct(shareCal)}).`,
      details: { clusters },
    },
    clusters,
  };
}
