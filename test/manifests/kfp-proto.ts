/**
 * The KFP v2 IR has no JSON Schema; its definition is the protobuf schema (test/data/schemas/kfp/proto): buf compiles the protos into a FileDescriptorSet (built here, in the test run,
 * never committed as a binary) and protobuf-es parses YAML documents with the proto JSON mapping, which rejects
 * unknown fields and bad enum values.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createFileRegistry, fromBinary, fromJson, type FileRegistry, type JsonValue } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { SCHEMA_DIR } from './schemas.js';

let registry: FileRegistry | undefined;

export function kfpRegistry(): FileRegistry {
  if (registry) return registry;
  const work = mkdtempSync(path.join(os.tmpdir(), 'moa-kfp-proto-'));
  try {
    const root = path.join(work, 'proto');
    cpSync(path.join(SCHEMA_DIR, 'kfp/proto'), root, { recursive: true });
    writeFileSync(path.join(root, 'buf.yaml'), 'version: v2\n');
    const out = path.join(work, 'kfp.binpb');
    const buf = createRequire(import.meta.url).resolve('@bufbuild/buf/bin/buf');
    execFileSync(buf, ['build', root, '--as-file-descriptor-set', '-o', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(out)));
    return registry;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Parses `json` as the message `typeName`; returns the error text, or undefined when it is valid. */
export function protoError(typeName: string, json: unknown): string | undefined {
  const reg = kfpRegistry();
  const desc = reg.getMessage(typeName);
  if (!desc) throw new Error(`no message ${typeName} in the KFP protos`);
  try {
    fromJson(desc, json as JsonValue, { registry: reg });
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
