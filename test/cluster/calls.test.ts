/** The logic around the two cluster calls, with a recording KubeApi (the HTTP path is in kube-http.test.ts). */
import { describe, expect, it } from '@jest/globals';
import type { ClusterContext } from '../../src/cluster/context.js';
import { buildCompletionEvent, emitCompletionEvent } from '../../src/cluster/events.js';
import { classifyKubeError, type KubeApi } from '../../src/cluster/kube.js';
import { buildRetrainWorkflow, callsForRetraining, submitRetrainWorkflow } from '../../src/cluster/submit.js';

function recordingApi() {
  const calls: { op: string; namespace: string; body: unknown }[] = [];
  const api: KubeApi = {
    createEvent: async (namespace, body) => (calls.push({ op: 'event', namespace, body }), { name: 'e1' }),
    createWorkflow: async (namespace, body) => (calls.push({ op: 'workflow', namespace, body }), { name: 'w1' }),
  };
  return { api, calls };
}

const inPod: ClusterContext = { inCluster: true, platform: 'kubernetes', namespace: 'ml', podName: 'moa-job-abcde', serviceAccountDir: '/sa' };
const outside: ClusterContext = { inCluster: false, platform: 'none', serviceAccountDir: '/sa', notInClusterReason: 'KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT not set' };
const now = new Date('2026-11-29T03:00:00Z');

describe('emitCompletionEvent', () => {
  it('outside a cluster is a no-op that says why', async () => {
    const { api, calls } = recordingApi();
    const result = await emitCompletionEvent(outside, { action: 'none', summary: 's' }, { api });
    expect(result).toEqual({ status: 'skipped', reason: 'not in a cluster: KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT not set' });
    expect(calls).toEqual([]);
  });

  it('without a workflow, the event is about the pod; without pod or namespace it is skipped', async () => {
    const built = buildCompletionEvent(inPod, { action: 'fix_data', summary: 'Schema check failed.', type: 'Warning' }, now);
    expect('body' in built && built.body.regarding).toEqual({ apiVersion: 'v1', kind: 'Pod', name: 'moa-job-abcde', namespace: 'ml' });
    expect('body' in built && built.body.type).toBe('Warning');
    expect('body' in built && built.body.related).toBeUndefined();
    const { api, calls } = recordingApi();
    const noPod = await emitCompletionEvent({ ...inPod, podName: undefined }, { action: 'none', summary: 's' }, { api });
    expect(noPod.status).toBe('skipped');
    const noNs = await emitCompletionEvent({ ...inPod, namespace: undefined }, { action: 'none', summary: 's' }, { api });
    expect(noNs.status).toBe('skipped');
    expect(calls).toEqual([]);
  });

  it('cuts action and reason to 128 and the note to 1024 characters (API server limits)', () => {
    const built = buildCompletionEvent(inPod, { action: 'a'.repeat(200), summary: 'n'.repeat(5000), reason: 'r'.repeat(300) }, now);
    if (!('body' in built)) throw new Error('expected a body');
    expect(built.body.action).toHaveLength(128);
    expect(built.body.reason).toHaveLength(128);
    expect(built.body.note).toHaveLength(1024);
    expect(built.body.note!.endsWith('…')).toBe(true);
  });

  it('a client error that is not HTTP is reported, not thrown', async () => {
    const api: KubeApi = { createEvent: () => Promise.reject(new Error('boom')), createWorkflow: () => Promise.reject(new Error('boom')) };
    const result = await emitCompletionEvent(inPod, { action: 'none', summary: 's' }, { api });
    expect(result.status).toBe('unreachable');
  });
});

describe('submitRetrainWorkflow', () => {
  it('only retrain and reweight call for retraining', async () => {
    expect(['retrain', 'reweight', 'none', 'fix_data', 'monitor', 'Retrain'].map(callsForRetraining)).toEqual([true, true, false, false, false, false]);
    const { api, calls } = recordingApi();
    const result = await submitRetrainWorkflow(inPod, { template: 't', manifestUri: 's3://b/m.json', action: 'none', runId: 'r' }, { api });
    expect(result.status).toBe('skipped');
    expect(calls).toEqual([]);
  });

  it('outside a cluster is a no-op', async () => {
    const { api, calls } = recordingApi();
    const result = await submitRetrainWorkflow(outside, { template: 't', manifestUri: 's3://b/m.json', action: 'retrain', runId: 'r' }, { api });
    expect(result.status).toBe('skipped');
    expect(calls).toEqual([]);
  });

  it('rejects an invalid template name before calling the API', async () => {
    const { api, calls } = recordingApi();
    const result = await submitRetrainWorkflow(inPod, { template: 'Retrain_Model', manifestUri: 's3://b/m.json', action: 'retrain', runId: 'r' }, { api });
    expect(result).toMatchObject({ status: 'skipped', reason: expect.stringContaining('Retrain_Model') });
    expect(calls).toEqual([]);
  });

  it('sanitises label values and records the manifest as annotation and parameter', () => {
    const built = buildRetrainWorkflow(
      { ...inPod, workflowName: 'drift-check-x7k2p' },
      { template: 'retrain-model', manifestUri: 's3://b/run/retrain-config.json', action: 'retrain', runId: 'run:2026-11-29T03:00:00Z/#1' },
    );
    if (!('body' in built)) throw new Error('expected a body');
    const meta = built.body.metadata as { labels: Record<string, string>; annotations: Record<string, string>; generateName: string };
    expect(meta.generateName).toBe('retrain-model-');
    expect(meta.labels).toEqual({
      'app.kubernetes.io/managed-by': 'moa',
      'moa-ml.github.io/run-id': 'run-2026-11-29T03-00-00Z--1',
      'moa-ml.github.io/triggered-by': 'drift-check-x7k2p',
    });
    expect(meta.annotations['moa-ml.github.io/manifest-uri']).toBe('s3://b/run/retrain-config.json');
    expect(built.namespace).toBe('ml');
  });
});

describe('classifyKubeError', () => {
  const http = (code: number, body: unknown) => Object.assign(new Error(`HTTP-Code: ${code}`), { code, body });

  it('401 and 403 are "forbidden"; other statuses are "rejected" with the Status message', () => {
    expect(classifyKubeError(http(401, { message: 'Unauthorized' }))).toEqual({ status: 'forbidden', httpStatus: 401, message: 'Unauthorized' });
    expect(classifyKubeError(http(404, '{"kind":"Status","message":"the server could not find the requested resource"}'))).toEqual({
      status: 'rejected',
      httpStatus: 404,
      message: 'the server could not find the requested resource',
    });
    expect(classifyKubeError(http(500, undefined))).toEqual({ status: 'rejected', httpStatus: 500, message: 'HTTP 500' });
  });

  it('errors without an HTTP answer are "unreachable" and keep the socket code', () => {
    const refused = Object.assign(new Error('request to https://10.96.0.1/apis failed'), { code: 'ECONNREFUSED' });
    expect(classifyKubeError(refused)).toEqual({ status: 'unreachable', message: 'ECONNREFUSED: request to https://10.96.0.1/apis failed' });
    const wrapped = new Error('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ENOTFOUND' }) });
    expect(classifyKubeError(wrapped).message).toBe('ENOTFOUND: fetch failed');
  });
});
