import { existsSync } from 'node:fs';
import path from 'node:path';

/** The repository root: the nearest directory above this file with a package.json (works from source and from the compiled copy under node_modules/.cache). */
export function repoRoot(): string {
  let dir = path.dirname(new URL(import.meta.url).pathname);
  while (!existsSync(path.join(dir, 'package.json')) || dir.split(path.sep).includes('node_modules')) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('repoRoot: no package.json above ' + import.meta.url);
    dir = up;
  }
  return dir;
}

/** The test data sets in this repository (test/data/README.md: origins and licences); stored gzipped. */
export const testDataDir = (): string => path.join(repoRoot(), 'test', 'data');
