import { dataError, usageError } from '../errors.js';
import type { Dataset } from './dataset.js';
import { parseTime } from './csv.js';
import type { Column, Table } from './table.js';
import { CHECKS, type CheckOf } from '../checks/index.js';

type LabelJoinCheck = CheckOf<typeof CHECKS.labelJoin>;

/**
 * Late labels: a label feed (id, label, label time) written when outcomes become known, days after the
 * predictions, joined back onto the operational rows by id. The latest label per id wins.
 */

export interface LabelJoinOptions {
  /** Id column, in both the operational data and the feed. */
  id: string;
  /** Label column the join fills in the operational data (where labels may also be logged inline). */
  label: string;
  /** Label column of the feed, when it is named differently (`--label-feed-column`); default `label`. */
  feedLabel?: string | undefined;
  /** Label time column of the feed; when absent or missing, the last row in feed order wins. */
  labelTs?: string | undefined;
  /** Event-time column of the operational rows, for coverage by day. */
  timestamp?: string | undefined;
  /** Fallback day column (a `date=` partition column) when there is no event time. */
  dayColumn?: string | undefined;
  /** For messages. */
  uri: string;
}

export interface DayCoverage {
  day: string;
  rows: number;
  labelled: number;
  coverage: number;
}

export interface LabelCoverage {
  rows: number;
  /** Operational rows with a label after the join (from the feed or already inline). */
  labelled: number;
  coverage: number;
  /** Rows labelled from the feed (the rest of `labelled` were labelled inline). */
  fromFeed: number;
  feedRows: number;
  /** Distinct ids with a non-null label in the feed. */
  feedIds: number;
  /** Feed ids that match no operational row (labels for rows outside the window, or wrong ids). */
  unmatchedIds: number;
  /** Feed rows that lost to a later label for the same id. */
  superseded: number;
  /** Coverage per UTC day of the operational rows, oldest first; empty when rows have no time. */
  byDay: DayCoverage[];
  /** Where the day came from. */
  dayFrom: string | null;
}

/**
 * A key column as codes (-1 = null) into distinct key strings; categorical columns already are. Numbers become
 * their decimal form, so an id logged as 17 meets "17" in the feed.
 */
function interned(c: Column): { codes: Int32Array; keys: string[] } {
  if (c.type === 'categorical') return { codes: c.codes, keys: c.categories };
  const codes = new Int32Array(c.type === 'numeric' ? c.values.length : 0).fill(-1);
  const keys: string[] = [];
  if (c.type !== 'numeric') return { codes, keys };
  const index = new Map<number, number>();
  for (let i = 0; i < codes.length; i++) {
    const v = c.values[i]!;
    if (Number.isNaN(v) || c.nulls?.[i]) continue;
    let k = index.get(v);
    if (k === undefined) (k = keys.length), index.set(v, k), keys.push(String(v));
    codes[i] = k;
  }
  return { codes, keys };
}

function isMissing(c: Column, i: number): boolean {
  if (c.type === 'categorical') return c.codes[i]! < 0;
  if (c.type === 'numeric' || c.type === 'timestamp') return !!c.nulls?.[i] || Number.isNaN(c.values[i]!);
  return true;
}

const column = (t: Table, name: string): Column | undefined => t.columns.find((c) => c.name === name);
const DAY_MS = 86_400_000;

/**
 * Join a label feed onto operational rows by id. Feed labels replace inline labels where both exist (the feed is
 * the later, corrected truth); rows the feed does not cover keep their inline label. Returns a new dataset.
 */
