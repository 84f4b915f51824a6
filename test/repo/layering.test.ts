/**
 * ARCHITECTURE.md's layering: data walks one way. A module may import only from its own folder or from a lower
 * layer (type imports and dynamic imports included); modules sharing a layer (analyze and audit, the commands)
 * do not import each other, and the statistics core imports nothing else of the project.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../support/cli.js';

/** Lowest first. A name is a folder under src/ or a file at the top of src/ (without .ts). */
const LAYERS: readonly (readonly string[])[] = [
  ['stats'],
  ['models', 'errors', 'log', 'version', 'run-id'],
  ['checks'],
  ['schema'],
  ['storage'],
  ['config'],
  ['ingest'],
  ['analyze', 'audit'],
  ['decide'],
  ['select'],
  ['emit'],
  ['contract', 'profile', 'cluster'],
  ['run'],
  ['demo'],
  ['cli', 'index'],
];
const RANK = new Map(LAYERS.flatMap((names, rank) => names.map((name) => [name, rank] as const)));

/** Every relative import specifier of a source text: static, type-only, re-exports and dynamic imports. */
export function importsOf(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/\b(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) found.push(m[1]!);
  return found;
}

/** The module (layer name) a path under src/ belongs to. */
function moduleOf(srcRelative: string): string {
  const [head, ...rest] = srcRelative.split('/');
  return rest.length ? head! : head!.replace(/\.(ts|js)$/, '');
}

/** The imports of one file that break the layering, as `from -> to (specifier)`. */
export function backImports(srcRelative: string, source: string): string[] {
  const from = moduleOf(srcRelative);
  const fromRank = RANK.get(from);
  const out: string[] = [];
  for (const spec of importsOf(source)) {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(srcRelative), spec));
    if (target.startsWith('..')) {
      out.push(`${srcRelative}: imports ${spec}, outside src/`);
      continue;
    }
    const to = moduleOf(target);
    if (to === from) continue;
    const toRank = RANK.get(to);
    if (fromRank === undefined || toRank === undefined) out.push(`${srcRelative}: ${from} -> ${to} (${spec}): a module missing from LAYERS`);
    else if (toRank >= fromRank) out.push(`${srcRelative}: ${from} -> ${to} (${spec})`);
  }
  return out;
}

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(full);
    else if (/\.ts$/.test(entry.name)) yield full;
  }
}

describe('layering', () => {
  it('no module under src/ imports from a later stage, a peer, or outside src/', () => {
    const src = path.join(REPO_ROOT, 'src');
    const violations: string[] = [];
    let files = 0;
    for (const file of sources(src)) {
      files++;
      violations.push(...backImports(path.relative(src, file).split(path.sep).join('/'), readFileSync(file, 'utf8')));
    }
    expect(files).toBeGreaterThan(100);
    expect(violations).toEqual([]);
  });

  it('the check finds back-imports of every form', () => {
    expect(backImports('stats/x.ts', "import { dataError } from '../errors.js';")).toEqual(['stats/x.ts: stats -> errors (../errors.js)']);
    expect(backImports('decide/plan.ts', "import type { SelectionEvidence } from '../select/select.js';")).toHaveLength(1);
    expect(backImports('analyze/drift.ts', "export { x } from '../audit/bbse.js';")).toHaveLength(1);
    expect(backImports('ingest/load.ts', "const m = await import('../emit/report.js');")).toHaveLength(1);
    expect(backImports('emit/report.ts', "import { decide } from '../decide/decide.js';\nimport { x } from './charts.js';")).toEqual([]);
    expect(backImports('run.ts', "import { selectData } from './select/select.js';")).toEqual([]);
    expect(backImports('errors.ts', "import { StatsInputError } from './stats/input-error.js';")).toEqual([]);
    expect(backImports('checks/a.ts', "import { z } from 'zod';")).toEqual([]);
  });
});
