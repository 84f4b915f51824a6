/**
 * Runs an Argo WorkflowTemplate's DAG on this machine: every container step becomes a process running the same
 * command and arguments (the image's `node /app/dist/cli.js` becomes this checkout's dist/cli.js), at most
 * `concurrency` at a time. Enough of Argo for pipeline/argo/moa-profile-fanout: nested DAGs, tasks with `depends`
 * (a task skipped by `when` counts as done, as Argo's plain `depends` does), `when` as a comparison of two quoted
 * strings, `withParam` over a JSON list (items and `{{item.field}}`), input / output parameters (`valueFrom.path`
 * with its `default`, and `valueFrom.parameter`), output artifacts (a container's `path`, a DAG's `from`), template-level
 * `parallelism`, and `retryStrategy` with `limit` and the expressions the template uses. Any other field of a template
 * or a task throws, so a template change cannot silently run differently here.
 *
 * Each step gets its own directory standing in for the pod's /tmp/moa (its emptyDir), so paths in arguments and
 * output parameters stay the template's.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface StepRun {
  /** The task's path from the entrypoint, e.g. `operational.profile-shard` (a nested DAG's tasks under its task). */
  task: string;
  template: string;
  args: string[];
  attempts: number[];
  /** [start, end] of each attempt in ms (performance.now()), to check the concurrency bound. */
  spans: [number, number][];
  outputs: Record<string, string>;
  /** Output artifacts that exist: name → local path. */
  artifacts: Record<string, string>;
}

/** A template's outputs: parameter values, and artifacts as local paths. */
export interface Outputs {
  parameters: Record<string, string>;
  artifacts: Record<string, string>;
}

