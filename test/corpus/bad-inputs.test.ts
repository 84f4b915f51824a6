/**
 * Runs the bad-input corpus (test/corpus/bad-inputs.ts) through the CLI's entry point in this process (one
 * process for 100+ cases; test/cli runs the built CLI as a child). Each case must end with its exit code, an
 * error line holding its words, and — when it has an --out — error.json with the same code and run id and no
 * manifest; accepted inputs must end with a manifest and no error.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { main } from '../../src/cli/main.js';
import { createLogger } from '../../src/log.js';
import { corpus, type BadInput } from './bad-inputs.js';

const cases = corpus();
let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'moa-corpus-'));
  // The modules main() imports lazily, loaded one by one first: jest's ESM loader can fail on concurrent first
  // imports of one module graph ("request for './local.js' is not in cache"), which a CLI process never meets.
  await import('../../src/storage/index.js');
  await import('../../src/emit/outputs.js');
  await import('../../src/config/load.js');
  await import('../../src/run.js');
  await import('../../src/cluster/index.js');
});

async function runCase(c: BadInput, index: number): Promise<{ code: number; lines: Record<string, unknown>[]; out: string }> {
  const dir = path.join(root, String(index));
  const out = path.join(dir, 'out');
  for (const [name, body] of Object.entries(c.files)) {
    const file = path.join(dir, name);
    if (body === null) {
      await mkdir(file, { recursive: true });
      continue;
    }
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, body);
  }
  await mkdir(dir, { recursive: true });
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ json: true, level: 'info', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  const saved = Object.fromEntries(Object.keys(c.env ?? {}).map((k) => [k, process.env[k]]));
  Object.assign(process.env, c.env);
  const stdout = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    const code = await main(c.args.map((a) => a.replaceAll('{dir}', dir).replaceAll('{out}', out)), log);
    return { code, lines, out };
  } finally {
    process.stdout.write = stdout;
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

describe('bad-input corpus', () => {
  it('has at least 100 cases, each named once', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases.map((c, i) => [`${c.kind}: ${c.name}`, c, i] as const))('%s', async (_title, c, index) => {
    const { code, lines, out } = await runCase(c, index);
    const error = lines.find((l) => l.level === 'error');
    if (c.exit === 0) {
      expect([code, error?.msg]).toEqual([0, undefined]);
      expect(existsSync(path.join(out, 'retrain-config.json'))).toBe(true);
      expect(existsSync(path.join(out, 'error.json'))).toBe(false);
      return;
    }
    expect([code, error?.code]).toEqual([c.exit, c.code ?? error?.code]);
    for (const word of c.words) expect(String(error!.msg)).toContain(word);
    // Named errors only: never an internal error's wording, never a bare "Error.".
    expect(String(error!.msg)).not.toMatch(/internal error|Cannot read properties|Maximum call stack|: Error\.$/);
    if (!c.args.includes('{out}')) return;
    expect(existsSync(path.join(out, 'retrain-config.json'))).toBe(false);
    const record = JSON.parse(readFileSync(path.join(out, 'error.json'), 'utf8'));
    expect(record).toMatchObject({ kind: 'AnalysisError', exitCode: c.exit, manifest: 'withdrawn', error: { code: error!.code } });
    expect(record.runId).toBe(error!.runId);
  });
});

describe('docs/bad-inputs.md', () => {
  it('has a row for every class of the corpus', () => {
    const table = readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), '../../docs/bad-inputs.md'), 'utf8');
    const rows = new Set([...table.matchAll(/^\| ([^|]+?) \|/gm)].map((m) => m[1]));
    for (const kind of new Set(cases.map((c) => c.kind))) expect([kind, rows.has(kind)]).toEqual([kind, true]);
  });
});
