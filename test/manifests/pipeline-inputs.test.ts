/**
 * The inputs a user needs are exposed by every way of running the step — Argo WorkflowTemplate, KFP v2 component
 * (and the example pipeline), KFP v1 component and the Argo Events Sensor — each with a default, and each reaches
 * the CLI flag of the same meaning. (Schema validity of the same files: pipeline-argo, pipeline-kfp and k8s tests.)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parseRunArgs } from '../../src/cli/args.js';
import { REPO_ROOT } from './schemas.js';
import { parseYamlDocs } from './yaml.js';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const docs = (rel: string) => parseYamlDocs(readFileSync(path.join(REPO_ROOT, rel), 'utf8'), rel) as Doc[];

/** Input name → the flag it feeds: label feed, window, column roles, config URI, model version. */
export const USER_INPUTS: Record<string, string> = {
  labels: 'labels',
  label_feed_column: 'label-feed-column',
  since: 'since',
  until: 'until',
  label: 'label',
  prediction: 'prediction',
  proba: 'proba',
  timestamp: 'timestamp',
  id: 'id',
  model_version: 'model-version',
  categorical: 'categorical',
  ignore: 'ignore',
  task: 'task',
  config: 'config',
  selection_format: 'selection-format',
};

describe('every user input, with a default, wired to its flag', () => {
  it('Argo WorkflowTemplate moa-analyze', () => {
    const wt = docs('pipeline/argo/moa-analyze.workflowtemplate.yaml')[0]!;
    const analyze = wt.spec.templates[0];
    const args = analyze.container.args as string[];
    for (const [name, flag] of Object.entries(USER_INPUTS)) {
      const input = (analyze.inputs.parameters as Doc[]).find((p) => p.name === name);
      expect({ name, hasDefault: typeof input?.default === 'string' }).toEqual({ name, hasDefault: true });
      expect(args).toContain(`--${flag}={{inputs.parameters.${name}}}`);
    }
  });

  it.each(['pipeline/kfp/moa-analyze.component.yaml', 'pipeline/kfp/drift-retrain.pipeline.yaml', 'pipeline/kfp/moa-profile-fanout.pipeline.yaml'])('KFP v2 %s', (file) => {
    const spec = docs(file)[0]!;
    const defs = spec.components['comp-moa-analyze'].inputDefinitions.parameters as Record<string, Doc>;
    const args = spec.deploymentSpec.executors['exec-moa-analyze'].container.args as string[];
    for (const [name, flag] of Object.entries(USER_INPUTS)) {
      expect({ name, isOptional: defs[name]?.isOptional, defaultValue: typeof defs[name]?.defaultValue }).toEqual({ name, isOptional: true, defaultValue: 'string' });
      expect(args).toContain(`--${flag}={{$.inputs.parameters['${name}']}}`);
    }
  });

  it('the v2 component file passes every input from its pipeline root to the task', () => {
    const spec = docs('pipeline/kfp/moa-analyze.component.yaml')[0]!;
    const task = spec.root.dag.tasks['moa-analyze'].inputs.parameters as Record<string, Doc>;
    for (const name of Object.keys(USER_INPUTS)) {
      expect(task[name]).toEqual({ componentInputParameter: name });
      expect(spec.root.inputDefinitions.parameters[name].isOptional).toBe(true);
    }
  });

  it('KFP v1 component.yaml', () => {
    const comp = docs('pipeline/kfp/component.yaml')[0]!;
    const text = JSON.stringify(comp.implementation.container.args);
    for (const [name, flag] of Object.entries(USER_INPUTS)) {
      expect((comp.inputs as Doc[]).find((i) => i.name === name)?.optional).toBe(true);
      expect(text).toContain(`{"if":{"cond":{"isPresent":"${name}"},"then":{"concat":["--${flag}=",{"inputValue":"${name}"}]}}}`);
    }
  });

  it('the Argo Events Sensor sets the label feed, its column, the config URI, the roles and the model version from the alert', () => {
    const sensor = docs('k8s/components/alertmanager-trigger/sensor.yaml')[0]!;
    const trigger = sensor.spec.triggers[0].template.argoWorkflow;
    const params = trigger.source.resource.spec.arguments.parameters as Doc[];
    const mapped = new Map<string, string>();
    for (const m of trigger.parameters as Doc[]) mapped.set(params[Number(/parameters\.(\d+)\.value$/.exec(m.dest)![1])]!.name, m.src.dataTemplate ?? m.src.dataKey);
    for (const [name, key] of [['labels', 'moa_labels'], ['label_feed_column', 'moa_label_feed_column'], ['config', 'moa_config'], ['label', 'moa_label'], ['prediction', 'moa_prediction'], ['proba', 'moa_proba'], ['timestamp', 'moa_timestamp'], ['id', 'moa_id'], ['model_version', 'moa_model_version']]) {
      expect(mapped.get(name!)).toContain(`.Input.body.commonLabels.${key} .Input.body.commonAnnotations.${key} | default`);
    }
  });

  it('the flags parse into the config keys they document (empty = not given)', () => {
    const { overrides, configUri } = parseRunArgs([
      '--reference=r', '--operational=o', '--out=x', '--labels=s3://b/labels/', '--label-feed-column=outcome', '--since=2026-11-01', '--until=',
      '--label=churned', '--id=request_id', '--model-version=model_version', '--config=s3://b/moa.yaml',
    ]);
    expect(configUri).toBe('s3://b/moa.yaml');
    expect(overrides.labels).toEqual({ uri: 's3://b/labels/', column: 'outcome' });
    expect(overrides.window).toEqual({ since: '2026-11-01', until: undefined });
    expect(overrides.columns).toEqual({ label: 'churned', id: 'request_id', modelVersion: 'model_version' });
  });
});
