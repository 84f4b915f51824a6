import type { LabelCoverage } from '../ingest/labels.js';
import type { Column, Table } from '../ingest/table.js';
import {
  CONTRACT_ANALYSES,
  CONTRACT_COLUMNS,
  CONTRACT_VERSION,
  STANDARD_NAMES,
  type AnalysisVerdict,
  type ColumnVerdict,
  type ContractKey,
  type ContractReport,
} from '../schema/contract.js';

/** Column names as given by role flags; an absent role falls back to the contract's standard name. */
export interface ContractRoles {
  id?: string | undefined;
  timestamp?: string | undefined;
  prediction?: string | undefined;
  /** A prefix (`proba_`) or a list of column names. */
  proba?: string | string[] | undefined;
  label?: string | undefined;
  modelVersion?: string | undefined;
  labelTs?: string | undefined;
  ignore?: string[] | undefined;
  task?: 'classification' | 'regression' | undefined;
}

export interface ContractInput {
  uri: string;
  /** The operational log, partition columns included. */
  table: Table;
  roles: ContractRoles;
  /** The training data, to name the features; without it every column not taken by a role counts as a feature. */
  reference?: Table | undefined;
  /** Columns made from partition paths (not features). */
  partitionColumns?: string[] | undefined;
  /** The label feed, when one is given, and its join coverage (null when it could not be joined). */
  labels?: { uri: string; table: Table; coverage: LabelCoverage | null } | undefined;
  /**
   * Default true (`moa contract`): an unset role means the standard name. False (`moa run`): an unset role means
   * the analysis does not use that column, so it counts as absent, with a hint when the standard column is there.
   */
  standardNames?: boolean | undefined;
}

// Serving logs rarely hold many classes; more distinct integer predictions than this read as a regression.
const MAX_INTEGER_CLASSES = 20;
// Probability rows whose sum is off by more than this are counted as inconsistent.
const SUM_TOLERANCE = 1e-3;

const find = (t: Table, name: string | undefined): Column | undefined => (name === undefined ? undefined : t.columns.find((c) => c.name === name));

function nullShare(c: Column, rows: number): number {
  if (rows === 0) return 0;
  let nulls = 0;
  switch (c.type) {
    case 'numeric':
    case 'timestamp':
      for (let i = 0; i < rows; i++) if (c.nulls?.[i] || Number.isNaN(c.values[i]!)) nulls++;
      return nulls / rows;
    case 'tensor':
      for (let i = 0; i < rows; i++) if (c.nulls?.[i]) nulls++;
      return nulls / rows;
    case 'categorical':
      for (let i = 0; i < rows; i++) if (c.codes[i]! < 0) nulls++;
      return nulls / rows;
    case 'null':
      return 1;
    case 'unsupported':
      return 0;
  }
}

function probaColumns(t: Table, spec: string | string[] | undefined): { names: string[]; expected: string } {
  if (Array.isArray(spec)) return { names: spec.filter((n) => find(t, n)), expected: spec.join(', ') };
  const prefix = spec ?? STANDARD_NAMES.probaPrefix;
  return { names: t.columns.filter((c) => c.name.startsWith(prefix) && c.name.length > prefix.length).map((c) => c.name), expected: `${prefix}<class>` };
}

function inferTask(prediction: Column | undefined, proba: string[], given: ContractRoles['task']): 'classification' | 'regression' | null {
  if (given) return given;
  if (proba.length > 0) return 'classification';
  if (!prediction) return null;
  if (prediction.type === 'categorical') return 'classification';
  if (prediction.type !== 'numeric') return null;
  if (!prediction.integer) return 'regression';
  const distinct = new Set<number>();
  for (const v of prediction.values) if (!Number.isNaN(v) && distinct.add(v).size > MAX_INTEGER_CLASSES) return 'regression';
  return 'classification';
}

