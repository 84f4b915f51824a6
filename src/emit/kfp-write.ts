/**
 * Pipeline UI outputs on disk. KFP v2: with `--executor-input '{{$}}'`, every declared output artifact is written
 * to the local path the launcher uploads (derived from its URI), output parameters to their files, and the
 * ExecutorOutput JSON (artifact metadata, typed parameter values) to `outputs.outputFile`. KFP v1:
 * mlpipeline-ui-metadata.json and mlpipeline-metrics.json under `--kfp-v1-dir`. Called from run's beforeManifest,
 * so this metadata exists whenever a manifest does.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { storageError, usageError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Manifest } from '../schema/manifest.js';
import type { Results } from '../schema/results.js';
import { classificationMetrics, keyFigures, kfpV1Metrics, kfpV1UiMetadata } from './kfp.js';
import { pipelineParams, paramFiles, type PipelineParams } from './pipeline-params.js';

const RuntimeArtifactSchema = z.object({
  name: z.string().optional(),
  type: z.object({ schemaTitle: z.string().optional() }).loose().optional(),
  uri: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
}).loose();

/** The parts of ml_pipelines.ExecutorInput (protojson, camelCase) the step reads. */
export const ExecutorInputSchema = z
  .object({
    inputs: z.unknown().optional(),
    outputs: z
      .object({
        artifacts: z.record(z.string(), z.object({ artifacts: z.array(RuntimeArtifactSchema) }).loose()).default({}),
        parameters: z.record(z.string(), z.object({ outputFile: z.string() }).loose()).default({}),
        outputFile: z.string().min(1),
      })
      .loose(),
  })
  .loose();
export type ExecutorInput = z.infer<typeof ExecutorInputSchema>;

/** Parse `--executor-input`; a malformed value is a usage error (exit 2) naming the flag. */
export function parseExecutorInput(text: string): ExecutorInput {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw usageError('usage.executor_input', `--executor-input is not JSON (${(error as Error).message}).`, {
      subject: '--executor-input',
      fix: "Pass KFP's whole executor input: --executor-input '{{$}}' in the component's args.",
    });
  }
  const parsed = ExecutorInputSchema.safeParse(json);
  if (!parsed.success) {
    throw usageError('usage.executor_input', `--executor-input has no outputs.outputFile or malformed outputs (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}).`, {
      subject: '--executor-input',
      fix: "Pass KFP's whole executor input: --executor-input '{{$}}' in the component's args.",
    });
  }
  return parsed.data;
}

/**
 * Where the KFP launcher expects an artifact's file (backend/src/v2/component: LocalPathForURI): the bucket path
 * under /gcs, /minio or /s3. `root` exists for running outside a launcher pod (tests).
 */
export function localPathForUri(uri: string, root = '/'): string | undefined {
  for (const [scheme, dir] of [['gs://', 'gcs'], ['minio://', 'minio'], ['s3://', 's3']] as const) {
    if (uri.startsWith(scheme)) return path.join(root, dir, uri.slice(scheme.length));
  }
  return undefined;
}

export interface PipelineFiles {
  results: Results;
  manifest: Manifest;
  report: string;
  summary: string;
  /** Where the manifest was written under --out. */
  manifestUri: string;
}

export interface FileWrite {
  path: string;
  content: string;
}

