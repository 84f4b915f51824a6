/**
 * A profile as an input of `moa run` (`--reference-profile`, `--operational-profile`): its uniform row sample as a
 * table for the checks that need rows, the record of what was read, and, for a side read as rows, a profile made in
 * memory with the other profile's settings and histogram edges, so the sketch checks compare like with like.
 */
import type { RowOrigin } from '../ingest/load.js';
import { CategoricalBuilder, type Column, type Table } from '../ingest/table.js';
import type { InputRecord } from '../schema/results.js';
import type { Profile } from '../schema/profile.js';
import { buildProfile } from './build.js';
import { decodeFloat64 } from './codec.js';
import { histogramEdges } from './edges.js';

/** The profile's uniform sample of whole rows as a table, columns in the profile's order. */
export function sampleTable(profile: Profile): Table {
  const rows = decodeFloat64(profile.sample.keys).length;
  const columns: Column[] = profile.columns.map((p): Column => {
    const stored = profile.sample.columns[p.name];
    if (p.kind === 'numeric' || p.kind === 'timestamp') {
      const values = stored && 'numeric' in stored ? decodeFloat64(stored.numeric) : new Float64Array(rows).fill(NaN);
      const nulls = Uint8Array.from(values, (v) => (Number.isNaN(v) ? 1 : 0));
      return p.kind === 'numeric' ? { name: p.name, type: 'numeric', values, nulls, integer: p.integer } : { name: p.name, type: 'timestamp', values, nulls };
    }
    if (p.kind === 'categorical') {
      const builder = new CategoricalBuilder(rows);
      const cells = stored && 'categorical' in stored ? stored.categorical : new Array<null>(rows).fill(null);
      cells.forEach((cell, i) => builder.set(i, cell));
      return { name: p.name, type: 'categorical', codes: builder.codes, categories: builder.categories, boolean: p.boolean };
    }
    // Tensors are recorded by name only: no row check can read them.
    const other = p as Extract<Profile['columns'][number], { kind: 'other' }>;
    return other.type === 'null' ? { name: p.name, type: 'null', length: rows } : { name: p.name, type: 'unsupported', length: rows, detail: `${other.type} column: a profile records only its name` };
  });
  return { rows, columns };
}

/**
 * Where the sample rows came from, for the selection files: the profile's sample, row by row. A profile keeps no
 * pointer back to its source rows, so selected rows name `PROFILE#sample` and their place in the sample.
 */
export function sampleOrigin(uri: string, rows: number): RowOrigin {
  return { uris: [`${uri}#sample`], object: new Int32Array(rows), row: Int32Array.from({ length: rows }, (_, i) => i) };
}

export function profileRecord(role: string, uri: string, profile: Profile): InputRecord {
  return { role, uri, objects: profile.sources.map((s) => ({ ...s })), rows: profile.rows, columns: profile.columns.length, format: `moa-profile/v${profile.formatVersion}` };
}

/** The rows of one side as a profile with the other side's settings and edges (an exact side costs one pass). */
export function profileOfRows(table: Table, like: Profile, uri: string, seed: number): Profile {
  return buildProfile(table, { shardId: uri, seed, settings: like.settings, sources: [{ uri, bytes: 0 }], edges: histogramEdges(like, table) });
}
