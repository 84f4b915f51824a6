import { dataError, usageError } from '../errors.js';
import type { Config, Task } from '../schema/config.js';
import { numericToCategorical } from './formats.js';
import type { Column, Table } from './table.js';

export type DatasetRole = 'reference' | 'operational' | 'validation';

/** A table with the column roles resolved: what the analysis stages see. */
export interface Dataset {
  role: DatasetRole;
  uri: string;
  rows: number;
  columns: Map<string, Column>;
}

export interface ProbaColumn {
  column: string;
  className: string;
}

export interface Roles {
  task: Task | null;
  label?: string;
  prediction?: string;
  proba: ProbaColumn[];
  timestamp?: string;
  id?: string;
  /** Serving model version column (metadata, never a feature). */
  modelVersion?: string;
  /** Input features in reference column order. */
  features: string[];
  /** Columns left out, with why (ignored, unsupported type). */
  excluded: { column: string; reason: string }[];
}

export function toDataset(role: DatasetRole, uri: string, table: Table): Dataset {
  return { role, uri, rows: table.rows, columns: new Map(table.columns.map((c) => [c.name, c])) };
}

/**
 * Resolve `--proba`: explicit names, or a prefix whose remainder is the class name. `names` are the columns of
 * every input that may hold them (`where` says which, for the error): probabilities are model outputs, which
 * training data rarely holds, so they may live in the operational data, the predictions joined onto it, or the
 * validation data.
 */
export function resolveProba(spec: Config['columns']['proba'], names: string[], where = 'the input data'): ProbaColumn[] {
  if (spec === undefined) return [];
  const sample = `${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''}`;
  if (Array.isArray(spec)) {
    const missing = spec.filter((n) => !names.includes(n));
    if (missing.length) {
      throw usageError('columns.proba_missing', `--proba names columns that none of ${where} has: ${missing.join(', ')}.`, {
        subject: 'columns.proba',
        fix: `Use column names from ${where} (they have: ${sample}).`,
      });
    }
    const prefix = commonPrefix(spec);
    const cut = spec.length > 1 && /[_.:-]$/.test(prefix) ? prefix.length : 0;
    return spec.map((column) => ({ column, className: column.slice(cut) }));
  }
  const matches = names.filter((n) => n.startsWith(spec) && n.length > spec.length);
  if (matches.length === 0 && names.includes(spec)) return [{ column: spec, className: spec }];
  if (matches.length === 0) {
    throw usageError('columns.proba_missing', `--proba "${spec}" matches no column of ${where}.`, {
      subject: 'columns.proba',
      fix: `Give a prefix such as proba_ (columns proba_<class>) or a comma-separated list of column names (they have: ${sample}).`,
    });
  }
  return matches.map((column) => ({ column, className: column.slice(spec.length) }));
}

/** Column names of the inputs in order (reference first), each once: where a role's column may be found. */
function columnNames(datasets: Dataset[]): string[] {
  return [...new Set(datasets.flatMap((d) => [...d.columns.keys()]))];
}

/** Which inputs a role's columns may live in, for messages: the reference and the others by their roles. */
function inputNames(reference: Dataset, others: Dataset[]): string {
  return `the inputs (${[reference, ...others].map((d) => d.role).join(', ')})`;
}