export function joinLabels(operational: Dataset, feed: Table, options: LabelJoinOptions): { dataset: Dataset; coverage: LabelCoverage } {
  const { id, label, uri } = options;
  const feedLabel = options.feedLabel ?? label;
  const leftId = operational.columns.get(id);
  const rightId = column(feed, id);
  const rightLabel = column(feed, feedLabel);
  if (!leftId) {
    throw dataError('data.id_missing', `The operational data has no id column "${id}" to join the labels at ${uri} on.`, {
      subject: operational.uri,
      fix: 'Log a stable request id with every prediction (contract column request_id) and name it with --id.',
    });
  }
  if (!rightId || !rightLabel) {
    const has = feed.columns.map((c) => c.name).join(', ');
    throw dataError('data.labels_columns', `The label feed at ${uri} lacks the ${!rightId ? `id column "${id}"` : `label column "${feedLabel}"`} (it has: ${has}).`, {
      subject: uri,
      fix: 'Write the label feed with the columns request_id, label, label_ts, or name them with --id and --label-feed-column (default: the --label column).',
    });
  }
  for (const [c, where] of [[leftId, operational.uri], [rightId, uri]] as const) {
    if (c.type !== 'categorical' && c.type !== 'numeric') {
      throw dataError('data.id_type', `The id column "${id}" of ${where} is ${c.type}; ids must be strings or integers.`, { subject: where, fix: 'Log the id as a string or an integer.' });
    }
  }
  if (rightLabel.type !== 'categorical' && rightLabel.type !== 'numeric') {
    throw dataError('data.labels_type', `The label column "${feedLabel}" of ${uri} is ${rightLabel.type}; labels must be strings, booleans or numbers.`, { subject: uri, fix: 'Write labels as class names or numbers.' });
  }
  const labelTs = options.labelTs ? labelTimes(column(feed, options.labelTs), options.labelTs, uri) : undefined;

  // Ids as codes into a list of distinct keys, so strings are compared once per distinct id, not once per row.
  const right = interned(rightId);
  const left = interned(leftId);
  // The winning feed row per id: latest label time; ties and missing times go to the later row in feed order.
  const best = new Int32Array(right.keys.length).fill(-1);
  let feedRows = 0;
  let superseded = 0;
  for (let i = 0; i < feed.rows; i++) {
    const k = right.codes[i]!;
    if (k < 0 || isMissing(rightLabel, i)) continue;
    feedRows++;
    const prev = best[k]!;
    if (prev < 0) {
      best[k] = i;
      continue;
    }
    superseded++;
    if (!labelTs || timeOf(labelTs, i) >= timeOf(labelTs, prev)) best[k] = i;
  }
  const rowOfKey = new Map<string, number>();
  for (let k = 0; k < best.length; k++) if (best[k]! >= 0) rowOfKey.set(right.keys[k]!, best[k]!);

  const n = operational.rows;
  const rowOfLeft = new Int32Array(left.keys.length);
  for (let k = 0; k < left.keys.length; k++) rowOfLeft[k] = rowOfKey.get(left.keys[k]!) ?? -1;
  const picks = new Int32Array(n).fill(-1);
  // Count matched ids among the ids rows actually carry (a windowed column keeps the categories of dropped rows).
  const seen = new Uint8Array(left.keys.length);
  let matchedIds = 0;
  for (let i = 0; i < n; i++) {
    const k = left.codes[i]!;
    if (k < 0) continue;
    const row = rowOfLeft[k]!;
    if (row < 0) continue;
    picks[i] = row;
    if (!seen[k]) (seen[k] = 1), matchedIds++;
  }
  const inline = operational.columns.get(label);
  const merged = mergeLabels(inline, rightLabel, picks, label, operational.uri, uri);
  let labelled = 0;
  let fromFeed = 0;
  for (let i = 0; i < n; i++) {
    if (picks[i]! >= 0) fromFeed++;
    if (!isMissing(merged, i)) labelled++;
  }
  const columns = new Map(operational.columns);
  columns.set(label, merged);
  const { byDay, dayFrom } = coverageByDay(operational, merged, options);
  return {
    dataset: { ...operational, columns },
    coverage: {
      rows: n,
      labelled,
      coverage: n === 0 ? 0 : labelled / n,
      fromFeed,
      feedRows,
      feedIds: rowOfKey.size,
      unmatchedIds: rowOfKey.size - matchedIds,
      superseded,
      byDay,
      dayFrom,
    },
  };
}

/**
 * The label time column as times. Text formats (CSV, JSON Lines) carry times as text: ISO 8601 and epoch
 * numbers are read as in `--since`; Parquet and Arrow carry timestamps or epoch numbers.
 */
