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

/** shared/ beside the repo (CI clones it there), or MOA_SHARED_DIR. */
export const sharedDir = (): string => process.env.MOA_SHARED_DIR ?? path.resolve(repoRoot(), '../shared');
