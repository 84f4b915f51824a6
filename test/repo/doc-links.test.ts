/**
 * Every document the code points users to exists: error fixes, help texts and check methods cite docs/*.md (with an
 * optional #section) or README.md, and a link to a missing file or heading is a dead end for the user.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from '@jest/globals';
import { REPO_ROOT } from '../support/cli.js';

const LINK = /\b((?:docs\/[A-Za-z0-9_./-]+\.md)|README\.md)(#[A-Za-z0-9_-]+)?/g;

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(full);
    else if (entry.name.endsWith('.ts')) yield full;
  }
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
export function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    out.add(
      m[1]!
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return out;
}

it('every docs/*.md or README.md the source code cites exists, and so does the #section it names', () => {
  const cited = new Map<string, string[]>();
  for (const file of sources(path.join(REPO_ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(LINK)) {
      const target = m[0]!;
      // Another project's docs (e.g. "prometheus/alertmanager docs/configuration.md") are not ours.
      if (/[\w-]+\/[\w-]+ $/.test(text.slice(Math.max(0, m.index! - 40), m.index!))) continue;
      cited.set(target, [...(cited.get(target) ?? []), path.relative(REPO_ROOT, file)]);
    }
  }
  expect(cited.has('docs/configuration.md')).toBe(true);
  const dead: string[] = [];
  for (const [target, files] of cited) {
    const [doc, anchor] = target.split('#') as [string, string | undefined];
    const full = path.join(REPO_ROOT, doc);
    if (!existsSync(full)) dead.push(`${target} (cited in ${files.join(', ')}): no such file`);
    else if (anchor && !anchors(readFileSync(full, 'utf8')).has(anchor)) dead.push(`${target} (cited in ${files.join(', ')}): no such heading`);
  }
  expect(dead).toEqual([]);
});

it('the anchor rule matches GitHub for the headings we use', () => {
  expect([...anchors('## Exit codes\n### `labels` (late labels)\n')]).toEqual(['exit-codes', 'labels-late-labels']);
});
