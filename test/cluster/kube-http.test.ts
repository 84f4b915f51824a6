/**
 * client-node against a local API server stand-in that validates each request body against the Kubernetes / Argo
 * JSON Schemas: a wrong field in what we send fails here, as it would fail in a cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import type { ClusterContext } from '../../src/cluster/context.js';
import { emitCompletionEvent } from '../../src/cluster/events.js';
import { kubeApiFromConfig } from '../../src/cluster/client.js';
import { submitRetrainWorkflow } from '../../src/cluster/submit.js';
import type { Logger } from '../../src/log.js';
import { closedPortUrl, startFakeApiServer, type FakeApiServer } from './fake-apiserver.js';

function kubeConfigFor(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server, skipTLSVerify: true }],
    users: [{ name: 'sa', token: 'test-token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'sa', namespace: 'ml' }],
    currentContext: 'fake',
  });
  return kc;
}

function memoryLogger() {
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (msg: string, fields: Record<string, unknown> = {}) => lines.push({ level, msg, fields });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

const ctx: ClusterContext = {
  inCluster: true,
  platform: 'argo',
  namespace: 'ml',
  podName: 'drift-check-x7k2p-moa-analyze-1234567890',
  podUid: '0b6f3c1e-1111-2222-3333-444455556666',
  workflowName: 'drift-check-x7k2p',
  workflowUid: '9a1e2b3c-aaaa-bbbb-cccc-ddddeeeeffff',
  serviceAccountDir: '/nonexistent',
};
const now = () => new Date('2026-11-29T03:00:00.123Z');

describe('Kubernetes calls over HTTP', () => {
  let server: FakeApiServer;
  beforeAll(async () => {
    server = await startFakeApiServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('creates an events.k8s.io/v1 Event that the schema and the server-side rules accept', async () => {
    server.mode = 'ok';
    const before = server.requests.length;
    const { logger, lines } = memoryLogger();
    const api = kubeApiFromConfig(kubeConfigFor(server.url));
    const result = await emitCompletionEvent(
      ctx,
      { action: 'retrain', summary: 'Covariate shift in 3 of 12 features; accuracy dropped 0.07. '.repeat(30) },
      { api, now, logger },
    );
    expect(result).toEqual({ status: 'created', name: expect.stringMatching(/^drift-check-x7k2p\./), namespace: 'ml' });
    const req = server.requests[before]!;
    expect(req.errors).toEqual([]);
    expect(req.path).toBe('/apis/events.k8s.io/v1/namespaces/ml/events');
    expect(req.authorization).toBe('Bearer test-token');
    const body = req.body as Record<string, unknown>;
    expect(body.eventTime).toBe('2026-11-29T03:00:00.123000Z');
    expect(body.action).toBe('retrain');
    expect(body.reason).toBe('AnalysisCompleted');
    expect((body.note as string).length).toBe(1024);
    expect(body.regarding).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      name: 'drift-check-x7k2p',
      namespace: 'ml',
      uid: '9a1e2b3c-aaaa-bbbb-cccc-ddddeeeeffff',
    });
    expect(body.related).toMatchObject({ kind: 'Pod', name: ctx.podName });
    expect(lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('creates a Workflow from the WorkflowTemplate with the manifest URI that the Argo schema accepts', async () => {
    server.mode = 'ok';
    const before = server.requests.length;
    const api = kubeApiFromConfig(kubeConfigFor(server.url));
    const result = await submitRetrainWorkflow(
      ctx,
      { template: 'retrain-model', manifestUri: 's3://ml/moa/run-1/retrain-config.json', action: 'reweight', runId: 'run-1' },
      { api },
    );
    expect(result).toMatchObject({ status: 'created', namespace: 'ml' });
    const req = server.requests[before]!;
    expect(req.errors).toEqual([]);
    expect(req.path).toBe('/apis/argoproj.io/v1alpha1/namespaces/ml/workflows');
    expect(req.body).toMatchObject({
      spec: {
        workflowTemplateRef: { name: 'retrain-model' },
        arguments: {
          parameters: [
            { name: 'manifest-uri', value: 's3://ml/moa/run-1/retrain-config.json' },
            { name: 'action', value: 'reweight' },
            { name: 'run-id', value: 'run-1' },
          ],
        },
      },
    });
  });

  it('the stand-in really validates: a misspelt field is rejected with 422 and reported, not thrown', async () => {
    server.mode = 'ok';
    const api = kubeApiFromConfig(kubeConfigFor(server.url));
    const misspelt = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: 'x-' }, spec: { workflowTemplateRefs: { name: 'x' } } };
    await expect(api.createWorkflow('ml', misspelt)).rejects.toMatchObject({ code: 422 });
    expect(server.requests.at(-1)!.errors.join(' ')).toMatch(/workflowTemplateRefs/);

    // client-node serialises Events through its model and silently drops unknown keys (`notes` below), so for
    // Events typos are caught by the types (the builder returns EventsV1Event) and by the server-side rules.
    const event = { metadata: { generateName: 'x.' }, eventTime: new Date('2026-11-29T03:00:00Z'), reportingController: 'moa', notes: 'x' };
    await expect(api.createEvent('ml', event as never)).rejects.toMatchObject({ code: 422 });
    const last = server.requests.at(-1)!;
    expect(last.body).not.toHaveProperty('notes');
    expect((last.body as { eventTime: string }).eventTime).toBe('2026-11-29T03:00:00.000000Z');
    expect(last.errors.join(' ')).toMatch(/reportingController: must be a qualified name/);
    expect(last.errors.join(' ')).toMatch(/regarding\.name: required/);
  });

  it('RBAC denied (403): both calls return "forbidden" with a warning and never throw', async () => {
    server.mode = 'forbidden';
    const { logger, lines } = memoryLogger();
    const api = kubeApiFromConfig(kubeConfigFor(server.url));
    const event = await emitCompletionEvent(ctx, { action: 'none', summary: 'No drift.' }, { api, now, logger });
    const wf = await submitRetrainWorkflow(
      ctx,
      { template: 'retrain-model', manifestUri: 's3://ml/m.json', action: 'retrain', runId: 'r' },
      { api, logger },
    );
    expect(event).toMatchObject({ status: 'forbidden', httpStatus: 403, message: expect.stringContaining('forbidden') });
    expect(wf).toMatchObject({ status: 'forbidden', httpStatus: 403 });
    const warnings = lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(2);
    expect(String(warnings[0]!.fields.fix)).toMatch(/events/);
    expect(String(warnings[1]!.fields.fix)).toMatch(/submit-retrain/);
  });

  it('API server unreachable: both calls return "unreachable" with a warning and never throw', async () => {
    const { logger, lines } = memoryLogger();
    const api = kubeApiFromConfig(kubeConfigFor(await closedPortUrl()));
    const event = await emitCompletionEvent(ctx, { action: 'none', summary: 'No drift.' }, { api, now, logger });
    const wf = await submitRetrainWorkflow(
      ctx,
      { template: 'retrain-model', manifestUri: 's3://ml/m.json', action: 'retrain', runId: 'r' },
      { api, logger },
    );
    expect(event.status).toBe('unreachable');
    expect(wf.status).toBe('unreachable');
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(2);
  });

  it('a server that accepts the connection but never answers times out as "unreachable"', async () => {
    const { createServer } = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as import('node:net').AddressInfo).port;
    try {
      const api = kubeApiFromConfig(kubeConfigFor(`http://127.0.0.1:${port}`), { timeoutMs: 300 });
      const event = await emitCompletionEvent(ctx, { action: 'none', summary: 'x' }, { api, now });
      expect(event).toMatchObject({ status: 'unreachable', message: expect.stringMatching(/within 300 ms/) });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});
