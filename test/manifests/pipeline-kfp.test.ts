/**
 * pipeline/kfp/: the v2 IR files through the KFP protos (PipelineSpec, PipelineDeploymentConfig, PlatformSpec,
 * KubernetesExecutorConfig), the v1 component.yaml through its JSON Schema, and the references inside each file
 * (components, executors, inputs, placeholders) that neither schema checks.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { RETRAIN_ACTIONS } from '../../src/cluster/submit.js';
import { protoError } from './kfp-proto.js';
import { REPO_ROOT, kfpComponentV1Validator } from './schemas.js';
import { headerComment, listYamlFiles, parseYamlDocs } from './yaml.js';
import { IMAGE, OUTPUT_PARAMS, RUN_FLAGS } from './contract.js';
import { MERGE_HELP, PROFILE_HELP, SHARDS_HELP } from '../../src/profile/index.js';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const KFP = path.join(REPO_ROOT, 'pipeline/kfp');
const read = (name: string) => readFileSync(path.join(KFP, name), 'utf8');
const docsOf = (name: string) => parseYamlDocs(read(name), name) as Doc[];
const V2_FILES = ['drift-retrain.pipeline.yaml', 'moa-analyze.component.yaml', 'moa-profile-fanout.pipeline.yaml'];

it('pipeline/kfp holds the v2 component, the v2 example pipelines and the v1 component', () => {
  expect(listYamlFiles(KFP).map((f) => path.basename(f))).toEqual(['component.yaml', ...V2_FILES]);
  for (const f of listYamlFiles(KFP)) expect(headerComment(readFileSync(f, 'utf8'))).toMatch(/Shows:/);
});

/** Placeholders `{{$.inputs.parameters['x']}}` etc. used in a container. */
function placeholders(container: Doc): { kind: string; io: string; name: string }[] {
  const text = JSON.stringify([container.command, container.args]);
  return [...text.matchAll(/\{\{\$\.(inputs|outputs)\.(parameters|artifacts)\['([^']+)'\]/g)].map((m) => ({ io: m[1]!, kind: m[2]!, name: m[3]! }));
}

describe.each(V2_FILES)('%s (KFP v2 IR)', (file) => {
  const [spec, platform] = docsOf(file) as [Doc, Doc];

  it('parses as ml_pipelines.PipelineSpec, with its deploymentSpec as PipelineDeploymentConfig', () => {
    expect(protoError('ml_pipelines.PipelineSpec', spec)).toBeUndefined();
    expect(protoError('ml_pipelines.PipelineDeploymentConfig', spec.deploymentSpec)).toBeUndefined();
    expect(spec.schemaVersion).toBe('2.1.0');
  });

  it('has the platform spec as a second document: PlatformSpec and KubernetesExecutorConfig per executor', () => {
    expect(protoError('ml_pipelines.PlatformSpec', platform)).toBeUndefined();
    const executors = platform.platforms.kubernetes.deploymentSpec.executors as Record<string, Doc>;
    for (const [name, cfg] of Object.entries(executors)) {
      expect(spec.deploymentSpec.executors[name]).toBeDefined();
      expect(protoError('kfp_kubernetes.KubernetesExecutorConfig', cfg)).toBeUndefined();
    }
    const moa = executors['exec-moa-analyze']!;
    expect(moa.podMetadata.labels).toEqual({ 'app.kubernetes.io/name': 'moa', 'app.kubernetes.io/component': 'analyze' });
    expect((moa.fieldPathAsEnv as Doc[]).map((e) => e.name).sort()).toEqual(['MOA_NAMESPACE', 'MOA_POD_NAME', 'MOA_POD_UID']);
    expect(moa.emptyDirMounts).toContainEqual({ volumeName: 'tmp', mountPath: '/tmp' });
  });

  it('the SDK reads the description from the third header line', () => {
    expect(read(file).split('\n')[2]).toMatch(/^# Description: \S/);
  });

  it('every reference resolves: components, executors, task inputs, placeholders', () => {
    const components = spec.components as Record<string, Doc>;
    const checkDag = (dag: Doc, scope: Doc) => {
      for (const [taskName, task] of Object.entries(dag.tasks as Record<string, Doc>)) {
        const comp = components[task.componentRef.name];
        expect([taskName, comp !== undefined]).toEqual([taskName, true]);
        const declared = comp!.inputDefinitions ?? {};
        for (const kind of ['parameters', 'artifacts'] as const) {
          // A ParallelFor's loop item is given by its iterator, from one of the task's own inputs.
          const iterator = kind === 'parameters' ? task.parameterIterator : undefined;
          if (iterator) expect([taskName, iterator.items.inputParameter in (task.inputs?.parameters ?? {})]).toEqual([taskName, true]);
          const given = { ...(task.inputs?.[kind] ?? {}), ...(iterator ? { [iterator.itemInput]: {} } : {}) };
          for (const [name, src] of Object.entries(given as Record<string, Doc>)) {
            expect([taskName, kind, name, declared[kind]?.[name] !== undefined]).toEqual([taskName, kind, name, true]);
            const fromScope = src.componentInputParameter ?? src.componentInputArtifact;
            if (fromScope) expect(scope.inputDefinitions?.[kind]?.[fromScope]).toBeDefined();
            const producer = src.taskOutputParameter?.producerTask ?? src.taskOutputArtifact?.producerTask;
            if (producer) expect(task.dependentTasks ?? []).toContain(producer);
          }
          for (const [name, def] of Object.entries((declared[kind] ?? {}) as Record<string, Doc>)) {
            if (!def.isOptional) expect([taskName, name, name in given]).toEqual([taskName, name, true]);
          }
        }
        if (comp!.dag) checkDag(comp!.dag, comp!);
      }
    };
    checkDag(spec.root.dag, spec.root);
    for (const comp of Object.values(components)) {
      if (!comp.executorLabel) continue;
      const container = spec.deploymentSpec.executors[comp.executorLabel]?.container;
      expect(container).toBeDefined();
      expect(container.command?.length).toBeGreaterThan(0); // the launcher ignores ENTRYPOINT
      for (const p of placeholders(container)) {
        const defs = p.io === 'inputs' ? comp.inputDefinitions : comp.outputDefinitions;
        expect([p.io, p.kind, p.name, defs?.[p.kind]?.[p.name] !== undefined]).toEqual([p.io, p.kind, p.name, true]);
      }
    }
  });

  it('runs the moa image with flags of the CLI contract, passing {{$}} as --executor-input, caching off', () => {
    const container = spec.deploymentSpec.executors['exec-moa-analyze'].container as Doc;
    expect(container.image).toBe(IMAGE);
    expect(container.command).toEqual(['node', '/app/dist/cli.js']);
    const args = container.args as string[];
    expect(args[0]).toBe('run');
    for (const a of args.slice(1).filter((x) => x.startsWith('--'))) expect(RUN_FLAGS).toContain(/^--([a-z][a-z0-9-]*)/.exec(a)![1]);
    expect(args[args.indexOf('--executor-input') + 1]).toBe('{{$}}');
    const outputs = spec.components['comp-moa-analyze'].outputDefinitions;
    expect(Object.keys(outputs.parameters)).toEqual(OUTPUT_PARAMS);
    expect(outputs.artifacts.report.artifactType.schemaTitle).toBe('system.HTML');
    expect(outputs.artifacts.metrics.artifactType.schemaTitle).toBe('system.Metrics');
    const tasks = Object.values(spec.root.dag.tasks as Record<string, Doc>).filter((t) => t.componentRef.name === 'comp-moa-analyze');
    for (const t of tasks) expect(t.cachingOptions).toEqual({ enableCache: false });
  });
});

describe('drift-retrain.pipeline.yaml', () => {
  const [spec] = docsOf('drift-retrain.pipeline.yaml') as [Doc];
  const [component] = docsOf('moa-analyze.component.yaml') as [Doc];

  it('uses the same moa component and executor as moa-analyze.component.yaml', () => {
    expect(spec.components['comp-moa-analyze']).toEqual(component.components['comp-moa-analyze']);
    expect(spec.deploymentSpec.executors['exec-moa-analyze']).toEqual(component.deploymentSpec.executors['exec-moa-analyze']);
  });

  it('retrains only when the action is one of RETRAIN_ACTIONS, handing over the manifest', () => {
    const cond = spec.root.dag.tasks['condition-1'];
    const actions = [...(cond.triggerPolicy.condition as string).matchAll(/== '([a-z_]+)'/g)].map((m) => m[1]).sort();
    expect(actions).toEqual([...RETRAIN_ACTIONS].sort());
    expect(cond.triggerPolicy.condition).toContain("inputs.parameter_values['pipelinechannel--moa-analyze-action']");
    expect(cond.inputs.artifacts['pipelinechannel--moa-analyze-retrain_config'].taskOutputArtifact).toEqual({ outputArtifactKey: 'retrain_config', producerTask: 'moa-analyze' });
  });

  it('the proto check can fail: unknown keys, typos inside deploymentSpec and in the platform spec', () => {
    const broken = structuredClone(spec);
    broken.root.dag.tasks['moa-analyze'].cachingOption = { enableCache: false };
    expect(protoError('ml_pipelines.PipelineSpec', broken)).toMatch(/cachingOption/);
    const dep = structuredClone(spec.deploymentSpec);
    dep.executors['exec-moa-analyze'].container.imag = IMAGE;
    expect(protoError('ml_pipelines.PipelineSpec', { ...spec, deploymentSpec: dep })).toBeUndefined(); // a Struct: passes
    expect(protoError('ml_pipelines.PipelineDeploymentConfig', dep)).toMatch(/imag/);
    const badEnum = structuredClone(spec);
    badEnum.root.inputDefinitions.parameters.reference.parameterType = 'TEXT';
    expect(protoError('ml_pipelines.PipelineSpec', badEnum)).toMatch(/TEXT|parameterType|parameter_type/);
    expect(protoError('kfp_kubernetes.KubernetesExecutorConfig', { emptyDirMount: [] })).toMatch(/emptyDirMount/);
  });
});

describe('moa-profile-fanout.pipeline.yaml', () => {
  const [spec] = docsOf('moa-profile-fanout.pipeline.yaml') as [Doc];
  const [component] = docsOf('moa-analyze.component.yaml') as [Doc];
  const tasks = spec.root.dag.tasks as Record<string, Doc>;

  it('decides with the same moa component and executor as moa-analyze.component.yaml, on the two profiles', () => {
    expect(spec.components['comp-moa-analyze']).toEqual(component.components['comp-moa-analyze']);
    expect(spec.deploymentSpec.executors['exec-moa-analyze']).toEqual(component.deploymentSpec.executors['exec-moa-analyze']);
    const inputs = tasks['moa-analyze']!.inputs.parameters;
    expect(inputs.operational_profile.taskOutputParameter).toEqual({ producerTask: 'merge-all', outputParameterKey: 'profile' });
    expect(inputs.reference_profile).toEqual({ componentInputParameter: 'reference_profile' });
    expect([inputs.reference, inputs.operational]).toEqual([{ runtimeValue: { constant: '' } }, { runtimeValue: { constant: '' } }]);
  });

  it('fans out over the shards with bounded parallelism and retries, then merges groups, then the groups', () => {
    const shards = tasks['for-loop-1']!;
    expect(shards.parameterIterator.items.inputParameter).toBe('pipelinechannel--moa-shards-shards');
    expect(shards.iteratorPolicy.parallelismLimit).toBeGreaterThan(0);
    const profile = spec.components['comp-for-loop-1'].dag.tasks['moa-profile'];
    expect(profile.retryPolicy.maxRetryCount).toBeGreaterThan(0);
    expect(Object.fromEntries(['shard', 'shard_id', 'group'].map((k) => [k, profile.inputs.parameters[k].parameterExpressionSelector]))).toEqual({
      shard: 'parseJson(string_value)["uri"]',
      shard_id: 'parseJson(string_value)["id"]',
      group: 'parseJson(string_value)["group"]',
    });
    expect(tasks['for-loop-2']!.dependentTasks).toContain('for-loop-1');
    expect(tasks['merge-all']!.dependentTasks).toEqual(['for-loop-2']);
    // Every moa command is one the CLI has, with flags it knows (the flags of `moa shards`, `profile` and `merge`).
    const known: Record<string, string> = { shards: SHARDS_HELP, profile: PROFILE_HELP, merge: MERGE_HELP };
    for (const [name, executor] of Object.entries(spec.deploymentSpec.executors as Record<string, Doc>)) {
      const [command, ...args] = executor.container.args as string[];
      if (command === 'run') continue;
      expect([name, command! in known]).toEqual([name, true]);
      for (const a of args.filter((x) => x.startsWith('--'))) expect([name, known[command!]!.includes(/^--[a-z-]+/.exec(a)![0])]).toEqual([name, true]);
    }
  });
});

describe('component.yaml (KFP v1)', () => {
  const [comp] = docsOf('component.yaml') as [Doc];
  const validate = kfpComponentV1Validator();

  it('validates against the KFP component JSON Schema (draft-06)', () => {
    expect(validate(comp)).toEqual([]);
  });

  it('the schema check can fail: a misspelt key is reported', () => {
    const broken = structuredClone(comp);
    broken.implementation.container.argz = broken.implementation.container.args;
    expect(validate(broken).join(' ')).toMatch(/argz/);
  });

  it('uses every input, and only guards optional ones with isPresent', () => {
    const args = comp.implementation.container.args as unknown[];
    const text = JSON.stringify(args);
    for (const input of comp.inputs as Doc[]) {
      expect(text).toContain(`{"inputValue":"${input.name}"}`);
      const guarded = text.includes(`{"isPresent":"${input.name}"}`);
      expect([input.name, guarded]).toEqual([input.name, input.optional === true]);
    }
    const flags = [...text.matchAll(/"--([a-z][a-z0-9-]*)=?"/g)].map((m) => m[1]);
    expect(flags).toEqual(expect.arrayContaining(['reference', 'operational', 'out', 'output-params', 'kfp-v1-dir']));
    for (const f of flags) expect(RUN_FLAGS).toContain(f);
  });

  it('every output comes from a file the CLI writes: --out files, --output-params files, --kfp-v1-dir files', () => {
    const c = comp.implementation.container;
    const args = c.args as unknown[];
    const after = (flag: string) => args[args.indexOf(flag) + 1] as string;
    const paths = c.unconfigurableOutputPaths as Record<string, string>;
    expect(Object.keys(paths).sort()).toEqual((comp.outputs as Doc[]).map((o) => o.name).sort());
    for (const p of OUTPUT_PARAMS) expect(paths[p]).toBe(`${after('--output-params')}/${p}`);
    expect(paths.report).toBe(`${after('--out')}/report.html`);
    expect(paths.retrain_config).toBe(`${after('--out')}/retrain-config.json`);
    expect(paths.mlpipeline_ui_metadata).toBe(`${after('--kfp-v1-dir')}/mlpipeline-ui-metadata.json`);
    expect(c.image).toBe(IMAGE);
  });
});
