import type { Dataset, Roles } from '../ingest/dataset.js';

/**
 * Turns dataset rows into a numeric design matrix for the proxy models: numeric features as they are (missing →
 * the reference mean), categorical features one-hot over the reference's most frequent categories, tensors
 * flattened. The encoding is fitted on the reference so every dataset maps into the same columns.
 */
export interface Design {
  names: string[];
  width: number;
  encode(d: Dataset, rows: Int32Array): Float64Array;
}

const MAX_CATEGORIES = 20;
const MAX_TENSOR = 1024;

type Part = { width: number; names: string[]; fill(d: Dataset, row: number, out: Float64Array, at: number): void };

export function buildDesign(reference: Dataset, roles: Roles): Design {
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
      // Large tensors are pooled into MAX_TENSOR averages of neighbouring values to bound the model's width.
      const pool = Math.ceil(ref.size / MAX_TENSOR);
      const width = Math.ceil(ref.size / pool);
      parts.push({
        width,
        names: Array.from({ length: width }, (_, i) => `${name}[${i}]`),
        fill(d, row, out, at) {
          const c = d.columns.get(name);
          if (c?.type !== 'tensor' || c.size !== ref.size) return;
          const base = row * c.size;
          for (let i = 0; i < width; i++) {
            let s = 0;
            let m = 0;
            for (let j = i * pool; j < Math.min(c.size, (i + 1) * pool); j++) (s += c.values[base + j]!), m++;
            out[at + i] = s / m;
          }
        },
      });
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