function commonPrefix(names: string[]): string {
  let prefix = names[0] ?? '';
  for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/**
 * Decide the roles of the reference columns from the config, re-type columns declared categorical, and bring
 * label and prediction to a common categorical form for classification. Mutates nothing; returns new datasets.
 */
export function resolveRoles(config: Config, reference: Dataset, others: Dataset[]): { roles: Roles; datasets: Dataset[] } {
  const names = [...reference.columns.keys()];
  const c = config.columns;
  for (const [key, column] of [
    ['label', c.label],
    ['prediction', c.prediction],
    ['timestamp', c.timestamp],
    ['id', c.id],
  ] as const) {
    if (column !== undefined && !names.includes(column) && !others.some((d) => d.columns.has(column))) {
      throw usageError(`columns.${key}_missing`, `The ${key} column "${column}" is in none of the input datasets.`, {
        subject: `columns.${key}`,
        fix: `Check --${key}; the reference data has: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''}.`,
      });
    }
  }
  if (c.modelVersion !== undefined && !names.includes(c.modelVersion) && !others.some((d) => d.columns.has(c.modelVersion!))) {
    throw usageError('columns.model_version_missing', `The model version column "${c.modelVersion}" is in none of the input datasets.`, {
      subject: 'columns.modelVersion',
      fix: `Check --model-version; the operational data has: ${[...(others[0]?.columns.keys() ?? [])].slice(0, 20).join(', ')}.`,
    });
  }
  for (const column of c.categorical) {
    if (!names.includes(column)) {
      throw usageError('columns.categorical_missing', `--categorical names "${column}", which the reference data does not have.`, {
        subject: 'columns.categorical',
        fix: 'Use column names from the reference data.',
      });
    }
  }
  // Model outputs may live in any input; the reference needs only the features (README, column roles).
  const proba = resolveProba(c.proba, columnNames([reference, ...others]), inputNames(reference, others));
  const taken = new Set([c.label, c.prediction, c.timestamp, c.id, ...proba.map((p) => p.column)].filter(Boolean) as string[]);
  const excluded: Roles['excluded'] = [];
  const features: string[] = [];
  for (const name of names) {
    if (taken.has(name)) continue;
    const column = reference.columns.get(name)!;
    if (c.ignore.includes(name)) excluded.push({ column: name, reason: 'ignored by configuration' });
    else if (column.type === 'unsupported') excluded.push({ column: name, reason: `unsupported type (${column.detail})` });
    else if (column.type === 'timestamp') excluded.push({ column: name, reason: 'timestamp column (not a feature)' });
    else if (name === c.modelVersion) excluded.push({ column: name, reason: 'model version column (not a feature)' });
    else features.push(name);
  }
  const task = config.task ?? inferTask(reference, others, c.label, c.prediction, proba);
  if (task === 'regression') assertNumericTargets([reference, ...others], [['label', c.label], ['prediction', c.prediction]]);
  const categorical = new Set(c.categorical);
  if (task === 'classification') {
    if (c.label) categorical.add(c.label);
    if (c.prediction) categorical.add(c.prediction);
  }
  const datasets = [reference, ...others].map((d) => retype(d, categorical));
  if (task === 'classification') alignClasses(datasets, [c.label, c.prediction].filter(Boolean) as string[]);
  const roles: Roles = { task, proba, features, excluded };
  if (c.label) roles.label = c.label;
  if (c.prediction) roles.prediction = c.prediction;
  if (c.timestamp) roles.timestamp = c.timestamp;
  if (c.id) roles.id = c.id;
  if (c.modelVersion) roles.modelVersion = c.modelVersion;
  return { roles, datasets };
}

/** A regression target must be a number in every dataset: text labels would otherwise be analysed as quantities. */
function assertNumericTargets(datasets: Dataset[], roles: [string, string | undefined][]): void {
  for (const [role, name] of roles) {
    if (!name) continue;
    for (const d of datasets) {
      const column = d.columns.get(name);
      if (!column || column.type === 'numeric' || column.type === 'null') continue;
      const example = column.type === 'categorical' ? column.categories.find((v) => v !== '') : undefined;
      throw usageError('columns.task_mismatch', `--task regression, but the ${role} column "${name}" of ${d.uri} holds ${column.type === 'categorical' ? 'text' : column.type} values${example !== undefined ? ` (e.g. "${example.slice(0, 40)}")` : ''}, not numbers.`, {
        subject: `columns.${role}`,
        fix: `Use --task classification (or leave --task out to infer it), or point --${role} at a numeric column.`,
      });
    }
  }
}

function inferTask(reference: Dataset, others: Dataset[], label?: string, prediction?: string, proba: ProbaColumn[] = []): Task | null {
  if (proba.length > 0) return 'classification';
  for (const name of [label, prediction]) {
    if (!name) continue;
    const column = reference.columns.get(name) ?? others.map((d) => d.columns.get(name)).find(Boolean);
    if (!column) continue;
    if (column.type === 'categorical') return 'classification';
    if (column.type === 'numeric') {
      // Few distinct integers read as classes; anything else is a quantity.
      if (!column.integer) return 'regression';
      const distinct = new Set<number>();
      for (const v of column.values) if (!Number.isNaN(v) && distinct.add(v).size > 20) return 'regression';
      return 'classification';
    }
  }
  return null;
}

function retype(d: Dataset, categorical: Set<string>): Dataset {
  const columns = new Map(d.columns);
  for (const name of categorical) {
    const column = columns.get(name);
    if (column?.type === 'numeric') columns.set(name, numericToCategorical(column));
  }
  return { ...d, columns };
}

/** Give label and prediction columns one shared category list, so codes compare across datasets and columns. */
function alignClasses(datasets: Dataset[], names: string[]): void {
  const classes: string[] = [];
  const seen = new Set<string>();
  for (const d of datasets) {
    for (const name of names) {
      const column = d.columns.get(name);
      if (column?.type !== 'categorical') continue;
      for (const cat of column.categories) if (!seen.has(cat)) (seen.add(cat), classes.push(cat));
    }
  }
  const index = new Map(classes.map((cls, i) => [cls, i]));
  for (const d of datasets) {
    for (const name of names) {
      const column = d.columns.get(name);
      if (column?.type !== 'categorical') continue;
      const codes = new Int32Array(column.codes.length);
      for (let i = 0; i < codes.length; i++) {
        const code = column.codes[i]!;
        codes[i] = code < 0 ? -1 : index.get(column.categories[code]!)!;
      }
      d.columns.set(name, { ...column, codes, categories: classes });
    }
  }
}

/** Join operational predictions stored apart onto the operational rows by id; returns the joined dataset and coverage. */
export function joinPredictions(operational: Dataset, predictions: Table, id: string | undefined, uri: string): { dataset: Dataset; matched: number; added: string[] } {
  if (!id) {
    throw usageError('columns.id_required', '--predictions needs --id: predictions stored apart are joined on the id column.', {
      subject: 'columns.id',
      fix: 'Pass --id <column> naming the row id present in both the operational data and the predictions.',
    });
  }
  const left = operational.columns.get(id);
  const right = predictions.columns.find((c) => c.name === id);
  if (!left) {
    throw dataError('data.id_missing', `The operational data has no id column "${id}" to join predictions on.`, { subject: operational.uri, fix: 'Check --id.' });
  }
  if (!right) {
    throw dataError('data.id_missing', `The predictions at ${uri} have no id column "${id}".`, { subject: uri, fix: 'Check --id, or write the id with each prediction.' });
  }
  const key = (c: Column, i: number): string | null =>
    c.type === 'categorical' ? (c.codes[i]! < 0 ? null : c.categories[c.codes[i]!]!) : c.type === 'numeric' ? (Number.isNaN(c.values[i]!) ? null : String(c.values[i])) : null;
  const rowOf = new Map<string, number>();
  for (let i = 0; i < predictions.rows; i++) {
    const k = key(right, i);
    if (k !== null) rowOf.set(k, i); // the latest prediction for an id wins
  }
  const picks = new Int32Array(operational.rows);
  let matched = 0;
  for (let i = 0; i < operational.rows; i++) {
    const k = key(left, i);
    const row = k === null ? undefined : rowOf.get(k);
    picks[i] = row ?? -1;
    if (row !== undefined) matched++;
  }
  const columns = new Map(operational.columns);
  const added: string[] = [];
  for (const column of predictions.columns) {
    if (column.name === id) continue;
    columns.set(column.name, take(column, picks));
    added.push(column.name);
  }
  return { dataset: { ...operational, columns }, matched, added };
}

/** Rows of a column by index (-1 = null). */
export function take(c: Column, picks: Int32Array): Column {
  const n = picks.length;
  switch (c.type) {
    case 'numeric':
    case 'timestamp': {
      const values = new Float64Array(n);
      const nulls = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const p = picks[i]!;
        if (p < 0 || (c.nulls && c.nulls[p])) (values[i] = NaN), (nulls[i] = 1);
        else values[i] = c.values[p]!;
      }
      return c.type === 'numeric' ? { ...c, values, nulls } : { ...c, values, nulls };
    }
    case 'categorical': {
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) codes[i] = picks[i]! < 0 ? -1 : c.codes[picks[i]!]!;
      return { ...c, codes };
    }
    case 'tensor': {
      const values = new Float32Array(n * c.size);
      const nulls = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const p = picks[i]!;
        if (p < 0) nulls[i] = 1;
        else values.set(c.values.subarray(p * c.size, (p + 1) * c.size), i * c.size);
      }
      return { ...c, values, nulls };
    }
    case 'null':
    case 'unsupported':
      return { ...c, length: n };
  }
}


