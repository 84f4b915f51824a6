/** Histogram edges for a profile run from another profile (normally the reference one). */
import type { Table } from '../ingest/table.js';
import type { Profile } from '../schema/profile.js';
import { kllFromJson } from './sketches.js';

/**
 * Per numeric column of `table`: the edges of `source`'s histogram when it has one (so every shard and both
 * sides bin alike), else the de-duplicated deciles of its KLL sketch. Columns without a numeric profile, or
 * whose deciles are all equal, get no histogram.
 */
export function histogramEdges(source: Profile, table: Table): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  const byName = new Map(source.columns.map((c) => [c.name, c]));
  for (const column of table.columns) {
    const p = byName.get(column.name);
    if (!p || (p.kind !== 'numeric' && p.kind !== 'timestamp') || (column.type !== 'numeric' && column.type !== 'timestamp')) continue;
    if (p.histogram) {
      out.set(column.name, Float64Array.from(p.histogram.edges));
      continue;
    }
    const kll = kllFromJson(p.quantiles);
    if (kll.n === 0) continue;
    const edges: number[] = [];
    for (let d = 1; d <= 9; d++) {
      const e = kll.quantile(d / 10);
      if (Number.isFinite(e) && (edges.length === 0 || e > edges[edges.length - 1]!)) edges.push(e === 0 ? 0 : e);
    }
    if (edges.length > 0) out.set(column.name, Float64Array.from(edges));
  }
  return out;
}
