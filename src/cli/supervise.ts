import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * In a container with a memory limit, `moa run` runs as a child of a small supervising process:
 *   - the child's V8 heap limit is set from the container's limit (cgroup v2 memory.max or v1
 *     memory.limit_in_bytes), leaving room for what lives outside the heap (Arrow buffers, the Parquet decoder's
 *     WebAssembly memory, the runtime itself), so the heap gives out before the kernel's OOM killer strikes;
 *   - if the child dies of it anyway (V8 aborts: SIGABRT / exit 134; the OOM killer: SIGKILL / 137), the parent,
 *     which holds almost nothing, still withdraws the outputs and writes error.json and the output parameters.
 * Without a limit (a developer machine) `moa` runs in one process. MOA_SUPERVISE=0 turns this off.
 */

/** Share of the container's memory given to the V8 heap. */
export const HEAP_SHARE = 0.7;
/** cgroup v1 reports "no limit" as a number near 2^63. */
const NO_LIMIT_V1 = 2 ** 60;

export interface MemoryLimit {
  bytes: number;
  /** The file it was read from, for the log. */
  source: string;
}

/** The container's memory limit, or null when there is none (or no cgroup file to say so). */
export function containerMemoryLimit(root = '/sys/fs/cgroup'): MemoryLimit | null {
  const read = (file: string) => {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  const v2 = path.join(root, 'memory.max');
  const v2Text = read(v2);
  if (v2Text !== undefined) return /^\d+$/.test(v2Text) ? { bytes: Number(v2Text), source: v2 } : null;
  const v1 = path.join(root, 'memory', 'memory.limit_in_bytes');
  const v1Text = read(v1);
  if (v1Text !== undefined && /^\d+$/.test(v1Text) && Number(v1Text) < NO_LIMIT_V1) return { bytes: Number(v1Text), source: v1 };
  return null;
}

export function heapLimitMiB(limitBytes: number): number {
  return Math.max(64, Math.floor((limitBytes * HEAP_SHARE) / 2 ** 20));
}

/** Whether this invocation should run under a supervisor, and with which limit. */
export function supervision(argv: string[], env: NodeJS.ProcessEnv = process.env): MemoryLimit | null {
  if (argv[0] !== 'run' || env.MOA_SUPERVISED === '1' || env.MOA_SUPERVISE === '0') return null;
  if (argv.includes('--help') || argv.includes('-h')) return null;
  // MOA_CGROUP_ROOT: where the cgroup files are (tests stand in for a container with it).
  return containerMemoryLimit(env.MOA_CGROUP_ROOT || undefined);
}

/** A heap limit chosen by the operator (NODE_OPTIONS or node's own flags) is kept. */
function heapFlagGiven(env: NodeJS.ProcessEnv): boolean {
  return [...process.execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => a.startsWith('--max-old-space-size') || a.startsWith('--max_old_space_size'));
}

/** Run the CLI as a child with a heap limit from `limit`; record an out-of-memory death as a named error. */
export async function supervise(argv: string[], limit: MemoryLimit, cli: string): Promise<number> {
  const { newRunId } = await import('../run-id.js');
  const runId = newRunId();
  const heap = heapLimitMiB(limit.bytes);
  const heapFlags = heapFlagGiven(process.env) ? [] : [`--max-old-space-size=${heap}`];
  const child = spawn(process.execPath, [...process.execArgv, ...heapFlags, cli, ...argv], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, MOA_SUPERVISED: '1', MOA_RUN_ID: runId },
  });
  // Where the child will write, once its config is resolved (--out may come from --config or an alert).
  let where: { out?: string; outputParams?: string } = {};
  child.on('message', (message: { moaOutputs?: typeof where }) => {
    if (message?.moaOutputs) where = message.moaOutputs;
  });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onTerm = forward('SIGTERM');
  const onInt = forward('SIGINT');
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  process.off('SIGTERM', onTerm);
  process.off('SIGINT', onInt);
  const outOfMemory = signal === 'SIGABRT' || signal === 'SIGKILL' || code === 134 || code === 137;
  if (!outOfMemory) return code ?? 1;
  return recordOutOfMemory(argv, where, runId, { heapMiB: heapFlags.length ? heap : undefined, limit, how: signal ?? `exit ${code}` });
}

async function recordOutOfMemory(argv: string[], where: { out?: string; outputParams?: string }, runId: string, facts: { heapMiB: number | undefined; limit: MemoryLimit; how: string }): Promise<number> {
  const [{ dataError }, { createLogger, withFields }, { rawFlag }, { createStorage }, outputs, params, { VERSION }] = await Promise.all([
    import('../errors.js'),
    import('../log.js'),
    import('./raw-flag.js'),
    import('../storage/index.js'),
    import('../emit/outputs.js'),
    import('../emit/pipeline-params.js'),
    import('../version.js'),
  ]);
  const log = withFields(createLogger(), { runId });
  const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
  const error = dataError(
    'data.out_of_memory',
    `moa run ran out of memory (${facts.how}; container limit ${mib(facts.limit.bytes)} MiB${facts.heapMiB ? `, heap limit ${facts.heapMiB} MiB` : ''}): the inputs are too large for this much memory.`,
    {
      subject: facts.limit.source,
      fix: 'Raise the container memory limit (resources.limits.memory), or read less: a narrower --since / --until window, fewer columns (--ignore), fewer part files.',
    },
  );
  log.error(`${error.message} Fix: ${error.fix}`, { code: error.code, exitCode: error.exitCode });
  const outputParams = where.outputParams ?? rawFlag(argv, 'output-params');
  if (outputParams) await outputs.writeOutputParams(outputParams, params.paramFiles(params.FAILED_RUN_PARAMS)).catch(() => undefined);
  const out = where.out ?? rawFlag(argv, 'out');
  if (out) {
    const body = { apiVersion: 'moa/v1', kind: 'AnalysisError', runId, exitCode: error.exitCode, toolVersion: VERSION, time: new Date().toISOString(), error: error.toJSON() };
    const record = await outputs.recordFailure(createStorage(), out, body);
    if (record.written) log.info('wrote error.json', { out, manifest: record.withdrawn ? 'withdrawn' : 'not withdrawn' });
    if (record.problem) log.warn(`could not record the failure under --out: ${record.problem}`, { out });
  }
  return error.exitCode;
}
