import type { EventsV1Event, V1ObjectReference } from '@kubernetes/client-node';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import type { ClusterContext } from './context.js';
import { classifyKubeError, type ClusterCallResult, type KubeApi } from './kube.js';

/**
 * An events.k8s.io/v1 Event saying the analysis finished and what it decided, so `kubectl describe workflow` (or
 * `kubectl get events`) shows it next to the workflow. Best effort: outside a cluster it is a logged no-op, and a
 * 403 or an unreachable API server is a logged warning, never a failed analysis.
 */
export const REPORTING_CONTROLLER = 'moa-ml.github.io/moa';
export const COMPLETION_REASON = 'AnalysisCompleted';

// Server-side limits of events.k8s.io/v1 (pkg/apis/events/validation); the JSON Schema does not check them.
const MAX_NOTE = 1024;
const MAX_SHORT = 128;
const MAX_NAME = 253;

export interface CompletionEventInput {
  /** The decision's action, e.g. none, retrain, reweight, fix_data. */
  action: string;
  /** One-paragraph human summary; cut to 1024 characters. */
  summary: string;
  /** Normal for a completed analysis; the caller may choose Warning for actions that need a human. */
  type?: 'Normal' | 'Warning';
  reason?: string;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}

type ObjectRef = V1ObjectReference & { name: string; namespace: string };

/** The object the event is about: the Argo Workflow when known (that is where users look), else the pod. */
function regardingOf(ctx: ClusterContext): { regarding: ObjectRef; related?: ObjectRef } | undefined {
  const namespace = ctx.namespace;
  if (!namespace) return undefined;
  const pod: ObjectRef | undefined = ctx.podName
    ? { apiVersion: 'v1', kind: 'Pod', name: ctx.podName, namespace, ...(ctx.podUid ? { uid: ctx.podUid } : {}) }
    : undefined;
  if (ctx.workflowName) {
    const workflow: ObjectRef = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      name: ctx.workflowName,
      namespace,
      ...(ctx.workflowUid ? { uid: ctx.workflowUid } : {}),
    };
    return pod ? { regarding: workflow, related: pod } : { regarding: workflow };
  }
  return pod ? { regarding: pod } : undefined;
}

/** Pure: the Event body, or why none can be made. */
export function buildCompletionEvent(
  ctx: ClusterContext,
  input: CompletionEventInput,
  now: Date,
): { body: EventsV1Event } | { skip: string } {
  const refs = regardingOf(ctx);
  if (!refs) return { skip: 'neither the pod nor the workflow name and namespace are known' };
  const { regarding, related } = refs;
  return {
    body: {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: {
        generateName: cut(`${regarding.name}.`, MAX_NAME - 5),
        namespace: regarding.namespace,
        labels: { 'app.kubernetes.io/name': 'moa' },
      },
      eventTime: now, // sent with microseconds by the client (client.ts)
      reportingController: REPORTING_CONTROLLER,
      reportingInstance: cut(ctx.podName ?? 'moa', MAX_SHORT),
      action: cut(input.action || 'none', MAX_SHORT),
      reason: cut(input.reason ?? COMPLETION_REASON, MAX_SHORT),
      type: input.type ?? 'Normal',
      note: cut(input.summary, MAX_NOTE),
      regarding,
      ...(related ? { related } : {}),
    },
  };
}

export interface ClusterCallDeps {
  /** Defaults to the in-cluster client (service-account token). */
  api?: KubeApi;
  now?: () => Date;
  logger?: Logger;
}

export async function emitCompletionEvent(
  ctx: ClusterContext,
  input: CompletionEventInput,
  deps: ClusterCallDeps = {},
): Promise<ClusterCallResult> {
  const logger = deps.logger ?? silentLogger;
  if (!ctx.inCluster) {
    const reason = `not in a cluster: ${ctx.notInClusterReason ?? 'no service account'}`;
    logger.info('completion event skipped', { reason });
    return { status: 'skipped', reason };
  }
  const built = buildCompletionEvent(ctx, input, (deps.now ?? (() => new Date()))());
  if ('skip' in built) {
    logger.warn('completion event skipped', { reason: built.skip, fix: 'set MOA_POD_NAME / MOA_WORKFLOW_NAME and MOA_NAMESPACE' });
    return { status: 'skipped', reason: built.skip };
  }
  const namespace = ctx.namespace as string;
  try {
    const api = deps.api ?? (await import('./client.js')).inClusterKubeApi(ctx);
    const { name } = await api.createEvent(namespace, built.body);
    logger.info('completion event created', { namespace, name, action: input.action });
    return { status: 'created', name, namespace };
  } catch (error) {
    const result = classifyKubeError(error);
    logger.warn('completion event not created', {
      ...result,
      namespace,
      fix:
        result.status === 'forbidden'
          ? 'grant the step\'s service account "create" on events.k8s.io events (k8s/base/role.yaml)'
          : result.status === 'unreachable'
            ? 'allow egress to the API server (k8s/base/networkpolicy.yaml)'
            : undefined,
    });
    return result;
  }
}
