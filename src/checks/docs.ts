import { z } from 'zod';
import { CATALOGUE } from './catalogue.js';

/** A short type name for a figure, threshold or details field, from its JSON Schema. */
function typeName(schema: z.ZodType): string {
  const json = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  const name = (s: Record<string, unknown>): string => {
    if (Array.isArray(s.anyOf)) return (s.anyOf as Record<string, unknown>[]).map(name).join(' or ');
    if (Array.isArray(s.oneOf)) return (s.oneOf as Record<string, unknown>[]).map(name).join(' or ');
    if (s.const !== undefined) return JSON.stringify(s.const);
    if (Array.isArray(s.enum)) return (s.enum as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
    if (s.type === 'array') return Array.isArray(s.prefixItems) ? `[${(s.prefixItems as Record<string, unknown>[]).map(name).join(', ')}]` : `${name((s.items as Record<string, unknown>) ?? {})}[]`;
    if (s.type === 'object') {
      const props = Object.keys((s.properties as Record<string, unknown>) ?? {});
      return props.length ? `{${props.join(', ')}}` : 'object';
    }
    return typeof s.type === 'string' ? s.type : 'any';
  };
  return name(json);
}

const table = (shape: z.ZodRawShape): string =>
  Object.keys(shape).length === 0
    ? '—'
    : Object.entries(shape)
        .map(([key, value]) => `\`${key}\` ${typeName(value as z.ZodType)}`)
        .join(' · ');

/**
 * docs/checks.md: the catalogue as a page, generated from src/checks/catalogue.ts (`npm run schemas`); a test fails
 * when the committed page falls behind.
 */
export function catalogueDoc(): string {
  const lines = [
    '# Check catalogue',
    '',
    '<!-- Generated from src/checks/catalogue.ts by `npm run schemas`; do not edit by hand (a test compares). -->',
    '',
    'Every result in `results.json` → `checks` has the same envelope — `id`, `stage`, `kind`, `subject`, `status`',
    '(`pass`, `warn`, `fail`, `error` = could not run, `skipped`, `insufficient_data`, `degenerate` = the measure is',
    'undefined on this data), `method`, `figures`, `threshold`,',
    '`summary`, `details` — and its `kind` fixes the rest: the stage that produces it, the figures it may carry (which',
    'ones depends on its status), its thresholds and the shape of its details. `schemas/results.schema.json` holds the',
    'same, as JSON Schema.',
    '',
    '| kind | stage | measures | read by |',
    '| --- | --- | --- | --- |',
    ...CATALOGUE.map((e) => `| [\`${e.kind}\`](#${e.kind}) | ${e.stage} | ${e.measures} | ${e.readBy.join('; ')} |`),
    '',
  ];
  for (const e of CATALOGUE) {
    lines.push(`## \`${e.kind}\``, '', `Stage **${e.stage}**. ${e.measures}`, '', `- figures: ${table(e.figures)}`, `- threshold: ${table(e.threshold)}`, `- details: ${table(e.details)}`, `- read by: ${e.readBy.join('; ')}`, '');
  }
  return lines.join('\n');
}