/** ml_pipelines.ExecutorOutput as JSON, with the files to write; pure, so tests can check both. */
export function planExecutorOutput(input: ExecutorInput, files: PipelineFiles, opts: { root?: string; log?: Logger } = {}): { output: Record<string, unknown>; writes: FileWrite[] } {
  const writes: FileWrite[] = [];
  const artifacts: Record<string, { artifacts: Record<string, unknown>[] }> = {};
  const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
  let manifestArtifactUri: string | undefined;
  for (const [name, list] of Object.entries(input.outputs.artifacts)) {
    const artifact = list.artifacts[0];
    const title = artifact?.type?.schemaTitle ?? '';
    let content: string | undefined;
    let metadata: Record<string, unknown> = {};
    if (title === 'system.HTML') content = files.report;
    else if (title === 'system.Markdown') content = files.summary;
    else if (title === 'system.Metrics') content = json((metadata = keyFigures(files.results)));
    else if (title === 'system.ClassificationMetrics') content = json((metadata = classificationMetrics(files.results)));
    else if (name === 'results') content = json(files.results);
    else if (name === 'retrain_config' || name === 'manifest') content = json(files.manifest);
    else if (name.replace(/_/g, '-') === 'mlpipeline-ui-metadata') content = json(kfpV1UiMetadata(files.results, files.report, files.summary));
    else if (name.replace(/_/g, '-') === 'mlpipeline-metrics') content = json(kfpV1Metrics(files.results));
    const local = artifact?.uri ? localPathForUri(artifact.uri, opts.root) : undefined;
    if (content === undefined || !local) {
      opts.log?.warn('KFP output artifact not written: unknown output or URI scheme', { output: name, schemaTitle: title, uri: artifact?.uri });
      continue;
    }
    if (name === 'retrain_config' || name === 'manifest') manifestArtifactUri = artifact!.uri;
    writes.push({ path: local, content });
    artifacts[name] = { artifacts: [{ ...(artifact!.name ? { name: artifact!.name } : {}), uri: artifact!.uri, metadata }] };
  }
  // With a local --out the files vanish with the pod: point downstream steps at the uploaded manifest artifact.
  const durable = /^(s3|gs|minio):\/\//.test(files.manifestUri) ? files.manifestUri : (manifestArtifactUri ?? files.manifestUri);
  const params = pipelineParams(files.results, durable);
  const text = paramFiles(params);
  const parameterValues: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(input.outputs.parameters)) {
    if (!(name in params)) {
      opts.log?.warn('KFP output parameter not known to moa: not written', { output: name });
      continue;
    }
    parameterValues[name] = params[name as keyof PipelineParams];
    writes.push({ path: spec.outputFile, content: text[name as keyof PipelineParams] });
  }
  const output = { artifacts, parameterValues };
  writes.push({ path: input.outputs.outputFile, content: JSON.stringify(output) });
  return { output, writes };
}

/** The KFP v1 files under `dir`. */
export function planKfpV1(dir: string, files: PipelineFiles): FileWrite[] {
  const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
  return [
    { path: path.join(dir, 'mlpipeline-ui-metadata.json'), content: json(kfpV1UiMetadata(files.results, files.report, files.summary)) },
    { path: path.join(dir, 'mlpipeline-metrics.json'), content: json(kfpV1Metrics(files.results)) },
  ];
}

/** Write each file whole (temp file, then rename): a reader never sees half a file. */
export async function writeFiles(writes: FileWrite[], flag: string): Promise<void> {
  for (const w of writes) {
    try {
      await mkdir(path.dirname(w.path), { recursive: true });
      await writeFile(`${w.path}.tmp`, w.content);
      await rename(`${w.path}.tmp`, w.path);
    } catch (error) {
      throw storageError('storage.pipeline_output', `${flag}: cannot write ${w.path} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, {
        subject: w.path,
        fix: flag === '--executor-input' ? 'Run under the KFP launcher, which creates the output folders, or make the paths writable.' : `Point ${flag} at a writable directory.`,
      });
    }
  }
}

export interface PipelineOutputOptions {
  executorInput?: ExecutorInput;
  kfpV1Dir?: string;
  /** Root for the launcher's /gcs, /minio, /s3 folders (default /; MOA_KFP_LOCAL_ROOT). */
  root?: string;
  log?: Logger;
}

export async function writePipelineOutputs(files: PipelineFiles, opts: PipelineOutputOptions): Promise<void> {
  if (opts.executorInput) {
    const { writes } = planExecutorOutput(opts.executorInput, files, opts);
    await writeFiles(writes, '--executor-input');
    opts.log?.info('wrote KFP executor output', { outputFile: opts.executorInput.outputs.outputFile, files: writes.length });
  }
  if (opts.kfpV1Dir) {
    await writeFiles(planKfpV1(opts.kfpV1Dir, files), '--kfp-v1-dir');
    opts.log?.info('wrote KFP v1 UI metadata and metrics', { dir: opts.kfpV1Dir });
  }
}