/** Check one operational log (and optionally its label feed) against the contract: which analyses it allows, and what to add. */
export function checkContract(input: ContractInput): ContractReport {
  const { table, roles } = input;
  const rows = table.rows;
  const name = {
    id: roles.id ?? STANDARD_NAMES.id,
    timestamp: roles.timestamp ?? STANDARD_NAMES.timestamp,
    prediction: roles.prediction ?? STANDARD_NAMES.prediction,
    label: roles.label ?? STANDARD_NAMES.label,
    modelVersion: roles.modelVersion ?? STANDARD_NAMES.modelVersion,
    labelTs: roles.labelTs ?? STANDARD_NAMES.labelTs,
  };
  const standard = input.standardNames ?? true;
  const proba = !standard && roles.proba === undefined ? { names: [], expected: `${STANDARD_NAMES.probaPrefix}<class>` } : probaColumns(table, roles.proba);
  const prediction = !standard && roles.prediction === undefined ? undefined : find(table, name.prediction);
  const task = inferTask(prediction, proba.names, roles.task);
  const verdicts = new Map<ContractKey, ColumnVerdict>();
  const base = (key: ContractKey) => {
    const spec = CONTRACT_COLUMNS.find((c) => c.key === key)!;
    return { key, standard: spec.name, required: spec.required };
  };

  /** A single named column: present when it exists, has an accepted type and is not all null. */
  const single = (key: ContractKey, column: string, types: Column['type'][], typeHint: string, t: Table = table): ColumnVerdict => {
    const flag = CONTRACT_COLUMNS.find((x) => x.key === key)!.flag;
    const roleSet = key === 'id' || key === 'timestamp' || key === 'prediction' || key === 'label' ? roles[key] !== undefined : true;
    if (!standard && flag && !roleSet && t === table) {
      const there = find(t, column) ? ` (the data has a column "${column}")` : '';
      return { ...base(key), column: null, present: false, problem: `not named: pass ${flag}${there}` };
    }
    const c = find(t, column);
    if (!c) return { ...base(key), column: null, present: false, problem: `no column "${column}"` };
    const share = nullShare(c, t.rows);
    if (!types.includes(c.type)) return { ...base(key), column, present: false, nullShare: share, problem: `"${column}" is ${c.type}; expected ${typeHint}` };
    if (share === 1) return { ...base(key), column, present: false, nullShare: share, problem: `"${column}" is null in every row` };
    return { ...base(key), column, present: true, nullShare: share };
  };

  // Features: the training columns when the reference is given, else every column no role takes.
  const taken = new Set<string>([
    name.id, name.timestamp, name.prediction, name.label, name.modelVersion, name.labelTs,
    ...proba.names, ...(Array.isArray(roles.proba) ? roles.proba : []),
    ...(input.partitionColumns ?? []), ...(roles.ignore ?? []),
  ]);
  const usable = (c: Column) => !taken.has(c.name) && c.type !== 'timestamp' && c.type !== 'unsupported' && c.type !== 'null';
  if (input.reference) {
    const wanted = input.reference.columns.filter(usable).map((c) => c.name);
    const missing = wanted.filter((n) => !find(table, n));
    verdicts.set('features', {
      ...base('features'),
      column: wanted.length ? `${wanted.length - missing.length} of ${wanted.length} training features` : null,
      present: wanted.length > 0 && missing.length === 0,
      count: wanted.length - missing.length,
      ...(missing.length ? { problem: `missing training feature(s): ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', …' : ''}` } : {}),
      ...(wanted.length === 0 ? { problem: 'the reference has no feature columns once the role columns are set aside' } : {}),
    });
  } else {
    const features = table.columns.filter(usable).map((c) => c.name);
    verdicts.set('features', {
      ...base('features'),
      column: features.length ? `${features.length} column(s): ${features.slice(0, 6).join(', ')}${features.length > 6 ? ', …' : ''}` : null,
      present: features.length > 0,
      count: features.length,
      ...(features.length ? {} : { problem: 'no column is left for features once the role columns are set aside' }),
    });
  }

  verdicts.set('prediction', single('prediction', name.prediction, ['categorical', 'numeric'], 'class names or numbers'));

  if (task === 'regression') {
    verdicts.set('proba', { ...base('proba'), column: null, present: false, problem: 'not applicable: regression' });
  } else if (proba.names.length === 0) {
    const unnamed = !standard && roles.proba === undefined;
    verdicts.set('proba', { ...base('proba'), column: null, present: false, problem: unnamed ? 'not named: pass --proba' : `no column ${proba.expected}` });
  } else {
    verdicts.set('proba', probaVerdict(table, proba.names, base('proba')));
  }

  verdicts.set('timestamp', single('timestamp', name.timestamp, ['timestamp'], "a timestamp type (e.g. pa.timestamp('ms', tz='UTC'))"));
  const id = single('id', name.id, ['categorical', 'numeric'], 'strings or integers');
  if (id.present) {
    const dup = duplicateShare(find(table, name.id)!, rows);
    if (dup > 0) id.problem = `${(dup * 100).toFixed(1)}% of rows repeat an earlier id; labels for them cannot be told apart`;
  }
  verdicts.set('id', id);
  verdicts.set('model_version', single('model_version', name.modelVersion, ['categorical', 'numeric'], 'a string'));

  // Labels: inline in the log, or from a feed that can be joined (the log has the id, the feed has id and label).
  const inline = single('label', name.label, ['categorical', 'numeric'], 'class names or numbers');
  let labelVerdict: ColumnVerdict = inline;
  let labelTs: ColumnVerdict = { ...base('label_ts'), column: null, present: false, problem: 'no label feed given' };
  if (input.labels) {
    const feed = input.labels.table;
    const feedLabel = single('label', name.label, ['categorical', 'numeric'], 'class names or numbers', feed);
    const feedId = find(feed, name.id);
    labelTs = single('label_ts', name.labelTs, ['timestamp'], 'a timestamp type', feed);
    if (!feedLabel.present) labelVerdict = inline.present ? inline : { ...feedLabel, problem: `label feed: ${feedLabel.problem}` };
    else if (!feedId) labelVerdict = inline.present ? inline : { ...feedLabel, present: false, problem: `the label feed has no id column "${name.id}"` };
    else if (!id.present) labelVerdict = inline.present ? inline : { ...feedLabel, present: false, problem: `the log has no usable id column "${name.id}" to join the label feed on` };
    else {
      const cov = input.labels.coverage;
      labelVerdict = { ...feedLabel, present: true, ...(cov && cov.fromFeed === 0 ? { problem: 'no feed id matches an id of the log' } : {}) };
    }
  }
  verdicts.set('label', labelVerdict);
  verdicts.set('label_ts', labelTs);

  const present = (key: ContractKey) => verdicts.get(key)!.present;
  const analyses: AnalysisVerdict[] = CONTRACT_ANALYSES.map((a) => {
    const common = { id: a.id, title: a.title, kind: a.kind, inputs: a.inputs };
    if (a.classificationOnly && task === 'regression') return { ...common, available: false, missing: [], note: 'classification only' };
    const missing = a.needs.filter((k) => !present(k));
    // Labels that are not logged inline come from a label feed, which is joined on the id.
    if (missing.includes('label') && !present('id') && !missing.includes('id')) missing.push('id');
    const note = a.id === 'late_labels' && missing.length === 0 && !input.labels ? 'give the label feed with --labels' : undefined;
    return { ...common, available: missing.length === 0, missing, ...(note ? { note } : {}) };
  });

  const add: ContractReport['add'] = [];
  for (const spec of CONTRACT_COLUMNS) {
    const unlocks = analyses.filter((a) => a.missing.includes(spec.key)).map((a) => a.title);
    if (present(spec.key) || (unlocks.length === 0 && !spec.required)) continue;
    if (spec.key === 'proba' && task === 'regression') continue;
    const column = spec.key === 'features' ? 'the training features, same names and types'
      : spec.key === 'label' ? `${name.label} (in a label feed with ${name.id} and ${name.labelTs}, or inline)`
      : spec.key === 'proba' ? proba.expected
      : ({ prediction: name.prediction, timestamp: name.timestamp, id: name.id, model_version: name.modelVersion, label_ts: name.labelTs } as Record<string, string>)[spec.key]!;
    add.push({ key: spec.key, column, type: spec.type, unlocks });
  }

  const coverage = input.labels?.coverage;
  return {
    apiVersion: 'moa/v1',
    kind: 'ContractReport',
    contract: CONTRACT_VERSION,
    uri: input.uri,
    rows,
    minimumMet: CONTRACT_COLUMNS.filter((c) => c.required).every((c) => present(c.key)),
    columns: CONTRACT_COLUMNS.map((c) => verdicts.get(c.key)!),
    analyses,
    add,
    ...(input.labels && coverage ? { labels: { uri: input.labels.uri, rows: input.labels.table.rows, coverage: coverage.coverage, labelled: coverage.labelled } } : {}),
  };
}