export interface LocalRunOptions {
  /** The repository whose dist/cli.js replaces the image's /app/dist/cli.js. */
  repoRoot: string;
  /** Directory for the per-step stand-ins of the pods' /tmp/moa. */
  workDir: string;
  parameters: Record<string, string>;
  /** Template to start from (argo submit --entrypoint); default: the WorkflowTemplate's entrypoint. */
  entrypoint?: string;
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

/** A task's `when`, once substituted: `'a' == 'b'` or `'a' != 'b'`; any other expression throws. */
function whenHolds(expression: string): boolean {
  const m = /^\s*'([^']*)'\s*(==|!=)\s*'([^']*)'\s*$/.exec(expression);
  if (!m) throw new Error(`argo-local: when expression not supported: ${expression}`);
  return (m[1] === m[3]) === (m[2] === '==');
}

function onlyKnownFields(what: string, object: Json, known: string[]): void {
  for (const key of Object.keys(object)) if (!known.includes(key)) throw new Error(`argo-local: ${what} field ${key} not supported`);
}

export async function runWorkflowTemplate(file: string, options: LocalRunOptions): Promise<{ outputs: Record<string, string>; artifacts: Record<string, string>; steps: StepRun[]; skipped: string[] }> {
  const wt = parse(readFileSync(file, 'utf8')) as Json;
  const templates = new Map<string, Json>((wt.spec.templates as Json[]).map((t) => [t.name, t]));
  const params: Record<string, string> = {};
  for (const p of wt.spec.arguments?.parameters ?? []) params[p.name] = String(p.value ?? '');
  Object.assign(params, options.parameters);
  const global = new Semaphore(options.concurrency ?? 2);
  const steps: StepRun[] = [];
  /** Tasks whose `when` was false. */
  const skipped: string[] = [];
  let counter = 0;

  async function runContainer(task: string, template: Json, inputs: Record<string, string>, item: unknown): Promise<Outputs> {
    onlyKnownFields('template', template, ['name', 'inputs', 'outputs', 'retryStrategy', 'activeDeadlineSeconds', 'securityContext', 'volumes', 'container', 'metadata']);
    const scope = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`inputs.parameters.${k}`, v]));
    const podDir = path.join(options.workDir, `${String(counter++).padStart(4, '0')}-${task}`);
    mkdirSync(podDir, { recursive: true });
    const local = (p: string) => (p.startsWith(`${POD_TMP}/`) || p === POD_TMP ? podDir + p.slice(POD_TMP.length) : p);
    const [command, script, ...rest] = template.container.command as string[];
    if (command !== 'node' || script !== '/app/dist/cli.js' || rest.length) throw new Error(`argo-local: unexpected command ${template.container.command}`);
    const args = (template.container.args as string[]).map((a) => substitute(a, scope)).map((a) => a.replace(`=${POD_TMP}/`, `=${podDir}/`));
    const limit = Number(template.retryStrategy?.limit ?? 0);
    const run: StepRun = { task, template: template.name, args, attempts: [], spans: [], outputs: {}, artifacts: {} };
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
      const file = local(p.valueFrom.path);
      if (existsSync(file) || p.valueFrom.default === undefined) run.outputs[p.name] = readFileSync(file, 'utf8');
      else run.outputs[p.name] = String(p.valueFrom.default);
    }
    for (const a of template.outputs?.artifacts ?? []) {
      const file = local(a.path);
      if (existsSync(file)) run.artifacts[a.name] = file;
      else if (!a.optional) throw new Error(`argo-local: ${task}: output artifact ${a.name} (${a.path}) is missing`);
    }
    return { parameters: run.outputs, artifacts: run.artifacts };
  }

  async function runDag(template: Json, inputs: Record<string, string>, at: string): Promise<Outputs> {
    onlyKnownFields('template', template, ['name', 'inputs', 'outputs', 'parallelism', 'dag', 'metadata']);
    const tasks = template.dag.tasks as Json[];
    for (const task of tasks) onlyKnownFields(`task ${task.name}`, task, ['name', 'template', 'depends', 'when', 'withParam', 'arguments']);
    const limit = new Semaphore(template.parallelism ?? Infinity);
    const results = new Map<string, Outputs>();
    const done = new Map<string, Promise<void>>();
    const scopeFor = (item: unknown): Record<string, string> => {
      const scope: Record<string, string> = {};
      for (const [k, v] of Object.entries(inputs)) scope[`inputs.parameters.${k}`] = v;
      for (const [name, outs] of results) {
        for (const [k, v] of Object.entries(outs.parameters)) scope[`tasks.${name}.outputs.parameters.${k}`] = v;
        for (const [k, v] of Object.entries(outs.artifacts)) scope[`tasks.${name}.outputs.artifacts.${k}`] = v;
      }
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
        if (task.when !== undefined && !whenHolds(substitute(task.when, scopeFor(undefined)))) {
          skipped.push(at ? `${at}.${task.name}` : task.name);
          return;
        }
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
              const outs = await runTemplate(at ? `${at}.${task.name}` : task.name, child, args, item);
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
    const outputs: Outputs = { parameters: {}, artifacts: {} };
    for (const p of template.outputs?.parameters ?? []) outputs.parameters[p.name] = substitute(p.valueFrom.parameter, scopeFor(undefined));
    for (const a of template.outputs?.artifacts ?? []) {
      const scope = scopeFor(undefined);
      const ref = /^\{\{([^}]+)\}\}$/.exec(a.from ?? '')?.[1];
      if (ref === undefined) throw new Error(`argo-local: DAG output artifact ${a.name} needs from: '{{tasks.….outputs.artifacts.…}}'`);
      if (ref in scope) outputs.artifacts[a.name] = scope[ref]!;
      else if (!a.optional) throw new Error(`argo-local: DAG output artifact ${a.name}: ${ref} is missing`);
    }
    return outputs;
  }

  function runTemplate(task: string, template: Json, inputs: Record<string, string>, item: unknown): Promise<Outputs> {
    for (const p of template.inputs?.parameters ?? []) {
      if (!(p.name in inputs)) throw new Error(`argo-local: ${task}: input parameter ${p.name} has no value`);
    }
    return template.dag ? runDag(template, inputs, task) : runContainer(task, template, inputs, item);
  }

  const entrypoint = options.entrypoint ?? wt.spec.entrypoint;
  const entry = templates.get(entrypoint);
  if (!entry) throw new Error(`argo-local: no template ${entrypoint}`);
  const inputs: Record<string, string> = {};
  for (const p of entry.inputs?.parameters ?? []) {
    const value = params[p.name] ?? p.default;
    if (value !== undefined) inputs[p.name] = String(value);
  }
  const { parameters, artifacts } = await runTemplate('', entry, inputs, undefined);
  return { outputs: parameters, artifacts, steps, skipped };
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
