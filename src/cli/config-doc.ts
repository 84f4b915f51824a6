/**
 * docs/configuration.md, generated from the zod config schema (through its JSON Schema, the same one that is
 * committed as schemas/config.schema.json): every key with its type, default, flag, meaning and an example.
 * `npm run schemas` rewrites the file; test/schema/configuration-doc.test.ts fails when it falls behind.
 */
import { stringify } from 'yaml';
import { jsonSchemaOf } from '../schema/json-schema.js';

type Node = Record<string, unknown> & {
  type?: string;
  properties?: Record<string, Node>;
  items?: Node;
  anyOf?: Node[];
  enum?: unknown[];
  default?: unknown;
  description?: string;
  additionalProperties?: Node | boolean;
};

/** The `moa run` flag that sets each key (flags win over the config file). */
export const FLAG_OF_KEY: Record<string, string> = {
  reference: '--reference',
  operational: '--operational',
  referenceProfile: '--reference-profile',
  operationalProfile: '--operational-profile',
  out: '--out',
  validation: '--validation',
  predictions: '--predictions',
  history: '--history',
  'labels.uri': '--labels',
  'labels.column': '--label-feed-column',
  'window.since': '--since',
  'window.until': '--until',
  format: '--format',
  task: '--task',
  'columns.label': '--label',
  'columns.prediction': '--prediction',
  'columns.proba': '--proba',
  'columns.timestamp': '--timestamp',
  'columns.id': '--id',
  'columns.modelVersion': '--model-version',
  'columns.categorical': '--categorical',
  'columns.ignore': '--ignore',
  outputParams: '--output-params',
  'select.format': '--selection-format',
  full: '--full',
  seed: '--seed',
};

/** Examples for the keys that have no default (a key with a default uses its default as the example). */
export const EXAMPLES: Record<string, unknown> = {
  reference: 's3://ml-data/churn/train/',
  operational: 's3://ml-logs/churn/2026-11/',
  referenceProfile: 's3://ml-runs/churn/profiles/reference/profile.json',
  operationalProfile: 's3://ml-runs/churn/profiles/2026-11/profile.json',
  out: 's3://ml-runs/churn/moa/2026-11-29/',
  validation: 's3://ml-data/churn/validation.parquet',
  predictions: 's3://ml-logs/churn/predictions/',
  history: 's3://ml-runs/churn/moa/',
  'labels.uri': 's3://ml-logs/churn/labels/',
  'labels.column': 'outcome',
  'window.since': '2026-11-01',
  'window.until': '2026-11-29T00:00:00Z',
  format: 'parquet',
  task: 'classification',
  'columns.label': 'churned',
  'columns.prediction': 'predicted',
  'columns.proba': 'proba_',
  'columns.timestamp': 'ts',
  'columns.id': 'request_id',
  'columns.modelVersion': 'model_version',
  'columns.categorical': ['plan', 'region'],
  'columns.ignore': ['customer_name'],
  'columns.types': { ts: 'timestamp', zip: 'categorical' },
  outputParams: '/tmp/moa/params',
  // Per-check α overrides: absent, each family gets its share of plan.alpha (docs/plan.md).
  'drift.alpha': 0.01,
  'performance.alpha': 0.01,
  'audit.slices.fdr': 0.05,
  'analyze.outputDrift.alpha': 0.01,
  'analyze.multivariate.alpha': 0.005,
  'analyze.tensor.alpha': 0.01,
  'analyze.novelty.alpha': 0.005,
  'analyze.quality.alpha': 0.0025,
  'evidence.alpha': 0.005,
};

/** Keys required unless their alternative is given (the schema's refinement says so; its JSON Schema cannot). */
const REQUIRED_UNLESS: Record<string, string> = { reference: 'referenceProfile', operational: 'operationalProfile' };

/** Keys shown with an example in the table but left out of the example config: their absence is the usual choice. */
const TABLE_ONLY = new Set(['drift.alpha', 'performance.alpha', 'audit.slices.fdr', 'analyze.outputDrift.alpha', 'analyze.multivariate.alpha', 'analyze.tensor.alpha', 'analyze.novelty.alpha', 'analyze.quality.alpha', 'evidence.alpha', 'history', 'referenceProfile', 'operationalProfile']);

export interface ConfigKey {
  path: string;
  type: string;
  default: unknown;
  hasDefault: boolean;
  required: boolean;
  description: string;
  flag: string | undefined;
  example: unknown;
}

// zod marks every integer with the safe-integer range; that says nothing to a reader.
const limit = (v: unknown): number | undefined => (typeof v === 'number' && Math.abs(v) !== Number.MAX_SAFE_INTEGER ? v : undefined);

const bound = (n: Node): string => {
  const [min, max, xmin, xmax] = [limit(n.minimum), limit(n.maximum), limit(n.exclusiveMinimum), limit(n.exclusiveMaximum)];
  const lo = xmin !== undefined ? `> ${xmin}` : min !== undefined ? `≥ ${min}` : '';
  const hi = xmax !== undefined ? `< ${xmax}` : max !== undefined ? `≤ ${max}` : '';
  return [lo, hi].filter(Boolean).join(', ');
};

