import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { usageError } from '../errors.js';
import { ConfigSchema, type Config } from '../schema/config.js';
import { parseLocation, type Storage } from '../storage/index.js';

/** A partial config given on the command line; merged over the config file, flags winning. */
export type ConfigOverrides = Record<string, unknown>;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge where `over` wins; arrays and scalars are replaced, objects merged. */
export function mergeConfig(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    out[key] = isObject(value) && isObject(out[key]) ? mergeConfig(out[key] as Record<string, unknown>, value) : value;
  }
  return out;
}

/** Zod issues as one message per key, e.g. `drift.alpha: Too big: expected number to be <1`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const key = issue.path.join('.') || '(top level)';
      if (issue.code === 'unrecognized_keys') {
        return `${issue.keys.map((k) => (issue.path.length ? `${key}.${k}` : k)).join(', ')}: unknown key(s)`;
      }
      return `${key}: ${issue.message}`;
    })
    .join('; ');
}

export function validateConfig(raw: Record<string, unknown>, source: string): Config {
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw usageError('config.invalid', `Invalid configuration (${source}): ${describeIssues(parsed.error)}.`, {
      subject: parsed.error.issues[0]?.path.join('.') || source,
      fix: 'Fix the named keys; `moa run --help` lists the flags and docs/configuration.md every key.',
    });
  }
  return parsed.data;
}

export async function readConfigFile(storage: Storage, uri: string): Promise<Record<string, unknown>> {
  const location = parseLocation(uri, '--config');
  const [object] = await storage.list(location, '--config');
  const text = Buffer.from(await storage.read(object!, location, '--config')).toString('utf8');
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw usageError('config.unparsable', `--config ${uri} is not valid YAML or JSON: ${(error as Error).message}`, {
      subject: uri,
      fix: 'Fix the syntax at the position named above.',
    });
  }
  if (value === null || value === undefined) return {};
  if (!isObject(value)) {
    throw usageError('config.not_a_mapping', `--config ${uri} must hold a mapping of keys (it holds a ${Array.isArray(value) ? 'list' : typeof value}).`, {
      subject: uri,
      fix: 'Write keys such as reference:, operational:, out:, columns: at the top level.',
    });
  }
  return value;
}

/**
 * Defaults (e.g. URIs from a triggering alert) under the config file (if any) under the flags, validated as a
 * whole so messages name the offending key.
 */
export async function resolveConfig(storage: Storage, configUri: string | undefined, overrides: ConfigOverrides, defaults: ConfigOverrides = {}): Promise<Config> {
  const fromFile = configUri ? await readConfigFile(storage, configUri) : {};
  const merged = mergeConfig(mergeConfig(defaults, fromFile), overrides);
  return validateConfig(merged, configUri ? `${configUri} and flags` : 'flags');
}
