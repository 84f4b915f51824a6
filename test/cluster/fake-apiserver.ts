/**
 * A small stand-in for the Kubernetes API server on 127.0.0.1: it serves the two endpoints the step calls and
 * validates every request body against the official schemas (test/data/schemas, see test/manifests/schemas.ts) plus
 * the server-side Event rules the schema cannot express. An invalid body gets a 422 Status like the real server.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { argoValidator, kubernetesValidator } from '../manifests/schemas.js';

export interface RecordedRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  authorization: string | undefined;
  body: unknown;
  errors: string[];
}

export type Mode = 'ok' | 'forbidden';

export interface FakeApiServer {
  url: string;
  requests: RecordedRequest[];
  mode: Mode;
  close(): Promise<void>;
}

const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Rules from k8s pkg/apis/events/validation for new events.k8s.io/v1 Events. */
function eventRules(body: Record<string, unknown>, namespace: string): string[] {
  const errors: string[] = [];
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
  if (!MICRO_TIME.test(str('eventTime') ?? '')) errors.push('eventTime: must be a MicroTime (microsecond RFC 3339)');
  const rc = str('reportingController');
  if (!rc || !QUALIFIED_NAME.test(rc) || !rc.includes('/')) errors.push('reportingController: must be a qualified name like example.org/name');
  for (const [k, max] of [['reportingInstance', 128], ['action', 128], ['reason', 128], ['note', 1024]] as const) {
    const v = str(k);
    if (k !== 'note' && !v) errors.push(`${k}: required`);
    if (v && v.length > max) errors.push(`${k}: longer than ${max}`);
  }
  if (!['Normal', 'Warning'].includes(str('type') ?? '')) errors.push('type: must be Normal or Warning');
  const regarding = body.regarding as { namespace?: string; name?: string } | undefined;
  if (!regarding?.name) errors.push('regarding.name: required');
  if (regarding?.namespace !== namespace) errors.push('regarding.namespace: must equal the Event namespace');
  const meta = body.metadata as { name?: string; generateName?: string; namespace?: string } | undefined;
  if (!meta?.name && !meta?.generateName) errors.push('metadata.name or generateName: required');
  if (meta?.namespace && meta.namespace !== namespace) errors.push('metadata.namespace: does not match the request');
  return errors;
}

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const ROUTES: { re: RegExp; resource: string; validate: (body: Record<string, unknown>, ns: string) => string[] }[] = [
  {
    re: /^\/apis\/events\.k8s\.io\/v1\/namespaces\/([^/]+)\/events$/,
    resource: 'events.events.k8s.io',
    validate: (body, ns) => [...kubernetesValidator('events.k8s.io/v1', 'Event')(body), ...eventRules(body, ns)],
  },
  {
    re: /^\/apis\/argoproj\.io\/v1alpha1\/namespaces\/([^/]+)\/workflows$/,
    resource: 'workflows.argoproj.io',
    validate: (body, ns) => {
      const errors = argoValidator('Workflow')(body);
      const meta = body.metadata as { namespace?: string; name?: string; generateName?: string } | undefined;
      if (meta?.namespace && meta.namespace !== ns) errors.push('metadata.namespace: does not match the request');
      if (!meta?.name && !meta?.generateName) errors.push('metadata.name or generateName: required');
      return errors;
    },
  },
];

export interface FakeApiServerOptions {
  mode?: Mode;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
}

export async function startFakeApiServer(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const mode = options.mode ?? 'ok';
  // Compile the schemas now (Argo's takes a second or more on a busy machine), not inside a request the client
  // under test is timing out on.
  argoValidator('Workflow');
  kubernetesValidator('events.k8s.io/v1', 'Event');
  const requests: RecordedRequest[] = [];
  let counter = 0;
  const state = { mode };
  const handler: RequestListener = (req, res) => {
    void (async () => {
      const text = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://x');
      const route = ROUTES.find((r) => r.re.test(url.pathname));
      let body: unknown;
      const record: RecordedRequest = {
        method: req.method ?? '',
        path: url.pathname,
        contentType: req.headers['content-type'],
        authorization: req.headers.authorization,
        body: undefined,
        errors: [],
      };
      requests.push(record);
      if (!route || req.method !== 'POST') {
        record.errors.push('unexpected endpoint');
        return send(res, 404, status(404, 'NotFound', `the server could not find the requested resource ${url.pathname}`));
      }
      const namespace = decodeURIComponent(route.re.exec(url.pathname)![1]!);
      if (state.mode === 'forbidden') {
        return send(
          res,
          403,
          status(403, 'Forbidden', `${route.resource} is forbidden: User "system:serviceaccount:${namespace}:moa" cannot create resource in namespace "${namespace}"`),
        );
      }
      try {
        body = JSON.parse(text);
      } catch {
        record.errors.push('body is not JSON');
        return send(res, 400, status(400, 'BadRequest', 'body is not JSON'));
      }
      record.body = body;
      record.errors = route.validate(body as Record<string, unknown>, namespace);
      if (record.errors.length) {
        return send(res, 422, status(422, 'Invalid', record.errors.join('; ')));
      }
      const meta = (body as { metadata: { name?: string; generateName?: string } }).metadata;
      const name = meta.name ?? `${meta.generateName}${(++counter).toString(36).padStart(5, 'x')}`;
      send(res, 201, { ...(body as object), metadata: { ...meta, name, namespace, uid: `uid-${counter}` } });
    })();
  };
  const server: Server = options.tls ? createHttpsServer(options.tls, handler) : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    get mode() {
      return state.mode;
    },
    set mode(m: Mode) {
      state.mode = m;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on: bind, read the port, close. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
