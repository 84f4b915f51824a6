/**
 * k8s/: every overlay rendered by `kubectl kustomize`, every rendered document validated with ajv against the
 * Kubernetes (v1.32.2 strict), Argo Workflows and Argo Events schemas (fixes in schemas.ts), plus the wiring
 * between the pieces (RBAC least privilege, NetworkPolicy selector, Sensor → WorkflowTemplate parameters).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ALERT_KEYS } from '../../src/cluster/alert.js';
import { IMAGE } from './contract.js';
import { REPO_ROOT, validatorFor } from './schemas.js';
import { headerComment, listYamlFiles, parseYamlDocs, readYamlDocs } from './yaml.js';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const K8S = path.join(REPO_ROOT, 'k8s');
const OVERLAYS = readdirSync(path.join(K8S, 'overlays')).sort();

function findKubectl(): string | undefined {
  for (const dir of ['/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')]) {
    const p = path.join(dir, 'kubectl');
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}
const kubectl = findKubectl();
if (!kubectl) {
  if (process.env.CI === 'true') throw new Error('kubectl not found, and CI=true: the kustomize overlays must be rendered in CI');
  console.log('SKIPPED k8s overlay rendering: kubectl not found on PATH or in /usr/bin (install kubectl >= 1.27 to run these tests)');
}
const describeKubectl = kubectl ? describe : describe.skip;

function render(overlay: string): Doc[] {
  const text = execFileSync(kubectl!, ['kustomize', path.join(K8S, 'overlays', overlay)], {
    env: { ...process.env, KUBECONFIG: '/dev/null' },
    encoding: 'utf8',
  });
  return parseYamlDocs(text, `kubectl kustomize k8s/overlays/${overlay}`);
}
const rendered = new Map<string, Doc[]>();
const docsOf = (overlay: string) => {
  if (!rendered.has(overlay)) rendered.set(overlay, render(overlay));
  return rendered.get(overlay)!;
};
const find = (docs: Doc[], kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata?.name === name);
const rulesGranting = (docs: Doc[], resource: string, verb: string) =>
  docs
    .filter((d) => d.kind === 'Role' || d.kind === 'ClusterRole')
    .filter((d) => (d.rules as Doc[]).some((r) => r.resources.includes(resource) && r.verbs.includes(verb)))
    .map((d) => d.metadata.name as string)
    .sort();

it('every YAML file under k8s/ (and pipeline/argo/kustomization.yaml) starts with a header comment saying what it shows', () => {
  const files = [...listYamlFiles(K8S), path.join(REPO_ROOT, 'pipeline/argo/kustomization.yaml')];
  expect(files.length).toBeGreaterThan(10);
  for (const f of files) expect([path.relative(REPO_ROOT, f), /Shows:/.test(headerComment(readFileSync(f, 'utf8')))]).toEqual([path.relative(REPO_ROOT, f), true]);
});

describeKubectl('kubectl kustomize k8s/overlays/*', () => {
  it('has the argo, argo-events and kubeflow overlays', () => {
    expect(OVERLAYS).toEqual(['argo', 'argo-events', 'kubeflow']);
  });

  describe.each(OVERLAYS)('overlay %s', (overlay) => {
    it('renders, and every document validates against its schema', () => {
      const docs = docsOf(overlay);
      expect(docs.length).toBeGreaterThan(4);
      const failures = docs
        .map((d) => ({ id: `${d.kind}/${d.metadata?.name}`, errors: validatorFor(d)(d) }))
        .filter((r) => r.errors.length);
      expect(failures).toEqual([]);
    });

    it('puts every namespaced object in one namespace and grants no wildcard rights', () => {
      const docs = docsOf(overlay);
      const namespaces = new Set(docs.filter((d) => d.kind !== 'Namespace').map((d) => d.metadata.namespace));
      expect(namespaces.size).toBe(1);
      const namespace = [...namespaces][0] as string;
      expect(namespace).toBeTruthy();
      for (const role of docs.filter((d) => d.kind === 'Role' || d.kind === 'ClusterRole')) {
        expect(role.kind).toBe('Role');
        for (const rule of role.rules as Doc[]) {
          expect([...rule.apiGroups, ...rule.resources, ...rule.verbs]).not.toContain('*');
        }
      }
      for (const binding of docs.filter((d) => d.kind === 'RoleBinding')) {
        expect(find(docs, 'Role', binding.roleRef.name)).toBeDefined();
        for (const s of binding.subjects as Doc[]) {
          expect(s.namespace).toBe(namespace);
          if (s.kind === 'ServiceAccount') {
            // accounts of this kustomization exist; KFP's (default-editor) come with the Kubeflow profile
            if (!['default-editor', 'pipeline-runner'].includes(s.name)) expect(find(docs, 'ServiceAccount', s.name)).toBeDefined();
          }
        }
      }
    });

    it('the step may create events.k8s.io Events and Argo workflowtaskresults', () => {
      const docs = docsOf(overlay);
      expect(rulesGranting(docs, 'events', 'create')).toEqual(['moa']);
      expect(rulesGranting(docs, 'workflowtaskresults', 'create')).toEqual(['moa']);
      expect(rulesGranting(docs, 'workflowtaskresults', 'patch')).toEqual(['moa']);
    });
  });

  it('only the components grant "create workflows": submit-retrain (the step) and the Sensor', () => {
    expect(rulesGranting(docsOf('argo'), 'workflows', 'create')).toEqual([]);
    expect(rulesGranting(docsOf('kubeflow'), 'workflows', 'create')).toEqual([]);
    const docs = docsOf('argo-events');
    expect(rulesGranting(docs, 'workflows', 'create')).toEqual(['moa-sensor', 'moa-submit-retrain']);
    const bindingOf = (role: string) => docs.find((d) => d.kind === 'RoleBinding' && d.roleRef.name === role)!.subjects;
    expect(bindingOf('moa-submit-retrain')).toEqual([{ kind: 'ServiceAccount', name: 'moa', namespace: 'moa' }]);
    expect(bindingOf('moa-sensor')).toEqual([{ kind: 'ServiceAccount', name: 'moa-sensor', namespace: 'moa' }]);
  });

  it('the WorkflowTemplate runs the pinned image as the moa account, with the ConfigMap it mounts, under the NetworkPolicy', () => {
    const docs = docsOf('argo');
    const wt = find(docs, 'WorkflowTemplate', 'moa-analyze')!;
    const analyze = (wt.spec.templates as Doc[])[0]!;
    expect(analyze.container.image).toBe(IMAGE);
    expect(find(docs, 'ServiceAccount', analyze.serviceAccountName)).toBeDefined();
    const cm = (analyze.volumes as Doc[]).find((v) => v.configMap)!.configMap.name;
    expect(find(docs, 'ConfigMap', cm)!.data['config.yaml']).toBeTruthy();
    const np = find(docs, 'NetworkPolicy', 'moa-analyze')!;
    expect(analyze.metadata.labels).toMatchObject(np.spec.podSelector.matchLabels);
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    const egressPorts = (np.spec.egress as Doc[]).flatMap((r) => (r.ports as Doc[]).map((p) => `${p.protocol}/${p.port}`)).sort();
    expect(egressPorts).toEqual(['TCP/443', 'TCP/53', 'TCP/6443', 'UDP/53']);
  });

  it('`images:` in an overlay reaches the WorkflowTemplate container (kustomizeconfig)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'moa-kustomize-'));
    try {
      copyFileSync(path.join(K8S, 'overlays/argo/kustomizeconfig.yaml'), path.join(dir, 'kustomizeconfig.yaml'));
      writeFileSync(
        path.join(dir, 'kustomization.yaml'),
        [
          'resources:',
          `  - ${path.relative(dir, path.join(K8S, 'overlays/argo'))}`, // kustomize wants a relative path
          'configurations:',
          '  - kustomizeconfig.yaml',
          'images:',
          '  - name: ghcr.io/moa-ml/moa',
          '    newName: registry.example.com/ml/moa',
          '    newTag: 0.1.1',
          '',
        ].join('\n'),
      );
      const text = execFileSync(kubectl!, ['kustomize', dir], { env: { ...process.env, KUBECONFIG: '/dev/null' }, encoding: 'utf8' });
      const wt = find(parseYamlDocs(text, 'custom overlay'), 'WorkflowTemplate', 'moa-analyze')!;
      expect(wt.spec.templates[0].container.image).toBe('registry.example.com/ml/moa:0.1.1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the kubeflow overlay binds the Role to KFP\'s run account and narrows the object store to namespace kubeflow', () => {
    const docs = docsOf('kubeflow');
    expect(find(docs, 'WorkflowTemplate', 'moa-analyze')).toBeUndefined();
    expect(find(docs, 'RoleBinding', 'moa')!.subjects).toContainEqual({ kind: 'ServiceAccount', name: 'default-editor', namespace: 'kubeflow-user-example-com' });
    const np = find(docs, 'NetworkPolicy', 'moa-analyze')!;
    const kubeflowRule = (np.spec.egress as Doc[]).find((r) => r.to?.[0]?.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'kubeflow');
    expect((kubeflowRule!.ports as Doc[]).map((p) => p.port)).toEqual(expect.arrayContaining([8333, 9000]));
  });

  it('the Sensor fires only on status "firing" and maps alert keys onto parameters moa-analyze declares', () => {
    const docs = docsOf('argo-events');
    const es = find(docs, 'EventSource', 'alertmanager')!;
    const sensor = find(docs, 'Sensor', 'moa-alertmanager')!;
    const dep = (sensor.spec.dependencies as Doc[])[0]!;
    expect(dep.eventSourceName).toBe(es.metadata.name);
    expect(Object.keys(es.spec.webhook)).toContain(dep.eventName);
    expect(dep.filters.data).toEqual([{ path: 'body.status', type: 'string', value: ['firing'] }]);

    const trigger = (sensor.spec.triggers as Doc[])[0]!.template.argoWorkflow;
    const wf = trigger.source.resource;
    expect(validatorFor(wf)(wf)).toEqual([]);
    const wt = find(docs, 'WorkflowTemplate', wf.spec.workflowTemplateRef.name)!;
    const declared = ((wt.spec.templates as Doc[])[0]!.inputs.parameters as Doc[]).map((p) => p.name);
    const params = wf.spec.arguments.parameters as Doc[];
    for (const p of params) expect(declared).toContain(p.name);

    const mapped = new Map<string, string>();
    for (const m of trigger.parameters as Doc[]) {
      const index = /^spec\.arguments\.parameters\.(\d+)\.value$/.exec(m.dest)?.[1];
      expect(index).toBeDefined();
      const param = params[Number(index)];
      expect(param).toBeDefined();
      mapped.set(param!.name, m.src.dataTemplate ?? `dataKey:${m.src.dataKey}`);
    }
    const expectKeys = (param: string, key: keyof typeof ALERT_KEYS) => {
      for (const name of ALERT_KEYS[key]) {
        expect(mapped.get(param)).toContain(`.Input.body.commonLabels.${name} `);
        expect(mapped.get(param)).toContain(`.Input.body.commonAnnotations.${name} `);
      }
    };
    expectKeys('reference', 'reference');
    expectKeys('operational', 'operational');
    expectKeys('validation', 'validation');
    expectKeys('predictions', 'predictions');
    expectKeys('out', 'out');
    expectKeys('model', 'model');
    expectKeys('submit_retrain', 'retrainTemplate');
    expect(mapped.get('alert')).toBe('dataKey:body');
    // When a key is absent the parameter keeps the template's own default.
    for (const p of params.filter((x) => x.name !== 'alert')) {
      const dflt = (wt.spec.templates as Doc[])[0]!.inputs.parameters.find((x: Doc) => x.name === p.name).default;
      expect(mapped.get(p.name)).toContain(`| default "${dflt}" }}`);
    }
  });

  it('the schema check can fail: a misspelt field in a rendered Role / Sensor is reported', () => {
    const role = structuredClone(find(docsOf('argo'), 'Role', 'moa')!);
    role.rules[0].verb = role.rules[0].verbs;
    expect(validatorFor(role)(role).join(' ')).toMatch(/verb\)/);
    const sensor = structuredClone(find(docsOf('argo-events'), 'Sensor', 'moa-alertmanager')!);
    sensor.spec.dependencies[0].filter = sensor.spec.dependencies[0].filters;
    expect(validatorFor(sensor)(sensor).join(' ')).toMatch(/filter\)/);
  });
});

it('kustomize patch files are partial objects of kinds the base contains', () => {
  const patch = readYamlDocs(path.join(K8S, 'overlays/kubeflow/networkpolicy-kfp.yaml'))[0]!.doc as Doc;
  const base = readYamlDocs(path.join(K8S, 'base/networkpolicy.yaml'))[0]!.doc as Doc;
  expect([patch.kind, patch.metadata.name]).toEqual([base.kind, base.metadata.name]);
  // a full NetworkPolicy once merged: the patch replaces the egress list only
  expect(validatorFor(base)({ ...base, spec: { ...base.spec, egress: patch.spec.egress } })).toEqual([]);
});
