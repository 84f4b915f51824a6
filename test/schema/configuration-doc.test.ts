import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { configKeys, configurationMarkdown, exampleConfig, FLAG_OF_KEY, nested } from '../../src/cli/config-doc.js';
import { RUN_HELP } from '../../src/cli/args.js';
import { ConfigSchema } from '../../src/schema/config.js';
import { REPO_ROOT } from '../support/cli.js';

const base = { reference: 'r', operational: 'o', out: 'x' };

describe('docs/configuration.md', () => {
  it('is the one generated from the zod config schema (run `npm run schemas` after changing it)', () => {
    expect(readFileSync(path.join(REPO_ROOT, 'docs/configuration.md'), 'utf8')).toBe(configurationMarkdown());
  });

  it('lists every key of the config, nested ones included, with a type, a default or "required", and an example', () => {
    const keys = configKeys();
    const doc = configurationMarkdown();
    // Spot checks of depth and shape: a top-level key, a section key and a key two sections down.
    for (const p of ['reference', 'labels.column', 'columns.modelVersion', 'analyze.novelty.maxClusters', 'audit.slices.top']) {
      expect(keys.map((k) => k.path)).toContain(p);
    }
    for (const k of keys) {
      expect(doc).toContain(`| \`${k.path}\` |`);
      expect(k.type).not.toBe('any');
      expect(k.example).toBeDefined();
    }
    expect(keys.filter((k) => k.required).map((k) => k.path)).toEqual(['reference', 'operational', 'out']);
  });

  it('each example is a valid value for its key', () => {
    for (const k of configKeys()) {
      // A profile key replaces its side's rows key: the two together are refused (next test).
      const config: Record<string, unknown> = { ...base, ...nested(k.path, k.example) };
      if (k.path.endsWith('Profile')) delete config[k.path.replace(/Profile$/, '')];
      const parsed = ConfigSchema.safeParse(config);
      expect({ key: k.path, ok: parsed.success, issues: parsed.success ? [] : parsed.error.issues }).toEqual({ key: k.path, ok: true, issues: [] });
    }
  });

  it('each side is read from rows or from a profile: exactly one of the two keys', () => {
    const issue = (config: object) => (ConfigSchema.safeParse(config).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issue({ ...base, referenceProfile: 'p' })).toEqual(['reference: give reference or referenceProfile, not both']);
    expect(issue({ operational: 'o', out: 'x' })).toEqual(['reference: give reference (rows) or referenceProfile']);
    expect(issue({ referenceProfile: 'p', operationalProfile: 'q', out: 'x' })).toEqual([]);
  });

  it('the example config in the document parses', () => {
    const doc = configurationMarkdown();
    const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)![1]!;
    expect(parse(yaml)).toEqual(exampleConfig());
    expect(ConfigSchema.safeParse(parse(yaml)).success).toBe(true);
  });

  it('names only flags that `moa run --help` documents, for keys that exist', () => {
    const keys = new Set(configKeys().map((k) => k.path));
    for (const [key, flag] of Object.entries(FLAG_OF_KEY)) {
      expect({ key, known: keys.has(key) }).toEqual({ key, known: true });
      expect({ flag, documented: new RegExp(`(^|\\s)${flag}[ ,=]`, 'm').test(RUN_HELP) }).toEqual({ flag, documented: true });
    }
  });
});
