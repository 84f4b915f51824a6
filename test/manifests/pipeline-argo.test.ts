/**
 * pipeline/argo/*.yaml against the Argo Workflows JSON Schemas (v4.1.2, the current release, and v3.7.18, still in
 * use) with the fixes listed in test/manifests/schemas.ts, plus the contract between the YAML and the CLI / code.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { RETRAIN_ACTIONS } from '../../src/cluster/submit.js';
import { argoValidator } from './schemas.js';
import { headerComment, isKustomizeFile, listYamlFiles, readYamlDocs } from './yaml.js';
import { REPO_ROOT } from './schemas.js';
import { IMAGE, OUTPUT_PARAMS, RUN_FLAGS } from './contract.js';
import { MERGE_HELP, PROFILE_HELP, SHARDS_HELP } from '../../src/profile/command.js';

const ARGO_DIR = path.join(REPO_ROOT, 'pipeline/argo');
const files = listYamlFiles(ARGO_DIR).filter((f) => !isKustomizeFile(f));
const docs = files.flatMap(readYamlDocs);
const rel = (f: string) => path.relative(REPO_ROOT, f);

type Template = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const byName = (name: string) => docs.find((d) => (d.doc.metadata as { name?: string })?.name === name)!.doc as Template;

describe('pipeline/argo', () => {
  it('has the WorkflowTemplates and the example Workflow', () => {
    expect(files.map(rel)).toEqual([
      'pipeline/argo/moa-analyze.workflowtemplate.yaml',
      'pipeline/argo/moa-profile-fanout.workflowtemplate.yaml',
      'pipeline/argo/monitor-analyze-retrain.workflow.yaml',
      'pipeline/argo/retrain-model.workflowtemplate.yaml',
    ]);
  });

  for (const version of ['v4.1.2', 'v3.7.18']) {
    it.each(docs.map((d) => [`${rel(d.file)}#${d.index}`, d] as const))(`%s validates against Argo ${version}`, (_, d) => {
      const kind = d.doc.kind as 'Workflow' | 'WorkflowTemplate';
      expect(['Workflow', 'WorkflowTemplate']).toContain(kind);
      expect(argoValidator(kind, version)(d.doc)).toEqual([]);
    });
  }

  it.each(files.map((f) => [rel(f), f]))('%s starts with a header comment saying what it shows', (_, file) => {
    expect(headerComment(readFileSync(file, 'utf8'))).toMatch(/Shows:/);
  });

  it('the schema check can fail: typos and wrong types are reported', () => {
    const wt = structuredClone(byName('moa-analyze'));
    wt.spec.templates[0].container.imag = wt.spec.templates[0].container.image;
    wt.spec.templates[0].outputs.parameters[0].valueFrom.defualt = 'none';
    wt.spec.templates[0].retryStrategy.limit = { n: 3 };
    const errors = argoValidator('WorkflowTemplate')(wt).join('\n');
    expect(errors).toMatch(/imag\)/);
    expect(errors).toMatch(/defualt/);
    expect(errors).toMatch(/retryStrategy\/limit/);
  });
});

describe('moa-analyze WorkflowTemplate', () => {
  const wt = byName('moa-analyze');
  const analyze = (wt.spec.templates as Template[]).find((t) => t.name === wt.spec.entrypoint)!;

  it('runs the moa image with an explicit command and only flags of the CLI contract', () => {
    expect(analyze.container.image).toBe(IMAGE);
    expect(analyze.container.command).toEqual(['node', '/app/dist/cli.js']);
    expect(analyze.container.args[0]).toBe('run');
    const flags = (analyze.container.args as string[]).slice(1).map((a) => /^--([a-z][a-z0-9-]*)(=|$)/.exec(a)?.[1]);
    for (const f of flags) expect(RUN_FLAGS).toContain(f);
    expect(flags).toEqual(expect.arrayContaining(['reference', 'operational', 'out', 'output-params']));
  });

  it('every input parameter is used, and declared at workflow level for direct submission', () => {
    const args = (analyze.container.args as string[]).join(' ');
    const inputs = (analyze.inputs.parameters as { name: string }[]).map((p) => p.name);
    for (const name of inputs.filter((n) => n !== 'model')) expect(args).toContain(`{{inputs.parameters.${name}}}`);
    expect(analyze.metadata.annotations['moa-ml.github.io/model']).toBe('{{inputs.parameters.model}}');
    expect((wt.spec.arguments.parameters as { name: string }[]).map((p) => p.name)).toEqual(inputs);
  });

  it('returns the five output parameters of the contract, each with a default, from the --output-params dir', () => {
    const params = analyze.outputs.parameters as { name: string; valueFrom: { path: string; default?: string } }[];
    expect(params.map((p) => p.name)).toEqual(OUTPUT_PARAMS);
    const dir = (analyze.container.args as string[]).find((a) => a.startsWith('--output-params='))!.split('=')[1];
    for (const p of params) {
      expect(p.valueFrom.path).toBe(`${dir}/${p.name}`);
      expect(p.valueFrom.default).toBeDefined();
    }
  });

  it('outputs report.html, results.json and retrain-config.json as key-only, unarchived artifacts from --out', () => {
    const out = (analyze.inputs.parameters as { name: string; default: string }[]).find((p) => p.name === 'out')!.default;
    const arts = analyze.outputs.artifacts as { name: string; path: string; s3: Record<string, string>; archive: unknown }[];
    for (const file of ['report.html', 'results.json', 'retrain-config.json']) {
      const a = arts.find((x) => x.path === `${out}/${file}`);
      expect(a).toBeDefined();
      expect(Object.keys(a!.s3)).toEqual(['key']);
      expect(a!.s3.key.endsWith(`/${file}`)).toBe(true); // the UI picks the viewer from the extension
      expect(a!.archive).toEqual({ none: {} });
    }
  });

  it('retries storage errors (exit code 4) only, and has a deadline', () => {
    expect(analyze.retryStrategy.expression).toBe('asInt(lastRetry.exitCode) == 4');
    expect(analyze.activeDeadlineSeconds).toBeGreaterThan(0);
  });

  it('meets the restricted Pod Security Standard, with every written path on a volume', () => {
    expect(analyze.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(analyze.container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    const mounts = (analyze.container.volumeMounts as { mountPath: string }[]).map((m) => m.mountPath);
    expect(mounts).toContain('/tmp');
    const written = [...(analyze.outputs.parameters as { valueFrom: { path: string } }[]).map((p) => p.valueFrom.path), ...(analyze.inputs.artifacts as { path: string }[]).map((a) => a.path)];
    for (const p of written) expect(mounts.some((m: string) => p.startsWith(`${m}/`))).toBe(true);
    expect(analyze.container.resources.requests).toBeDefined();
    expect(analyze.container.resources.limits.memory).toBeDefined();
  });

  it('passes the pod and workflow identity the cluster context reads', () => {
    const env = analyze.container.env as { name: string; value?: string; valueFrom?: { fieldRef: { fieldPath: string } } }[];
    const get = (n: string) => env.find((e) => e.name === n);
    expect(get('MOA_POD_NAME')?.valueFrom?.fieldRef.fieldPath).toBe('metadata.name');
    expect(get('MOA_POD_UID')?.valueFrom?.fieldRef.fieldPath).toBe('metadata.uid');
    expect(get('MOA_NAMESPACE')?.valueFrom?.fieldRef.fieldPath).toBe('metadata.namespace');
    expect(get('MOA_WORKFLOW_NAME')?.value).toBe('{{workflow.name}}');
    expect(get('MOA_WORKFLOW_UID')?.value).toBe('{{workflow.uid}}');
  });
});

describe('example Workflow monitor → moa-analyze → retrain', () => {
  const example = docs.find((d) => d.doc.kind === 'Workflow')!.doc as Template;
  const tasks = (example.spec.templates as Template[]).find((t) => t.name === example.spec.entrypoint)!.dag.tasks as Template[];
  const task = (n: string) => tasks.find((t) => t.name === n)!;

  it('calls the moa-analyze template after monitor with parameters it declares', () => {
    const analyze = task('analyze');
    expect(analyze.depends).toBe('monitor');
    expect(analyze.templateRef).toEqual({ name: 'moa-analyze', template: 'analyze' });
    const declared = (byName('moa-analyze').spec.templates[0].inputs.parameters as { name: string }[]).map((p) => p.name);
    for (const p of analyze.arguments.parameters as { name: string }[]) expect(declared).toContain(p.name);
  });

  it('retrains only when the action is one of RETRAIN_ACTIONS, and hands over the manifest', () => {
    const retrain = task('retrain');
    expect(retrain.depends).toBe('analyze');
    const when = retrain.when as string;
    const actions = [...when.matchAll(/== '([a-z_]+)'/g)].map((m) => m[1]);
    expect(actions.sort()).toEqual([...RETRAIN_ACTIONS].sort());
    expect(when).toContain('{{tasks.analyze.outputs.parameters.action}}');
    expect(retrain.arguments.artifacts).toEqual([{ name: 'manifest', from: '{{tasks.analyze.outputs.artifacts.retrain-config}}' }]);
    expect(retrain.arguments.parameters).toContainEqual({ name: 'manifest-uri', value: '{{tasks.analyze.outputs.parameters.manifest_uri}}' });
  });
});

describe('retrain-model WorkflowTemplate', () => {
  it('declares the parameters submitRetrainWorkflow passes', () => {
    const names = (byName('retrain-model').spec.arguments.parameters as { name: string }[]).map((p) => p.name);
    expect(names).toEqual(['manifest-uri', 'action', 'run-id']);
    const action = (byName('retrain-model').spec.arguments.parameters as { name: string; enum?: string[] }[])[1]!;
    expect(action.enum).toEqual([...RETRAIN_ACTIONS]);
  });
});

describe('moa-profile-fanout WorkflowTemplate', () => {
  const wt = byName('moa-profile-fanout');
  const templates = wt.spec.templates as Template[];
  const get = (n: string) => templates.find((t) => t.name === n)!;
  const tasksOf = (t: Template) => t.dag.tasks as Template[];
  const taskOf = (t: Template, n: string) => tasksOf(t).find((x) => x.name === n)!;
  const entry = get(wt.spec.entrypoint);
  const dataset = get('profile-dataset');
  const task = (n: string) => taskOf(dataset, n);

  it('ends in the decision: the reference fan-out (skipped when its profile is given), the operational fan-out on its edges, then moa run on both', () => {
    expect(wt.spec.entrypoint).toBe('analyze-sharded');
    const reference = taskOf(entry, 'reference');
    expect(reference.template).toBe('profile-reference');
    expect(reference.when).toBe("'{{inputs.parameters.reference}}' != ''");
    const operational = taskOf(entry, 'operational');
    // A plain `depends` accepts a skipped task (Argo: Succeeded || Skipped || Daemoned).
    expect(operational).toMatchObject({ depends: 'reference', template: 'profile-dataset' });
    const param = (t: Template, n: string) => (t.arguments.parameters as { name: string; value: string }[]).find((p) => p.name === n)?.value;
    expect(param(operational, 'edges')).toBe('{{inputs.parameters.reference-profile}}');
    expect(param(reference, 'reference-profile')).toBe('{{inputs.parameters.reference-profile}}');
    const decide = taskOf(entry, 'decide');
    expect(decide).toMatchObject({ depends: 'operational', template: 'decide' });
    expect(param(decide, 'operational-profile')).toBe('{{tasks.operational.outputs.parameters.profile}}');
    expect(param(decide, 'reference-profile')).toBe('{{inputs.parameters.reference-profile}}');
    // The reference's two passes: the second bins on the first's deciles and writes the reference profile.
    const second = taskOf(get('profile-reference'), 'second-pass');
    expect(second.depends).toBe('first-pass');
    expect(param(second, 'edges')).toBe('{{tasks.first-pass.outputs.parameters.profile}}');
    expect(param(second, 'merged')).toBe('{{inputs.parameters.reference-profile}}');
    // Every DAG task passes only parameters its template declares, and every required one.
    for (const dag of templates.filter((t) => t.dag)) {
      for (const t of tasksOf(dag)) {
        const declared = (get(t.template).inputs.parameters as { name: string; default?: string }[]);
        const passed = (t.arguments.parameters as { name: string }[]).map((p) => p.name);
        for (const p of passed) expect(declared.map((d) => d.name)).toContain(p);
        for (const d of declared.filter((x) => x.default === undefined)) expect({ task: t.name, passed }).toEqual({ task: t.name, passed: expect.arrayContaining([d.name]) });
      }
    }
    // Every entrypoint input is declared at workflow level, so direct submission (any entrypoint: the names are shared) works.
    const global = (wt.spec.arguments.parameters as { name: string }[]).map((p) => p.name);
    for (const t of ['analyze-sharded', 'profile-reference'].map(get)) for (const p of t.inputs.parameters as { name: string }[]) expect(global).toContain(p.name);
  });

  it('returns the decision like moa-analyze: the five output parameters and the four artifacts, passed up to the entrypoint', () => {
    const decide = get('decide');
    expect((decide.outputs.parameters as { name: string }[]).map((p) => p.name)).toEqual(OUTPUT_PARAMS);
    const analyze = byName('moa-analyze').spec.templates[0] as Template;
    expect(decide.outputs.artifacts).toEqual(analyze.outputs.artifacts);
    expect(decide.outputs.parameters).toEqual(analyze.outputs.parameters);
    expect(decide.retryStrategy.expression).toBe(analyze.retryStrategy.expression);
    const out = entry.outputs;
    for (const name of OUTPUT_PARAMS) expect(out.parameters).toContainEqual({ name, valueFrom: { parameter: `{{tasks.decide.outputs.parameters.${name}}}` } });
    for (const a of decide.outputs.artifacts as { name: string }[]) expect(out.artifacts).toContainEqual({ name: a.name, from: `{{tasks.decide.outputs.artifacts.${a.name}}}`, optional: true });
    const args = decide.container.args as string[];
    expect(args[0]).toBe('run');
    const flags = args.slice(1).map((a) => /^--([a-z][a-z0-9-]*)=/.exec(a)?.[1]);
    for (const f of flags) expect(RUN_FLAGS).toContain(f);
    expect(flags).toEqual(expect.arrayContaining(['reference-profile', 'operational-profile', 'out', 'output-params']));
    const dir = args.find((a) => a.startsWith('--output-params='))!.split('=')[1];
    for (const p of decide.outputs.parameters as { name: string; valueFrom: { path: string } }[]) expect(p.valueFrom.path).toBe(`${dir}/${p.name}`);
    for (const p of (decide.inputs.parameters as { name: string }[]).filter((x) => x.name !== 'model')) expect(args.join(' ')).toContain(`{{inputs.parameters.${p.name}}}`);
  });

  it('lists shards, profiles each with withParam under bounded parallelism, then merges groups and the groups', () => {
    expect(dataset.parallelism).toBeGreaterThan(0);
    expect(task('profile-shard').withParam).toBe('{{tasks.list-shards.outputs.parameters.shards}}');
    expect(task('profile-shard').depends).toBe('list-shards');
    expect(task('merge-group').withParam).toBe('{{tasks.list-shards.outputs.parameters.groups}}');
    expect(task('merge-group').depends).toBe('profile-shard');
    expect(task('merge-all').depends).toBe('merge-group');
    expect(dataset.outputs.parameters[0].valueFrom.parameter).toBe('{{tasks.merge-all.outputs.parameters.profile}}');
  });

  it('every container runs the moa image with only flags its command documents, and every input is used', () => {
    const help: Record<string, string> = { profile: PROFILE_HELP, merge: MERGE_HELP, shards: SHARDS_HELP };
    for (const name of ['shards', 'profile', 'merge']) {
      const t = get(name);
      expect(t.container.image).toBe(IMAGE);
      expect(t.container.command).toEqual(['node', '/app/dist/cli.js']);
      const args = t.container.args as string[];
      expect(args[0]).toBe(name);
      for (const flag of args.slice(1).map((a) => /^--([a-z][a-z0-9-]*)=/.exec(a)?.[1]).filter(Boolean)) expect(help[name]).toContain(`--${flag}`);
      for (const p of t.inputs.parameters as { name: string }[]) expect(args.join(' ')).toContain(`{{inputs.parameters.${p.name}}}`);
    }
    expect(get('decide').container.image).toBe(IMAGE);
    expect(get('decide').container.command).toEqual(['node', '/app/dist/cli.js']);
  });

  it('retries each shard on lost pods and storage errors (exit 4) only, with a deadline and a memory limit', () => {
    for (const name of ['shards', 'profile', 'merge', 'decide']) {
      const t = get(name);
      expect(t.retryStrategy.expression).toBe(name === 'decide' ? 'asInt(lastRetry.exitCode) == 4' : "lastRetry.status == 'Error' || asInt(lastRetry.exitCode) == 4");
      expect(Number(t.retryStrategy.limit)).toBeGreaterThan(0);
      expect(t.activeDeadlineSeconds).toBeGreaterThan(0);
      expect(t.container.resources.limits.memory).toBeDefined();
      expect(t.container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
      for (const p of (t.outputs?.parameters ?? []) as { valueFrom: { path: string } }[]) expect(p.valueFrom.path.startsWith('/tmp/')).toBe(true);
    }
  });
});
