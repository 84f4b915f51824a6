import type { ParquetColumn } from '../../src/emit/parquet.js';
import { mulberry32 } from '../../src/stats/index.js';

/**
 * A serving system's log written the contract's way: 10 days of requests under `date=` partitions (two part
 * files a day), and a label feed partitioned by label arrival day in which labels arrive 1–3 days after the
 * request, for a known share of each day's rows. The schedule is arithmetic, so tests can state the expected
 * coverage without running the join code.
 */
export const START = Date.UTC(2026, 0, 1);
export const DAY = 86_400_000;
export const DAYS = 10;
export const CLASSES = ['a', 'b', 'c'];

export const rowsOn = (d: number) => 30 + 4 * d;
/** Row i of day d gets a label when i % 10 < labelTenths(d): older days have more labels. */
export const labelTenths = (d: number) => Math.max(0, 9 - d);
export const isLabelled = (d: number, i: number) => i % 10 < labelTenths(d);
/** Expected labelled rows of day d (counted independently of the join code). */
export function labelledOn(d: number): number {
  let n = 0;
  for (let i = 0; i < rowsOn(d); i++) if (isLabelled(d, i)) n++;
  return n;
}
export const dayString = (d: number) => new Date(START + d * DAY).toISOString().slice(0, 10);
export const requestId = (d: number, i: number) => `r${d}-${i}`;
/** The true class; differs from the prediction on every 7th row. */
export function trueClass(i: number, predicted: string): string {
  return i % 7 === 0 ? CLASSES[(CLASSES.indexOf(predicted) + 1) % 3]! : predicted;
}
export const GHOST_LABELS = 5;

export interface LogPart {
  day: number;
  part: number;
  columns: Record<string, ParquetColumn>;
}

export function servingLog(seed = 3): { parts: LogPart[]; labels: { date: string; columns: Record<string, ParquetColumn> }[]; truth: Map<string, string> } {
  const rng = mulberry32(seed);
  const parts: LogPart[] = [];
  const truth = new Map<string, string>();
  // label rows by arrival day, in arrival order within a day
  const feed = new Map<number, { id: string; label: string; ts: number }[]>();
  for (let d = 0; d < DAYS; d++) {
    const n = rowsOn(d);
    const half = Math.ceil(n / 2);
    for (const [part, from, to] of [[0, 0, half], [1, half, n]] as const) {
      const cols = {
        request_id: [] as string[], request_ts: [] as number[], x1: [] as number[], x2: [] as number[], city: [] as string[],
        prediction: [] as string[], proba_a: [] as number[], proba_b: [] as number[], proba_c: [] as number[], model_version: [] as string[],
      };
      for (let i = from; i < to; i++) {
        const ts = START + d * DAY + Math.floor((i * DAY) / n);
        const raw = CLASSES.map(() => 0.05 + rng.nextDouble53());
        const sum = raw.reduce((a, b) => a + b, 0);
        const p = raw.map((r) => r / sum);
        const predicted = CLASSES[p.indexOf(Math.max(...p))]!;
        cols.request_id.push(requestId(d, i));
        cols.request_ts.push(ts);
        cols.x1.push(rng.nextDouble53() * 10 + d * 0.2);
        cols.x2.push(rng.nextDouble53() - 0.5);
        cols.city.push(['oslo', 'lima', 'pune'][rng.nextUint32() % 3]!);
        cols.prediction.push(predicted);
        cols.proba_a.push(p[0]!);
        cols.proba_b.push(p[1]!);
        cols.proba_c.push(p[2]!);
        cols.model_version.push(d < 5 ? 'v1' : 'v2');
        if (isLabelled(d, i)) {
          const label = trueClass(i, predicted);
          truth.set(requestId(d, i), label);
          const arrives = ts + (1 + (i % 3)) * DAY;
          const day = Math.floor((arrives - START) / DAY);
          const rows = feed.get(day) ?? [];
          rows.push({ id: requestId(d, i), label, ts: arrives });
          // A stale label for the same id, later in the file but recorded earlier: the latest label_ts must win.
          if (i % 10 === 0) rows.push({ id: requestId(d, i), label: CLASSES[(CLASSES.indexOf(label) + 2) % 3]!, ts: arrives - 3_600_000 });
          feed.set(day, rows);
        }
      }
      parts.push({
        day: d,
        part,
        columns: {
          request_id: { type: 'string', values: cols.request_id },
          request_ts: { type: 'timestamp', values: cols.request_ts },
          x1: { type: 'float64', values: cols.x1 },
          x2: { type: 'float64', values: cols.x2 },
          city: { type: 'string', values: cols.city },
          prediction: { type: 'string', values: cols.prediction },
          proba_a: { type: 'float64', values: cols.proba_a },
          proba_b: { type: 'float64', values: cols.proba_b },
          proba_c: { type: 'float64', values: cols.proba_c },
          model_version: { type: 'string', values: cols.model_version },
        },
      });
    }
  }
  // Labels for requests the log does not have (another model's traffic, or a typo upstream).
  const ghosts = feed.get(DAYS) ?? [];
  for (let k = 0; k < GHOST_LABELS; k++) ghosts.push({ id: `ghost-${k}`, label: 'a', ts: START + DAYS * DAY + k });
  feed.set(DAYS, ghosts);
  const labels = [...feed.entries()]
    .sort(([a], [b]) => a - b)
    .map(([day, rows]) => ({
      date: dayString(day),
      columns: {
        request_id: { type: 'string', values: rows.map((r) => r.id) },
        label: { type: 'string', values: rows.map((r) => r.label) },
        label_ts: { type: 'timestamp', values: rows.map((r) => r.ts) },
      } as Record<string, ParquetColumn>,
    }));
  return { parts, labels, truth };
}

/** The same columns without some of them (a serving system that does not log them). */
export function without(columns: Record<string, ParquetColumn>, drop: (name: string) => boolean): Record<string, ParquetColumn> {
  return Object.fromEntries(Object.entries(columns).filter(([name]) => !drop(name)));
}