/** The model-output roles a check may need from an input. */
export type OutputRole = 'label' | 'prediction' | 'proba';

/**
 * Whether an input holds every column of these roles (each probability column numeric): a check reading those
 * roles can use it. Roles not configured are never held.
 */
export function holdsRoles(d: Dataset | undefined, roles: Roles, need: readonly OutputRole[]): d is Dataset {
  if (!d) return false;
  return need.every((role) => {
    if (role === 'proba') return roles.proba.length > 0 && roles.proba.every((p) => d.columns.get(p.column)?.type === 'numeric');
    const name = roles[role];
    const column = name === undefined ? undefined : d.columns.get(name);
    return column !== undefined && column.type !== 'null' && column.type !== 'unsupported';
  });
}

/**
 * The input the operational data's model outputs are compared with: the validation data when it holds the roles
 * (held out, so its outputs are out-of-sample like the operational ones), else the reference when it does, else
 * none (the check is then skipped and says why).
 */
export function outputBaseline(reference: Dataset, validation: Dataset | undefined, roles: Roles, need: readonly OutputRole[]): Baseline | undefined {
  const found = holdsRoles(validation, roles, need) ? validation : holdsRoles(reference, roles, need) ? reference : undefined;
  return found && found.role !== 'operational' ? (found as Baseline) : undefined;
}

/** An input the operational data is compared with. */
export type Baseline = Dataset & { role: Exclude<DatasetRole, 'operational'> };

/** Names of the columns behind these roles, for messages (`proba_a, proba_b`, `predicted`). */
export function roleColumns(roles: Roles, need: readonly OutputRole[]): string {
  return need.flatMap((role) => (role === 'proba' ? roles.proba.map((p) => p.column) : roles[role] ? [roles[role]] : [])).join(', ');
}
