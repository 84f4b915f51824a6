/** Reading the YAML we ship: every file, every document, and a few walks over them. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface YamlDoc {
  file: string;
  index: number;
  doc: Record<string, unknown>;
}

export function listYamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listYamlFiles(full));
    else if (/\.ya?ml$/.test(name)) out.push(full);
  }
  return out;
}

/** All documents of a YAML text; a YAML syntax error throws with the file name. */
export function parseYamlDocs(text: string, file: string): Record<string, unknown>[] {
  return parseAllDocuments(text).map((d, i) => {
    if (d.errors.length) throw new Error(`${file} document ${i}: ${d.errors.map((e) => e.message).join('; ')}`);
    return d.toJS() as Record<string, unknown>;
  }).filter((d) => d !== null && d !== undefined);
}

export function readYamlDocs(file: string): YamlDoc[] {
  return parseYamlDocs(readFileSync(file, 'utf8'), file).map((doc, index) => ({ file, index, doc }));
}

export const isKustomizeFile = (file: string) => /(^|\/)(kustomization|kustomizeconfig)\.ya?ml$/.test(file);

/** The leading comment block of a file (what the file shows), without the `#`. */
export function headerComment(text: string): string {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break;
    lines.push(line.replace(/^#\s?/, ''));
  }
  return lines.join('\n').trim();
}

/** Every object in a tree that has a key `key`, with its path. */
export function findKey(node: unknown, key: string, at = ''): { path: string; value: unknown; parent: Record<string, unknown> }[] {
  const found: { path: string; value: unknown; parent: Record<string, unknown> }[] = [];
  if (Array.isArray(node)) node.forEach((v, i) => found.push(...findKey(v, key, `${at}/${i}`)));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) found.push({ path: `${at}/${k}`, value: v, parent: node as Record<string, unknown> });
      found.push(...findKey(v, key, `${at}/${k}`));
    }
  }
  return found;
}
