import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { repoRoot } from './repo.js';

/** The short commit of the checkout `dir` (default: the one this file is in), or 'unknown' outside git. */
export function headCommit(dir: string = repoRoot()): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/**
 * Replace what lies between two marker lines of a docs file (the findings around it are written by hand).
 * Returns false, writing nothing, when the markers are missing.
 */
export async function replaceBetweenMarkers(file: string, start: string, end: string, body: string): Promise<boolean> {
  const text = await readFile(file, 'utf8');
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j <= i) return false;
  await writeFile(file, text.slice(0, i + start.length) + '\n' + body + '\n' + text.slice(j));
  return true;
}