function probaVerdict(t: Table, names: string[], base: Pick<ColumnVerdict, 'key' | 'standard' | 'required'>): ColumnVerdict {
  const cols = names.map((n) => find(t, n)!);
  const wrong = cols.filter((c) => c.type !== 'numeric');
  if (wrong.length) return { ...base, column: names.join(', '), present: false, count: names.length, problem: `not numeric: ${wrong.map((c) => `${c.name} (${c.type})`).join(', ')}` };
  const numeric = cols as Extract<Column, { type: 'numeric' }>[];
  let outside = 0;
  let badSum = 0;
  let complete = 0;
  for (let i = 0; i < t.rows; i++) {
    let sum = 0;
    let nan = false;
    for (const c of numeric) {
      const v = c.values[i]!;
      if (Number.isNaN(v) || c.nulls?.[i]) nan = true;
      else if (v < 0 || v > 1) outside++;
      sum += v;
    }
    if (nan) continue;
    complete++;
    if (Math.abs(sum - 1) > SUM_TOLERANCE) badSum++;
  }
  const share = t.rows ? 1 - complete / t.rows : 0;
  const problems = [
    outside ? `${outside} value(s) outside [0, 1]` : '',
    badSum && numeric.length > 1 ? `${((badSum / Math.max(complete, 1)) * 100).toFixed(1)}% of rows do not sum to 1 (all classes logged?)` : '',
  ].filter(Boolean);
  return {
    ...base,
    column: names.length > 4 ? `${names.slice(0, 4).join(', ')}, … (${names.length})` : names.join(', '),
    present: complete > 0 && outside === 0,
    count: names.length,
    nullShare: share,
    ...(problems.length ? { problem: problems.join('; ') } : complete === 0 ? { problem: 'null in every row' } : {}),
  };
}

function duplicateShare(c: Column, rows: number): number {
  if (rows === 0) return 0;
  const seen = new Set<string | number>();
  let dup = 0;
  for (let i = 0; i < rows; i++) {
    const k = c.type === 'categorical' ? c.codes[i]! : c.type === 'numeric' ? c.values[i]! : i;
    if (c.type === 'categorical' && (k as number) < 0) continue;
    if (seen.has(k)) dup++;
    else seen.add(k);
  }
  return dup / rows;
}
