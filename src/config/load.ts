import { stat } from 'node:fs/promises';
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

/**
 * Bounds on a config file, checked before the YAML parser sees it: its work grows faster than linearly with the
 * number of keys (80 000 keys took minutes), and aliases can expand a small file into a huge value. A real
 * config has a few dozen keys in a few KiB.
 */
export const CONFIG_LIMITS = { bytes: 64 * 1024, keys: 2000, aliases: 100 } as const;

export async function readConfigFile(storage: Storage, uri: string): Promise<Record<string, unknown>> {
  const location = parseLocation(uri, '--config');
  const notAFile = () =>
    usageError('config.not_a_file', `--config ${uri} is a directory or prefix, not a file.`, {
      subject: uri,
      fix: 'Point --config at one YAML or JSON file, e.g. --config moa.yaml.',
    });
  if (location.scheme === 's3' ? location.isPrefix : await isDirectory(location.path)) throw notAFile();
  const [object] = await storage.list(location, '--config');
  if (object!.size > CONFIG_LIMITS.bytes) throw tooLarge(uri, `${object!.size} bytes`);
  const text = Buffer.from(await storage.read(object!, location, '--config')).toString('utf8');
  if (Buffer.byteLength(text) > CONFIG_LIMITS.bytes) throw tooLarge(uri, `${Buffer.byteLength(text)} bytes`);
  // An upper bound on the keys: every "key: value" and "key:" has a colon followed by a blank or the line end.
  const keys = text.match(/:(?=\s|$)/gm)?.length ?? 0;
  if (keys > CONFIG_LIMITS.keys) throw tooLarge(uri, `about ${keys} keys, more than ${CONFIG_LIMITS.keys}`);
  let value: unknown;
  try {
    value = parseYaml(text, { maxAliasCount: CONFIG_LIMITS.aliases });
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

function tooLarge(uri: string, what: string) {
  return usageError('config.too_large', `--config ${uri} is too large for a configuration (${what}; the limits are ${CONFIG_LIMITS.bytes} bytes and ${CONFIG_LIMITS.keys} keys).`, {
    subject: uri,
    fix: 'Check that --config points at the moa config and not at data; a config holds a few dozen keys.',
  });
}

async function isDirectory(file: string): Promise<boolean> {
  return stat(file).then((s) => s.isDirectory(), () => false);
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
