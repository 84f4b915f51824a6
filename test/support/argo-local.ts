/**
 * Runs an Argo WorkflowTemplate's DAG on this machine: every container step becomes a process running the same
 * command and arguments (the image's `node /app/dist/cli.js` becomes this checkout's dist/cli.js), at most
 * `concurrency` at a time. Enough of Argo for pipeline/argo/moa-profile-fanout: DAG tasks with `depends`,
 * `withParam` over a JSON list (items and `{{item.field}}`), input / output parameters (`valueFrom.path` and
 * `valueFrom.parameter`), template-level `parallelism`, and `retryStrategy` with `limit` and the expressions the
 * template uses. Anything else in a template throws, so a template change cannot silently run differently here.
 *
 * Each step gets its own directory standing in for the pod's /tmp/moa (its emptyDir), so paths in arguments and
 * output parameters stay the template's.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface StepRun {
  task: string;
  template: string;
  args: string[];
  attempts: number[];
  /** [start, end] of each attempt in ms (performance.now()), to check the concurrency bound. */
  spans: [number, number][];
  outputs: Record<string, string>;
}

export interface LocalRunOptions {
  /** The repository whose dist/cli.js replaces the image's /app/dist/cli.js. */
  repoRoot: string;
  /** Directory for the per-step stand-ins of the pods' /tmp/moa. */
  workDir: string;
  parameters: Record<string, string>;
  concurrency?: number;
  env?: Record<string, string>;
  /** Called before each attempt; a number returned is taken as that attempt's exit code without running it (a lost pod). */
  fault?: (task: string, item: unknown, attempt: number) => number | undefined;
}

const POD_TMP = '/tmp/moa';

class Semaphore {
  private waiting: (() => void)[] = [];
  constructor(private free: number) {}
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/** `{{a.b.c}}` replaced from a flat map; an unknown reference throws (Argo would fail the step too). */
function substitute(text: string, scope: Record<string, string>): string {
  return text.replace(/\{\{\s*([^}\s]+)\s*\}\}/g, (_, key: string) => {
    if (!(key in scope)) throw new Error(`argo-local: unresolved {{${key}}} in "${text}"`);
    return scope[key]!;
  });
}

/** The retry expressions the templates use, evaluated as Argo would (`||` of equality tests on lastRetry). */
function retryWanted(expression: string | undefined, exitCode: number): boolean {
  if (expression === undefined) return true;
  return expression.split('||').some((term) => {
    const t = term.trim();
    const code = /^asInt\(lastRetry\.exitCode\) == (\d+)$/.exec(t);
    if (code) return exitCode === Number(code[1]);
    const status = /^lastRetry\.status == '(\w+)'$/.exec(t);
    // A process that ran and exited is a "Failed" node; only a lost pod (the fault hook) is an "Error".
    if (status) return status[1] === 'Error' && exitCode < 0;
    throw new Error(`argo-local: retry expression term not supported: ${t}`);
  });
}

