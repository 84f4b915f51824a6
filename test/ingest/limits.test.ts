import { describe, expect, it } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import { MoaError } from '../../src/errors.js';
import { decode } from '../../src/ingest/formats.js';
import { DEFAULT_LIMITS, type IngestLimits } from '../../src/ingest/limits.js';
import { ConfigSchema } from '../../src/schema/config.js';

const read = (bytes: Uint8Array, uri: string, limits: Partial<IngestLimits> = {}) =>
  decode(bytes, { format: uri.includes('.jsonl') ? 'jsonl' : 'csv', uri, subject: '--operational', types: {}, limits: { ...DEFAULT_LIMITS, ...limits } });

function failure(run: () => unknown): MoaError {
  try {
    run();
  } catch (error) {
    if (error instanceof MoaError) return error;
    throw error;
  }
  throw new Error('expected a MoaError');
}

describe('ingest limits (issue 18: bounded memory, each bound a named error with exit 3)', () => {
  it('has configurable limits with defaults in the config schema', () => {
    const config = ConfigSchema.parse({ reference: 'a', operational: 'b', out: 'c', limits: { maxRows: 10 } });
    expect(config.limits).toEqual({ ...DEFAULT_LIMITS, maxRows: 10 });
    expect(() => ConfigSchema.parse({ reference: 'a', operational: 'b', out: 'c', limits: { maxRowz: 10 } })).toThrow();
  });

  it('stops a gzip bomb at the inflate ratio, before inflating it all', () => {
    // 200 MiB of zeros in ~200 KB: past the 64 MiB floor, the ratio (1000×) is over the default 50.
    const bomb = gzipSync(Buffer.concat([Buffer.from('a\n'), Buffer.alloc(200 * 2 ** 20, 48)]), { level: 9 });
    const started = performance.now();
    const error = failure(() => read(bomb, 's3://b/bomb.csv.gz'));
    expect({ code: error.code, exit: error.exitCode }).toEqual({ code: 'limits.inflate_ratio', exit: 3 });
    expect(error.message).toContain('s3://b/bomb.csv.gz');
    expect(error.fix).toContain('limits.maxInflateRatio');
    // Not a timing assertion: the figure is printed by bench/step/memory.mjs; this only guards against inflating all.
    expect(performance.now() - started).toBeLessThan(60_000);
  });

  it('stops decompression at maxDecodedBytes', () => {
    const error = failure(() => read(gzipSync(Buffer.from('a\n' + '1\n'.repeat(5000))), 'x.csv.gz', { maxDecodedBytes: 1000 }));
    expect({ code: error.code, exit: error.exitCode }).toEqual({ code: 'limits.decoded_bytes', exit: 3 });
  });

  it('refuses an object over maxObjectBytes', () => {
    expect(failure(() => read(Buffer.from('a\n1\n2\n'), 'x.csv', { maxObjectBytes: 4 })).code).toBe('limits.object_bytes');
  });

  it.each([
    ['rows', 'x.csv', 'a,b\n' + '1,x\n'.repeat(11), { maxRows: 10 }, 'limits.rows'],
    ['columns', 'x.csv', 'a,b,c\n1,2,3\n', { maxColumns: 2 }, 'limits.columns'],
    ['categories', 'x.csv', 'a\nw\nx\ny\nz\n', { maxCategories: 3 }, 'limits.categories'],
    ['rows (JSON Lines)', 'x.jsonl', '{"a":1}\n'.repeat(11), { maxRows: 10 }, 'limits.rows'],
    ['categories (JSON Lines)', 'x.jsonl', '{"a":"w"}\n{"a":"x"}\n{"a":"y"}\n', { maxCategories: 2 }, 'limits.categories'],
  ] as const)('names a file over the %s limit', (_what, uri, text, limits, code) => {
    const error = failure(() => read(Buffer.from(text), uri, limits));
    expect({ code: error.code, exit: error.exitCode }).toEqual({ code, exit: 3 });
    expect(error.fix).toMatch(/raise limits\.max/);
  });

  it('reads a file exactly at every limit', () => {
    const table = read(Buffer.from('a,b\n1,x\n2,y\n'), 'x.csv', { maxRows: 2, maxColumns: 2, maxCategories: 2 });
    expect(table.rows).toBe(2);
  });

  it('names corrupt gzip as corrupt data', () => {
    expect(failure(() => read(Buffer.from('not gzip at all'), 'x.csv.gz')).code).toBe('data.corrupt');
  });
});
