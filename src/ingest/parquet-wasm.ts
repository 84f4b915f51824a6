import { createRequire } from 'node:module';

type ParquetWasm = typeof import('parquet-wasm');
let loaded: ParquetWasm | undefined;

/**
 * parquet-wasm, loaded on first use: its compiled module and instance (about 25 MB resident) are not needed by a
 * run that reads and writes no Parquet. Its Node build is CommonJS, so it loads synchronously.
 */
export function parquetWasm(): ParquetWasm {
  return (loaded ??= createRequire(import.meta.url)('parquet-wasm') as ParquetWasm);
}
