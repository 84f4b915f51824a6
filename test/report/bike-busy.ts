/**
 * A real classification run with a timestamp, probabilities and drift, for the report's views: UCI Bike Sharing
 * hours (test/data), "is this hour busy?" (more rentals than three hours in four of 2011). The model is the share of busy
 * hours per hour of day and working day, counted on the even days of 2011; validation is the odd days of 2011, the
 * reference all of 2011, the operational data 2012 — when usage grew, so the model misses busy hours, more as the
 * year goes on.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { testDataText } from '../support/data.js';

const FEATURES = ['season', 'hr', 'holiday', 'weekday', 'workingday', 'weathersit', 'temp', 'atemp', 'hum', 'windspeed'];

/** Writes reference.csv, validation.csv and operational.csv into `dir`; returns the `moa run` arguments. */
export function writeBikeBusy(dir: string, out: string): string[] {
  const [header, ...lines] = testDataText('bike-sharing/hour.csv.gz').trimEnd().split(/\r?\n/);
  const names = header!.split(',');
  const at = (name: string) => names.indexOf(name);
  const rows = lines.map((l) => l.split(','));
  const of2011 = rows.filter((r) => r[at('yr')] === '0');
  const counts = of2011.map((r) => Number(r[at('cnt')])).sort((a, b) => a - b);
  const busyFrom = counts[Math.floor(counts.length * 0.75)]!;
  const busy = (r: string[]) => Number(r[at('cnt')]) > busyFrom;
  const evenDay = (r: string[]) => Number(r[at('dteday')]!.slice(8, 10)) % 2 === 0;
  const key = (r: string[]) => `${r[at('hr')]}|${r[at('workingday')]}`;
  const tally = new Map<string, { busy: number; n: number }>();
  for (const r of of2011.filter(evenDay)) {
    const t = tally.get(key(r)) ?? { busy: 0, n: 0 };
    t.busy += busy(r) ? 1 : 0;
    t.n++;
    tally.set(key(r), t);
  }
  // Laplace's rule keeps the probabilities off 0 and 1.
  const probability = (r: string[]) => {
    const t = tally.get(key(r)) ?? { busy: 0, n: 0 };
    return (t.busy + 1) / (t.n + 2);
  };
  const csv = (part: string[][]) =>
    [
      ['time', ...FEATURES, 'busy', 'predicted', 'proba_busy', 'proba_quiet'].join(','),
      ...part.map((r) => {
        const p = probability(r);
        const time = `${r[at('dteday')]}T${r[at('hr')]!.padStart(2, '0')}:00:00Z`;
        return [time, ...FEATURES.map((f) => r[at(f)]), busy(r) ? 'busy' : 'quiet', p >= 0.5 ? 'busy' : 'quiet', p.toFixed(4), (1 - p).toFixed(4)].join(',');
      }),
    ].join('\n') + '\n';
  const file = (name: string) => path.join(dir, name);
  writeFileSync(file('reference.csv'), csv(of2011));
  writeFileSync(file('validation.csv'), csv(of2011.filter((r) => !evenDay(r))));
  writeFileSync(file('operational.csv'), csv(rows.filter((r) => r[at('yr')] === '1')));
  return [
    'run',
    '--reference', file('reference.csv'),
    '--validation', file('validation.csv'),
    '--operational', file('operational.csv'),
    '--out', out,
    '--label', 'busy',
    '--prediction', 'predicted',
    '--proba', 'proba_',
    '--timestamp', 'time',
    '--full',
  ];
}