/** A short human type: `number (> 0, < 1)`, `"csv" | "jsonl"`, `list of strings`, `map of string → …`. */
export function typeOf(n: Node): string {
  if (n.enum) return n.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (n.anyOf) {
    const parts = [...new Set(n.anyOf.map(typeOf))];
    return parts.length === 1 ? parts[0]! : parts.join(' or ');
  }
  if (n.type === 'array') return `list of ${typeOf(n.items ?? {}).replace(/^string$/, 'strings').replace(/^number$/, 'numbers')}`;
  if (n.type === 'object' && n.additionalProperties && typeof n.additionalProperties === 'object') return `map of column → ${typeOf(n.additionalProperties)}`;
  if (n.type === 'number' || n.type === 'integer') {
    const b = bound(n);
    return b ? `${n.type} (${b})` : n.type;
  }
  return n.type ?? 'any';
}

/** Every leaf key of the config (sections are walked, not listed), in schema order. */
export function configKeys(): ConfigKey[] {
  const root = jsonSchemaOf('config') as Node & { required?: string[] };
  const keys: ConfigKey[] = [];
  const walk = (node: Node, prefix: string, required: string[]) => {
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      const path = prefix ? `${prefix}.${name}` : name;
      if (child.type === 'object' && child.properties) {
        walk(child, path, (child.required as string[] | undefined) ?? []);
        continue;
      }
      const hasDefault = 'default' in child;
      keys.push({
        path,
        type: typeOf(child),
        default: child.default,
        hasDefault,
        required: (required.includes(name) || name in REQUIRED_UNLESS) && !hasDefault,
        description: child.description ?? '',
        flag: FLAG_OF_KEY[path],
        example: EXAMPLES[path] ?? (hasDefault ? child.default : undefined),
      });
    }
  };
  walk(root, '', root.required ?? []);
  return keys;
}

const code = (v: unknown): string => (v === undefined ? '' : `\`${JSON.stringify(v)}\``);
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The value at a dotted path as nested objects, e.g. `drift.alpha` → { drift: { alpha } }. */
export function nested(path: string, value: unknown): Record<string, unknown> {
  return path
    .split('.')
    .reverse()
    .reduce<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

/** A config that sets every key that has no default to its example (the required ones included). */
export function exampleConfig(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const merge = (into: Record<string, unknown>, from: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(from)) {
      if (v && typeof v === 'object' && !Array.isArray(v) && into[k] && typeof into[k] === 'object') merge(into[k] as Record<string, unknown>, v as Record<string, unknown>);
      else into[k] = v;
    }
  };
  for (const key of configKeys()) if (!key.hasDefault && key.example !== undefined && !TABLE_ONLY.has(key.path)) merge(out, nested(key.path, key.example));
  merge(out, { plan: { alpha: 0.05 }, drift: { minEffect: { wassersteinNorm: 0.1, jensenShannon: 0.1, proportionDiff: 0.1 } }, performance: { maxDrop: 0.03 } });
  return out;
}

export function configurationMarkdown(): string {
  const keys = configKeys();
  const sections = new Map<string, ConfigKey[]>();
  for (const key of keys) {
    const parts = key.path.split('.');
    const section = parts.length === 1 ? '' : parts.slice(0, -1).join('.');
    sections.set(section, [...(sections.get(section) ?? []), key]);
  }
  const lines = [
    '# Configuration',
    '',
    '<!-- Generated from src/schema/config.ts by `npm run schemas` (src/cli/config-doc.ts). Do not edit by hand. -->',
    '',
    '`moa run --config FILE|URI` reads a YAML or JSON file with the keys below; each flag sets the same key and wins',
    'over the file. The JSON Schema of the file is [schemas/config.schema.json](../schemas/config.schema.json). An',
    'unknown key is an error (exit code 2) that names it. The resolved configuration is recorded in `results.json`.',
    '',
    `${keys.length} keys. A key with a default may be left out. Example (every key without a default, plus a few thresholds):`,
    '',
    '```yaml',
    stringify(exampleConfig()).trimEnd(),
    '```',
    '',
  ];
  for (const [section, list] of sections) {
    lines.push(`## ${section === '' ? 'Top level' : `\`${section}\``}`, '');
    lines.push('| key | type | default | flag | example | meaning |', '| --- | --- | --- | --- | --- | --- |');
    for (const k of list) {
      const dflt = k.required ? (k.path in REQUIRED_UNLESS ? `required (or \`${REQUIRED_UNLESS[k.path]}\`)` : 'required') : k.hasDefault ? code(k.default) : '—';
      lines.push(`| \`${k.path}\` | ${cell(k.type)} | ${cell(dflt)} | ${k.flag ? `\`${k.flag}\`` : ''} | ${cell(code(k.example))} | ${cell(k.description)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