export async function runWorkflowTemplate(file: string, options: LocalRunOptions): Promise<{ outputs: Record<string, string>; steps: StepRun[] }> {
  const wt = parse(readFileSync(file, 'utf8')) as Json;
  const templates = new Map<string, Json>((wt.spec.templates as Json[]).map((t) => [t.name, t]));
  const params: Record<string, string> = {};
  for (const p of wt.spec.arguments?.parameters ?? []) params[p.name] = String(p.value ?? '');
  Object.assign(params, options.parameters);
  const global = new Semaphore(options.concurrency ?? 2);
  const steps: StepRun[] = [];
  let counter = 0;

  async function runContainer(task: string, template: Json, inputs: Record<string, string>, item: unknown): Promise<Record<string, string>> {
    const known = new Set(['name', 'inputs', 'outputs', 'retryStrategy', 'activeDeadlineSeconds', 'securityContext', 'volumes', 'container', 'metadata']);
    for (const key of Object.keys(template)) if (!known.has(key)) throw new Error(`argo-local: template field ${key} not supported`);
    const scope = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`inputs.parameters.${k}`, v]));
    const podDir = path.join(options.workDir, `${String(counter++).padStart(4, '0')}-${task}`);
    mkdirSync(podDir, { recursive: true });
    const local = (p: string) => (p.startsWith(`${POD_TMP}/`) || p === POD_TMP ? podDir + p.slice(POD_TMP.length) : p);
    const [command, script, ...rest] = template.container.command as string[];
    if (command !== 'node' || script !== '/app/dist/cli.js' || rest.length) throw new Error(`argo-local: unexpected command ${template.container.command}`);
    const args = (template.container.args as string[]).map((a) => substitute(a, scope)).map((a) => a.replace(`=${POD_TMP}/`, `=${podDir}/`));
    const limit = Number(template.retryStrategy?.limit ?? 0);
    const run: StepRun = { task, template: template.name, args, attempts: [], spans: [], outputs: {} };
    steps.push(run);
    for (let attempt = 0; ; attempt++) {
      await global.acquire();
      let code: number;
      const began = performance.now();
      try {
        code = options.fault?.(task, item, attempt) ?? (await spawnCli(options.repoRoot, args, podDir, options.env ?? {}));
      } finally {
        run.spans.push([began, performance.now()]);
        global.release();
      }
      run.attempts.push(code);
      if (code === 0) break;
      if (attempt >= limit || !retryWanted(template.retryStrategy?.expression, code)) {
        throw new Error(`argo-local: ${task} (${template.name}) failed with exit code ${code} after ${attempt + 1} attempt(s): ${args.join(' ')}`);
      }
    }
    for (const p of template.outputs?.parameters ?? []) {
      if (!p.valueFrom?.path) throw new Error(`argo-local: output parameter ${p.name} needs valueFrom.path`);
      run.outputs[p.name] = readFileSync(local(p.valueFrom.path), 'utf8');
    }
    return run.outputs;
  }

  async function runDag(template: Json, inputs: Record<string, string>): Promise<Record<string, string>> {
    const tasks = template.dag.tasks as Json[];
    const limit = new Semaphore(template.parallelism ?? Infinity);
    const results = new Map<string, Record<string, string>>();
    const done = new Map<string, Promise<void>>();
    const scopeFor = (item: unknown): Record<string, string> => {
      const scope: Record<string, string> = {};
      for (const [k, v] of Object.entries(inputs)) scope[`inputs.parameters.${k}`] = v;
      for (const [name, outs] of results) for (const [k, v] of Object.entries(outs)) scope[`tasks.${name}.outputs.parameters.${k}`] = v;
      if (item !== undefined) {
        scope.item = typeof item === 'string' ? item : JSON.stringify(item);
        if (item && typeof item === 'object') for (const [k, v] of Object.entries(item)) scope[`item.${k}`] = String(v);
      }
      return scope;
    };
    const start = (task: Json): Promise<void> => {
      const deps = task.depends ? (task.depends as string).split('&&').map((d) => d.trim()) : [];
      return (async () => {
        await Promise.all(deps.map((d) => done.get(d) ?? Promise.reject(new Error(`argo-local: unknown dependency ${d}`))));
        const items: unknown[] = task.withParam ? (JSON.parse(substitute(task.withParam, scopeFor(undefined))) as unknown[]) : [undefined];
        const child = templates.get(task.template)!;
        await Promise.all(
          items.map(async (item) => {
            const scope = scopeFor(item);
            const args: Record<string, string> = {};
            for (const p of child.inputs?.parameters ?? []) if (p.default !== undefined) args[p.name] = String(p.default);
            for (const p of task.arguments?.parameters ?? []) args[p.name] = substitute(String(p.value), scope);
            await limit.acquire();
            try {
              const outs = await runTemplate(task.name, child, args, item);
              if (item === undefined) results.set(task.name, outs);
            } finally {
              limit.release();
            }
          }),
        );
      })();
    };
    // Tasks are listed after their dependencies in our templates; register in order so `depends` can await them.
    for (const task of tasks) done.set(task.name, start(task));
    await Promise.all(done.values());
    const outputs: Record<string, string> = {};
    for (const p of template.outputs?.parameters ?? []) outputs[p.name] = substitute(p.valueFrom.parameter, scopeFor(undefined));
    return outputs;
  }

  function runTemplate(task: string, template: Json, inputs: Record<string, string>, item: unknown): Promise<Record<string, string>> {
    for (const p of template.inputs?.parameters ?? []) {
      if (!(p.name in inputs)) throw new Error(`argo-local: ${task}: input parameter ${p.name} has no value`);
    }
    return template.dag ? runDag(template, inputs) : runContainer(task, template, inputs, item);
  }

  const entry = templates.get(wt.spec.entrypoint)!;
  const inputs: Record<string, string> = {};
  for (const p of entry.inputs?.parameters ?? []) inputs[p.name] = params[p.name] ?? String(p.default ?? '');
  const outputs = await runTemplate(wt.spec.entrypoint, entry, inputs, undefined);
  return { outputs, steps };
}

function spawnCli(repoRoot: string, args: string[], cwd: string, env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist/cli.js'), ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) process.stderr.write(`argo-local: exit ${code}: ${args.join(' ')}\n${stderr}\n`);
      resolve(code ?? 1);
    });
  });
}