function labelTimes(c: Column | undefined, name: string, uri: string): Column | undefined {
  if (!c || c.type === 'timestamp' || c.type === 'numeric') return c;
  if (c.type === 'categorical' && !c.boolean) {
    const times = c.categories.map(parseTime);
    const bad = c.categories.filter((_, k) => Number.isNaN(times[k]));
    if (bad.length === 0) {
      const values = new Float64Array(c.codes.length);
      let missing = false;
      for (let i = 0; i < values.length; i++) {
        const code = c.codes[i]!;
        values[i] = code < 0 ? NaN : times[code]!;
        if (code < 0) missing = true;
      }
      return { name: c.name, type: 'timestamp', values, nulls: missing ? Uint8Array.from(c.codes, (code) => (code < 0 ? 1 : 0)) : null };
    }
    throw dataError('data.labels_type', `The label time column "${name}" of ${uri} holds text that is not a time (e.g. "${bad[0]!.slice(0, 40)}"; ${bad.length} such value(s)).`, {
      subject: uri,
      fix: 'Write label times as ISO 8601 (2026-01-05T12:00:00Z) or epoch seconds / milliseconds in CSV and JSON Lines, or as a timestamp column in Parquet.',
    });
  }
  throw dataError('data.labels_type', `The label time column "${name}" of ${uri} is ${c.type === 'categorical' ? 'boolean' : c.type}, not a time.`, {
    subject: uri,
    fix: 'Write label times as ISO 8601 or epoch numbers in CSV and JSON Lines, or as a timestamp column in Parquet.',
  });
}

function timeOf(c: Column, i: number): number {
  // Rows without a label time lose to rows with one.
  return isMissing(c, i) ? -Infinity : (c as Extract<Column, { type: 'numeric' | 'timestamp' }>).values[i]!;
}

/** The label column after the join: the feed's label where it has one, else the inline label, in one type. */
function mergeLabels(inline: Column | undefined, feed: Column, picks: Int32Array, name: string, opUri: string, feedUri: string): Column {
  const n = picks.length;
  const usable = inline && (inline.type === 'categorical' || inline.type === 'numeric') ? inline : undefined;
  if (inline && !usable && inline.type !== 'null') {
    throw dataError('data.labels_type', `The inline label column "${name}" of ${opUri} is ${inline.type} and cannot be merged with the labels of ${feedUri}.`, { subject: opUri, fix: 'Log labels as class names or numbers, or drop the inline column.' });
  }
  if (feed.type === 'numeric' && (!usable || usable.type === 'numeric')) {
    const values = new Float64Array(n);
    const nulls = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const p = picks[i]!;
      const v = p >= 0 ? feed.values[p]! : usable && !isMissing(usable, i) ? (usable as Extract<Column, { type: 'numeric' }>).values[i]! : NaN;
      values[i] = v;
      if (Number.isNaN(v)) nulls[i] = 1;
    }
    const integer = feed.integer && (!usable || (usable as Extract<Column, { type: 'numeric' }>).integer);
    return { name, type: 'numeric', values, nulls, integer };
  }
  // Categorical (or mixed, compared as text, so a feed of "1"/"0" meets an inline 1/0): one category list,
  // remapped per distinct value rather than per row.
  const fromFeed = interned(feed);
  const fromInline = usable ? interned(usable) : undefined;
  const categories: string[] = [];
  const index = new Map<string, number>();
  const remap = (keys: string[]) => Int32Array.from(keys, (k) => index.get(k) ?? (index.set(k, categories.length), categories.push(k) - 1));
  const feedMap = remap(fromFeed.keys);
  const inlineMap = fromInline ? remap(fromInline.keys) : undefined;
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const p = picks[i]!;
    const k = p >= 0 ? fromFeed.codes[p]! : fromInline ? fromInline.codes[i]! : -1;
    codes[i] = k < 0 ? -1 : p >= 0 ? feedMap[k]! : inlineMap![k]!;
  }
  // Keep only classes some row has (a windowed column still lists the categories of the rows it dropped).
  const used = new Int32Array(categories.length).fill(-1);
  const kept: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = codes[i]!;
    if (k < 0) continue;
    if (used[k]! < 0) (used[k] = kept.length), kept.push(categories[k]!);
    codes[i] = used[k]!;
  }
  const boolean = feed.type === 'categorical' && feed.boolean;
  return { name, type: 'categorical', codes, categories: kept, boolean };
}

