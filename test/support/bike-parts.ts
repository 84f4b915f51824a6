import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { testDataText } from './data.js';

/**
 * The bike-sharing hours (17,379 rows, test/data) cut into `parts` CSV part files under `dir`; returns the row count.
 * `year` keeps one year's rows only (the `yr` column: 0 = 2011, 1 = 2012).
 */
export function writeBikeHourParts(dir: string, parts: number, year?: 0 | 1): number {
  const [header, ...all] = testDataText('bike-sharing/hour.csv.gz').trimEnd().split('\n');
  const yr = header!.split(',').indexOf('yr');
  const lines = year === undefined ? all : all.filter((l) => l.split(',')[yr] === String(year));
  mkdirSync(dir, { recursive: true });
  const per = Math.ceil(lines.length / parts);
  for (let k = 0; k < parts; k++) writeFileSync(path.join(dir, `part-${k}.csv`), [header, ...lines.slice(k * per, (k + 1) * per)].join('\n') + '\n');
  return lines.length;
}
