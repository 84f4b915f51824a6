import type { Table } from '../../src/ingest/table.js';

/**
 * A table in a form `toEqual` compares bit for bit and fast: types, null masks, integer flags, categories in order,
 * and the bytes of every typed array (so -0, NaN payloads and views of larger buffers compare by content).
 */
export function comparableTable(table: Table): unknown {
  const bytes = (a: ArrayBufferView | null) => (a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64') : null);
  return {
    rows: table.rows,
    columns: table.columns.map((c) => {
      switch (c.type) {
        case 'numeric':
          return { name: c.name, type: c.type, values: bytes(c.values), nulls: bytes(c.nulls), integer: c.integer };
        case 'timestamp':
          return { name: c.name, type: c.type, values: bytes(c.values), nulls: bytes(c.nulls) };
        case 'categorical':
          return { name: c.name, type: c.type, codes: bytes(c.codes), categories: c.categories, boolean: c.boolean };
        case 'tensor':
          return { name: c.name, type: c.type, size: c.size, values: bytes(c.values), nulls: bytes(c.nulls) };
        default:
          return c;
      }
    }),
  };
}
