import type { Dataset, Roles } from '../ingest/dataset.js';
import type { Column } from '../ingest/table.js';
import { tensorRowUsable, tensorRows } from '../analyze/encode.js';
import { fitPca } from '../analyze/pca.js';
import { sampleIndices, subSeed } from '../analyze/sampling.js';
import { mulberry32 } from '../stats/index.js';

/**
 * Turns dataset rows into a numeric design matrix for the proxy models: numeric features as they are (missing →
 * the reference mean), categorical features one-hot over the reference's most frequent categories, tensors as their
 * leading principal components on the reference. The encoding is fitted on the reference so every dataset maps into
 * the same columns.
 */
export interface Design {
  names: string[];
  width: number;
  encode(d: Dataset, rows: Int32Array): Float64Array;
}

const MAX_CATEGORIES = 20;
/** Principal components a tensor enters the proxy models with, and the reference rows they are fitted on. */
const TENSOR_COMPONENTS = 32;
const TENSOR_PCA_ROWS = 2000;

type Part = { width: number; names: string[]; fill(d: Dataset, row: number, out: Float64Array, at: number): void };

export function buildDesign(reference: Dataset, roles: Roles, seed = 42): Design {
  const parts: Part[] = [];
  for (const name of roles.features) {
    const ref = reference.columns.get(name)!;
    if (ref.type === 'numeric') {
      let sum = 0;
      let n = 0;
      for (const v of ref.values) if (Number.isFinite(v)) (sum += v), n++;
      const mean = n ? sum / n : 0;
      parts.push({
        width: 1,
        names: [name],
        fill(d, row, out, at) {
          const c = d.columns.get(name);
          const v = c?.type === 'numeric' ? c.values[row]! : NaN;
          out[at] = Number.isFinite(v) ? v : mean;
        },
      });
    } else if (ref.type === 'categorical') {
      const counts = new Float64Array(ref.categories.length);
      for (const code of ref.codes) if (code >= 0) counts[code]! += 1;
      const top = [...counts.keys()].sort((a, b) => counts[b]! - counts[a]!).slice(0, MAX_CATEGORIES).map((k) => ref.categories[k]!);
      const slot = new Map(top.map((cat, i) => [cat, i]));
      parts.push({
        width: top.length,
        names: top.map((cat) => `${name}=${cat}`),
        fill(d, row, out, at) {
          const c = d.columns.get(name);
          if (c?.type !== 'categorical') return;
          const code = c.codes[row]!;
          const k = code < 0 ? undefined : slot.get(c.categories[code]!);
          if (k !== undefined) out[at + k] = 1;
        },
      });
    } else if (ref.type === 'tensor') {
      parts.push(tensorPart(name, ref, seed));
    }
  }
  const width = parts.reduce((a, p) => a + p.width, 0);
  return {
    names: parts.flatMap((p) => p.names),
    width,
    encode(d, rows) {
      const out = new Float64Array(rows.length * width);
      for (let r = 0; r < rows.length; r++) {
        let at = r * width;
        for (const p of parts) {
          p.fill(d, rows[r]!, out, at);
          at += p.width;
        }
      }
      return out;
    },
  };
}

type Tensor = Extract<Column, { type: 'tensor' }>;

/**
 * A tensor as its leading principal components on the reference (at most 32, fitted on at most 2,000 seeded
 * reference rows): the proxy models' cost follows the width they train on, and a linear proxy on a 784-pixel image
 * spent ten times the whole run's other work on dimensions that carry little of the variance. Each row is projected
 * once per column and kept, as candidates share most rows. Non-finite values count as the reference mean.
 */
function tensorPart(name: string, ref: Tensor, seed: number): Part {
  const rng = mulberry32(subSeed(seed, `design:${name}`));
  const usable = Int32Array.from({ length: ref.nulls ? ref.nulls.length : ref.values.length / ref.size }, (_, i) => i).filter((i) => tensorRowUsable(ref, i));
  const fitRows = sampleIndices(usable.length, TENSOR_PCA_ROWS, rng).map((k) => usable[k]!);
  const pca = fitPca(tensorRows(ref, fitRows), fitRows.length, Math.min(TENSOR_COMPONENTS, ref.size), rng);
  const { k, dims: d, mean, components } = pca;
  const projected = new WeakMap<Tensor, { scores: Float64Array; done: Uint8Array }>();
  const centred = new Float64Array(d);
  return {
    width: k,
    names: Array.from({ length: k }, (_, r) => `${name}.pc${r + 1}`),
    fill(data, row, out, at) {
      const c = data.columns.get(name);
      if (c?.type !== 'tensor' || c.size !== ref.size) return;
      let cache = projected.get(c);
      if (!cache) projected.set(c, (cache = { scores: new Float64Array((c.values.length / c.size) * k), done: new Uint8Array(c.values.length / c.size) }));
      if (!cache.done[row]) {
        const base = row * d;
        for (let j = 0; j < d; j++) {
          const v = c.values[base + j]!;
          centred[j] = Number.isFinite(v) ? v - mean[j]! : 0;
        }
        for (let r = 0; r < k; r++) {
          let s = 0;
          for (let j = 0, o = r * d; j < d; j++, o++) s += centred[j]! * components[o]!;
          cache.scores[row * k + r] = s;
        }
        cache.done[row] = 1;
      }
      for (let r = 0; r < k; r++) out[at + r] = cache.scores[row * k + r]!;
    },
  };
}