function coverageByDay(operational: Dataset, merged: Column, options: LabelJoinOptions): { byDay: DayCoverage[]; dayFrom: string | null } {
  const candidates = [options.timestamp, options.dayColumn].filter((c): c is string => !!c);
  const time = candidates.map((c) => operational.columns.get(c)).find((c) => c?.type === 'timestamp') as Extract<Column, { type: 'timestamp' }> | undefined;
  if (!time) return { byDay: [], dayFrom: null };
  // Days as integers while counting; one date string per day at the end. NaN stands for "no time".
  const days = new Map<number, { rows: number; labelled: number }>();
  for (let i = 0; i < operational.rows; i++) {
    const t = time.values[i]!;
    const day = Number.isNaN(t) || time.nulls?.[i] ? NaN : Math.floor(t / DAY_MS);
    let d = days.get(day);
    if (!d) days.set(day, (d = { rows: 0, labelled: 0 }));
    d.rows++;
    if (!isMissing(merged, i)) d.labelled++;
  }
  const name = (day: number) => (Number.isNaN(day) ? 'no time' : new Date(day * DAY_MS).toISOString().slice(0, 10));
  const byDay = [...days.entries()]
    .map(([day, d]) => ({ day: name(day), rows: d.rows, labelled: d.labelled, coverage: d.labelled / d.rows }))
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  return { byDay, dayFrom: time.name };
}

export interface LabelCheckOptions {
  uri: string;
  id: string;
  /** Below this share of labelled rows the check warns (labels arrive late; little coverage is not broken data). */
  minCoverage: number;
}

/**
 * The join as an ingest check (kind `label_join`): warn below the coverage floor, fail when no row matched at all
 * (the ids of feed and log do not meet: a wrong id column or a wrong feed).
 */
export function labelJoinCheck(coverage: LabelCoverage, options: LabelCheckOptions): LabelJoinCheck {
  const { uri, id, minCoverage } = options;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const none = coverage.fromFeed === 0 && coverage.feedRows > 0;
  const status = none ? 'fail' : coverage.coverage < minCoverage ? 'warn' : 'pass';
  const days = coverage.byDay.length
    ? `; by day from ${coverage.byDay[0]!.day} (${pct(coverage.byDay[0]!.coverage)}) to ${coverage.byDay[coverage.byDay.length - 1]!.day} (${pct(coverage.byDay[coverage.byDay.length - 1]!.coverage)})`
    : '';
  const summary = none
    ? `None of the ${coverage.feedIds} labelled ids in ${uri} matches an operational row on "${id}": check --id and the label feed.`
    : `${coverage.labelled} of ${coverage.rows} operational rows have a label (${pct(coverage.coverage)}), ${coverage.fromFeed} from the label feed${days}.`;
  return {
    id: 'ingest.labels_join',
    stage: CHECKS.labelJoin.stage,
    kind: CHECKS.labelJoin.kind,
    status,
    method: `join on ${id}, latest label per id`,
    figures: {
      rows: coverage.rows,
      labelled: coverage.labelled,
      coverage: coverage.coverage,
      fromFeed: coverage.fromFeed,
      feedRows: coverage.feedRows,
      feedIds: coverage.feedIds,
      unmatchedIds: coverage.unmatchedIds,
      superseded: coverage.superseded,
    },
    threshold: { minCoverage },
    summary,
    details: { uri, byDay: coverage.byDay, dayFrom: coverage.dayFrom },
  };
}

/** `--labels` needs the id role; say so before reading anything. */
export function requireLabelId(id: string | undefined): string {
  if (id) return id;
  throw usageError('columns.id_required', '--labels needs --id: late labels are joined on the id column.', {
    subject: 'columns.id',
    fix: 'Pass --id <column> naming the request id logged with each prediction and written again with each label (contract name: request_id).',
  });
}
