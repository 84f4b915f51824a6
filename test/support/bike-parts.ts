import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sharedDir } from './shared.js';

/** The bike-sharing hours (17,379 rows) cut into `parts` CSV part files under `dir`; returns the row count. */
export function writeBikeHourParts(dir: string, parts: number): number {
  const lines = readFileSync(path.join(sharedDir(), 'datasets/bike-sharing/hour.csv'), 'utf8').trimEnd().split('\n');
  mkdirSync(dir, { recursive: true });
  const per = Math.ceil((lines.length - 1) / parts);
  for (let k = 0; k < parts; k++) writeFileSync(path.join(dir, `part-${k}.csv`), [lines[0], ...lines.slice(1 + k * per, 1 + (k + 1) * per)].join('\n') + '\n');
  return lines.length - 1;
}
