/**
 * The typed, columnar form every input format is decoded into. Analysis works on these typed arrays only.
 * Strings and booleans become categorical codes (-1 = null); numbers are Float64 with a null mask;
 * fixed-size lists (images, embeddings) stay tensors.
 */
export type Column =
  | { name: string; type: 'numeric'; values: Float64Array; nulls: Uint8Array | null; integer: boolean }
  | { name: string; type: 'categorical'; codes: Int32Array; categories: string[]; boolean: boolean }
  | { name: string; type: 'timestamp'; values: Float64Array; nulls: Uint8Array | null }
  | { name: string; type: 'tensor'; size: number; values: Float32Array; nulls: Uint8Array | null }
  | { name: string; type: 'null'; length: number }
  | { name: string; type: 'unsupported'; length: number; detail: string };

export type ColumnType = Column['type'];

export interface Table {
  rows: number;
  columns: Column[];
}

export function columnLength(c: Column): number {
  switch (c.type) {
    case 'numeric':
    case 'timestamp':
      return c.values.length;
    case 'categorical':
      return c.codes.length;
    case 'tensor':
      return c.size === 0 ? (c.nulls?.length ?? 0) : c.values.length / c.size;
    case 'null':
    case 'unsupported':
      return c.length;
  }
}

export function isNull(c: Column, i: number): boolean {
  switch (c.type) {
    case 'numeric':
    case 'timestamp':
    case 'tensor':
      return c.nulls !== null && c.nulls[i] === 1;
    case 'categorical':
      return c.codes[i]! < 0;
    case 'null':
      return true;
    case 'unsupported':
      return false;
  }
}

/** Builds a categorical column from values seen one by one (string form), keeping first-seen category order. */
export class CategoricalBuilder {
  private readonly index = new Map<string, number>();
  readonly categories: string[] = [];
  readonly codes: Int32Array;
  constructor(length: number) {
    this.codes = new Int32Array(length);
  }
  set(i: number, value: string | null): void {
    if (value === null) {
      this.codes[i] = -1;
      return;
    }
    let code = this.index.get(value);
    if (code === undefined) {
      code = this.categories.length;
      this.index.set(value, code);
      this.categories.push(value);
    }
    this.codes[i] = code;
  }
}

function concatMask(parts: (Uint8Array | null)[], lengths: number[]): Uint8Array | null {
  if (parts.every((p) => p === null)) return null;
  const out = new Uint8Array(lengths.reduce((a, b) => a + b, 0));
  let at = 0;
  parts.forEach((p, k) => {
    if (p) out.set(p, at);
    at += lengths[k]!;
  });
  return out;
}

function concatTyped<T extends Float64Array | Float32Array | Int32Array>(parts: T[], make: (n: number) => T): T {
  const out = make(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Concatenate same-named columns of several part files. Types must agree, except that an all-null part
 * takes the type of the others. Returns a message instead of a column when they cannot be combined.
 */
export function concatColumns(parts: Column[]): Column | string {
  const name = parts[0]!.name;
  const lengths = parts.map(columnLength);
  const typed = parts.filter((p) => p.type !== 'null');
  if (typed.length === 0) return { name, type: 'null', length: lengths.reduce((a, b) => a + b, 0) };
  const type = typed[0]!.type;
  if (typed.some((p) => p.type !== type)) return `column "${name}" is ${typed.map((p) => p.type).join(' in one part, ')} in another`;
  // Fill all-null parts with nulls of the common type.
  const full: Column[] = parts.map((p, k) => (p.type === 'null' ? nullsOf(typed[0]!, lengths[k]!) : p));
  switch (type) {
    case 'numeric': {
      const cols = full as Extract<Column, { type: 'numeric' }>[];
      return {
        name,
        type,
        values: concatTyped(cols.map((c) => c.values), (n) => new Float64Array(n)),
        nulls: concatMask(cols.map((c) => c.nulls), lengths),
        integer: cols.every((c) => c.integer),
      };
    }
    case 'timestamp': {
      const cols = full as Extract<Column, { type: 'timestamp' }>[];
      return { name, type, values: concatTyped(cols.map((c) => c.values), (n) => new Float64Array(n)), nulls: concatMask(cols.map((c) => c.nulls), lengths) };
    }
    case 'tensor': {
      const cols = full as Extract<Column, { type: 'tensor' }>[];
      if (cols.some((c) => c.size !== cols[0]!.size)) return `tensor column "${name}" has different sizes in different parts`;
      return {
        name,
        type,
        size: cols[0]!.size,
        values: concatTyped(cols.map((c) => c.values), (n) => new Float32Array(n)),
        nulls: concatMask(cols.map((c) => c.nulls), lengths),
      };
    }
    case 'categorical': {
      const cols = full as Extract<Column, { type: 'categorical' }>[];
      const builder = new CategoricalBuilder(lengths.reduce((a, b) => a + b, 0));
      let at = 0;
      for (const c of cols) {
        for (let i = 0; i < c.codes.length; i++) {
          const code = c.codes[i]!;
          builder.set(at + i, code < 0 ? null : c.categories[code]!);
        }
        at += c.codes.length;
      }
      return { name, type, codes: builder.codes, categories: builder.categories, boolean: cols.every((c) => c.boolean) };
    }
    case 'unsupported':
      return { name, type, length: lengths.reduce((a, b) => a + b, 0), detail: (typed[0] as { detail: string }).detail };
  }
  return `column "${name}" has an unknown type`;
}

function nullsOf(like: Column, length: number): Column {
  const all = new Uint8Array(length).fill(1);
  switch (like.type) {
    case 'numeric':
      return { name: like.name, type: 'numeric', values: new Float64Array(length).fill(NaN), nulls: all, integer: like.integer };
    case 'timestamp':
      return { name: like.name, type: 'timestamp', values: new Float64Array(length).fill(NaN), nulls: all };
    case 'tensor':
      return { name: like.name, type: 'tensor', size: like.size, values: new Float32Array(length * like.size), nulls: all };
    case 'categorical':
      return { name: like.name, type: 'categorical', codes: new Int32Array(length).fill(-1), categories: [], boolean: like.boolean };
    default:
      return { ...like, length } as Column;
  }
}
