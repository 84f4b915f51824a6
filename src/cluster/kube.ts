import type { EventsV1Event } from '@kubernetes/client-node';

/**
 * The two Kubernetes API calls the step makes, behind an interface so the logic around them (what to send, how to
 * treat failures) is tested without client-node, and client-node itself is tested against a local HTTP server.
 * Only types come from client-node here: the library takes about a second to load, so client.ts (the
 * implementation) is imported lazily, and only in a cluster.
 */
export interface KubeApi {
  /**
   * client-node serialises the Event through its model: keys it does not know are dropped, so keep the type.
   * `eventTime` is sent with microseconds whatever Date subclass is given.
   */
  createEvent(namespace: string, body: EventsV1Event): Promise<{ name: string }>;
  createWorkflow(namespace: string, body: Record<string, unknown>): Promise<{ name: string }>;
}

/** Outcome of a best-effort cluster call. Only `created` did something; none of the others fails the analysis. */
export type ClusterCallResult =
  | { status: 'created'; name: string; namespace: string }
  | { status: 'skipped'; reason: string }
  | { status: 'forbidden'; httpStatus: number; message: string }
  | { status: 'unreachable'; message: string }
  | { status: 'rejected'; httpStatus: number; message: string };

export type ClusterCallFailure = Exclude<ClusterCallResult, { status: 'created' } | { status: 'skipped' }>;

function errorCode(error: unknown): string | undefined {
  // node-fetch wraps the socket error: FetchError{code, errno}; undici-style errors carry it on `cause`.
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function statusMessage(body: unknown, fallback: string): string {
  if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  if (typeof body === 'string' && body.trim()) {
    try {
      const parsed = JSON.parse(body) as { message?: unknown };
      if (typeof parsed.message === 'string') return parsed.message;
    } catch {
      /* not JSON: use the text */
    }
    return body.slice(0, 500);
  }
  return fallback;
}

/** Maps an error from a KubeApi call onto a result: 401/403 are RBAC or token problems, other statuses a rejected request. */
export function classifyKubeError(error: unknown): ClusterCallFailure {
  // client-node's ApiException carries the HTTP status as a number; socket errors carry string codes.
  const status = error instanceof Error ? (error as Error & { code?: unknown; body?: unknown }) : undefined;
  if (status && typeof status.code === 'number') {
    const httpStatus = status.code;
    const body = status.body;
    const message = statusMessage(body, `HTTP ${httpStatus}`);
    return httpStatus === 401 || httpStatus === 403
      ? { status: 'forbidden', httpStatus, message }
      : { status: 'rejected', httpStatus, message };
  }
  // No HTTP answer: refused, DNS, TLS (e.g. a CA that does not match), or our timeout.
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return { status: 'unreachable', message: code && !message.includes(code) ? `${code}: ${message}` : message };
}

export class KubeTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer from the Kubernetes API within ${ms} ms`);
    this.name = 'KubeTimeoutError';
  }
}

// A blackholed API server would otherwise hold the step for the OS TCP timeout (minutes).
export async function withTimeout<T>(ms: number, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KubeTimeoutError(ms)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([call(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

