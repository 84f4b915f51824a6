import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { testDataText } from './data.js';

/** The bike-sharing hours (17,379 rows, test/data) cut into `parts` CSV part files under `dir`; returns the row count. */
export function writeBikeHourParts(dir: string, parts: number): number {
  const lines = testDataText('bike-sharing/hour.csv.gz').trimEnd().split('\n');
  mkdirSync(dir, { recursive: true });
  const per = Math.ceil((lines.length - 1) / parts);
  for (let k = 0; k < parts; k++) writeFileSync(path.join(dir, `part-${k}.csv`), [lines[0], ...lines.slice(1 + k * per, 1 + (k + 1) * per)].join('\n') + '\n');
  return lines.length - 1;
}
