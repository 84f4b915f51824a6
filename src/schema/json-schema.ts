import { z } from 'zod';
import { ConfigSchema } from './config.js';
import { ManifestSchema } from './manifest.js';
import { ResultsSchema } from './results.js';
import { ProfileSchema } from './profile.js';

const SCHEMAS = { manifest: ManifestSchema, config: ConfigSchema, results: ResultsSchema, profile: ProfileSchema } as const;
export type SchemaKind = keyof typeof SCHEMAS;

/** The committed files under schemas/ (regenerate with `npm run schemas`; a test fails when they fall behind). */
export const SCHEMA_FILES: Record<SchemaKind, string> = {
  manifest: 'retrain-config.schema.json',
  config: 'config.schema.json',
  results: 'results.schema.json',
  profile: 'profile.schema.json',
};

export const isSchemaKind = (kind: string): kind is SchemaKind => kind in SCHEMAS;

/**
 * JSON Schema generated from the zod schemas (the single source of truth). The config is what users write, so
 * defaults make keys optional there; results and manifest are what we write, so every defaulted key is present.
 */
export function jsonSchemaOf(kind: SchemaKind): Record<string, unknown> {
  const schema = z.toJSONSchema(SCHEMAS[kind], { io: kind === 'config' ? 'input' : 'output', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { $id: `https://moa.dev/schemas/${SCHEMA_FILES[kind]}`, title: `moa ${kind}`, ...schema };
}
