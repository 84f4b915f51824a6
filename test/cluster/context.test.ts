import { describe, expect, it } from '@jest/globals';
import { detectClusterContext } from '../../src/cluster/context.js';

const SA = '/var/run/secrets/kubernetes.io/serviceaccount';
const files = (entries: Record<string, string>) => ({
  exists: (f: string) => f in entries,
  readText: (f: string) => entries[f],
});
const mounted = files({ [`${SA}/token`]: 'tok', [`${SA}/namespace`]: 'ml-team\n', [`${SA}/ca.crt`]: 'CA' });
const SERVICE = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };

describe('detectClusterContext', () => {
  it('outside a cluster: not in cluster, says why, ignores HOSTNAME', () => {
    const ctx = detectClusterContext({ env: { HOSTNAME: 'laptop' }, ...files({}) });
    expect(ctx).toEqual({
      inCluster: false,
      platform: 'none',
      serviceAccountDir: SA,
      notInClusterReason: 'KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT not set',
    });
  });

  it('service env without a mounted token is not in cluster (automountServiceAccountToken: false)', () => {
    const ctx = detectClusterContext({ env: { ...SERVICE }, ...files({}) });
    expect(ctx.inCluster).toBe(false);
    expect(ctx.notInClusterReason).toMatch(/no service-account token/);
  });

  it('Argo pod with the env the WorkflowTemplate sets (downward API + workflow variables)', () => {
    const ctx = detectClusterContext({
      env: {
        ...SERVICE,
        HOSTNAME: 'ignored-because-MOA_POD_NAME-wins',
        ARGO_NODE_ID: 'drift-check-x7k2p-1234567890',
        ARGO_CONTAINER_NAME: 'main',
        MOA_POD_NAME: 'drift-check-x7k2p-moa-analyze-1234567890',
        MOA_POD_UID: 'pod-uid',
        MOA_NAMESPACE: 'ml',
        MOA_WORKFLOW_NAME: 'drift-check-x7k2p',
        MOA_WORKFLOW_UID: 'wf-uid',
      },
      ...mounted,
    });
    expect(ctx).toEqual({
      inCluster: true,
      platform: 'argo',
      namespace: 'ml',
      podName: 'drift-check-x7k2p-moa-analyze-1234567890',
      podUid: 'pod-uid',
      workflowName: 'drift-check-x7k2p',
      workflowUid: 'wf-uid',
      argoNodeId: 'drift-check-x7k2p-1234567890',
      serviceAccountDir: SA,
    });
  });

  it('KFP v2 pod: KFP_POD_NAME/UID, namespace from the service-account file, Argo >= 4.1 workflow name', () => {
    const ctx = detectClusterContext({
      env: { ...SERVICE, KFP_POD_NAME: 'p-abc-system-container-impl-1', KFP_POD_UID: 'u1', ARGO_NODE_ID: 'n', ARGO_WORKFLOW_NAME: 'p-abc' },
      ...mounted,
    });
    expect(ctx).toMatchObject({ inCluster: true, platform: 'kfp', namespace: 'ml-team', podName: 'p-abc-system-container-impl-1', podUid: 'u1', workflowName: 'p-abc' });
  });

  it('plain pod: falls back to HOSTNAME for the pod name', () => {
    const ctx = detectClusterContext({ env: { ...SERVICE, HOSTNAME: 'moa-job-abcde' }, ...mounted });
    expect(ctx).toMatchObject({ inCluster: true, platform: 'kubernetes', podName: 'moa-job-abcde', namespace: 'ml-team' });
    expect(ctx.workflowName).toBeUndefined();
  });

  it('honours a different service-account directory', () => {
    const dir = '/tmp/sa';
    const ctx = detectClusterContext({ env: { ...SERVICE }, serviceAccountDir: dir, ...files({ [`${dir}/token`]: 't' }) });
    expect(ctx.inCluster).toBe(true);
    expect(ctx.serviceAccountDir).toBe(dir);
  });
});
