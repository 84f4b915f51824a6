import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The repository root: the working directory when it is this project's checkout (`npm run bench:*` runs there; the
 * compiled copy under node_modules/.cache may sit in another checkout when node_modules is shared through a
 * symlink), else the nearest directory above this file with a package.json.
 */
export function repoRoot(): string {
  const cwdPackage = path.join(process.cwd(), 'package.json');
  if (existsSync(cwdPackage) && (JSON.parse(readFileSync(cwdPackage, 'utf8')) as { name?: string }).name === 'moa') return process.cwd();
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
