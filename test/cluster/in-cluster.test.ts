/**
 * The path a pod takes, end to end: detectClusterContext reads the service-account files and env, the in-cluster
 * client (client-node loadFromCluster) talks HTTPS to the API server stand-in, trusting only the mounted CA and
 * sending the mounted token. The certificate is made here with openssl (skipped with a reason if it is missing).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { detectClusterContext } from '../../src/cluster/context.js';
import { emitCompletionEvent } from '../../src/cluster/events.js';
import { submitRetrainWorkflow } from '../../src/cluster/submit.js';
import { startFakeApiServer, type FakeApiServer } from './fake-apiserver.js';

const openssl = ['/usr/bin/openssl', '/usr/local/bin/openssl'].find((p) => existsSync(p));
if (!openssl) {
  if (process.env.CI === 'true') throw new Error('openssl not found, and CI=true: the in-cluster HTTPS test must run in CI');
  console.log('SKIPPED in-cluster HTTPS test: openssl not found (needed to make a test certificate)');
}
const describeTls = openssl ? describe : describe.skip;

describeTls('in-cluster client over HTTPS with the service-account token and CA', () => {
  let work: string;
  let saDir: string;
  let server: FakeApiServer;
  const saved: Record<string, string | undefined> = {};
  const ENV = ['KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT'];

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'moa-incluster-'));
    execFileSync(openssl!, [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=kubernetes',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(work, 'key.pem'), '-out', path.join(work, 'cert.pem'),
    ], { stdio: 'ignore' });
    const cert = readFileSync(path.join(work, 'cert.pem'), 'utf8');
    server = await startFakeApiServer({ tls: { key: readFileSync(path.join(work, 'key.pem'), 'utf8'), cert } });
    // loadFromCluster only takes a prefix before the standard path, so mirror the pod's layout under `work`.
    saDir = path.join(work, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(saDir, { recursive: true });
    writeFileSync(path.join(saDir, 'token'), 'sa-token-from-file');
    writeFileSync(path.join(saDir, 'ca.crt'), cert);
    writeFileSync(path.join(saDir, 'namespace'), 'ml');
    // client-node reads the service host and port from process.env itself.
    for (const k of ENV) saved[k] = process.env[k];
    process.env.KUBERNETES_SERVICE_HOST = '127.0.0.1';
    process.env.KUBERNETES_SERVICE_PORT = new URL(server.url).port;
  });

  afterAll(async () => {
    for (const k of ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('detects the pod, emits the Event and submits the Workflow with the default (in-cluster) client', async () => {
    const ctx = detectClusterContext({
      env: { ...process.env, MOA_POD_NAME: 'moa-job-abcde', MOA_WORKFLOW_NAME: 'drift-check-x7k2p', ARGO_NODE_ID: 'n1' },
      serviceAccountDir: saDir,
    });
    expect(ctx).toMatchObject({ inCluster: true, platform: 'argo', namespace: 'ml', podName: 'moa-job-abcde' });

    const event = await emitCompletionEvent(ctx, { action: 'reweight', summary: 'Prior shift; reweighting.' });
    const wf = await submitRetrainWorkflow(ctx, { template: 'retrain-model', manifestUri: 's3://b/m.json', action: 'reweight', runId: 'r1' });
    expect(event).toMatchObject({ status: 'created', namespace: 'ml' });
    expect(wf).toMatchObject({ status: 'created', namespace: 'ml' });
    expect(server.requests.map((r) => [r.path, r.authorization, r.errors])).toEqual([
      ['/apis/events.k8s.io/v1/namespaces/ml/events', 'Bearer sa-token-from-file', []],
      ['/apis/argoproj.io/v1alpha1/namespaces/ml/workflows', 'Bearer sa-token-from-file', []],
    ]);
  });

  it('a server certificate the mounted CA did not sign is "unreachable", not a failure', async () => {
    const other = mkdtempSync(path.join(os.tmpdir(), 'moa-incluster-ca-'));
    try {
      execFileSync(openssl!, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=other', '-keyout', path.join(other, 'k.pem'), '-out', path.join(other, 'c.pem')], { stdio: 'ignore' });
      const otherSa = path.join(other, 'var/run/secrets/kubernetes.io/serviceaccount');
      mkdirSync(otherSa, { recursive: true });
      writeFileSync(path.join(otherSa, 'token'), 't');
      writeFileSync(path.join(otherSa, 'ca.crt'), readFileSync(path.join(other, 'c.pem')));
      const ctx = detectClusterContext({ env: { ...process.env, MOA_POD_NAME: 'p', MOA_NAMESPACE: 'ml' }, serviceAccountDir: otherSa });
      const before = server.requests.length;
      const event = await emitCompletionEvent(ctx, { action: 'none', summary: 's' });
      expect(event.status).toBe('unreachable');
      expect(server.requests.length).toBe(before);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
