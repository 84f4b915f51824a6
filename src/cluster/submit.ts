import { silentLogger } from '../log.js';
import type { ClusterContext } from './context.js';
import type { ClusterCallDeps } from './events.js';
import { classifyKubeError, type ClusterCallResult } from './kube.js';

/**
 * `--submit-retrain TEMPLATE`: create an Argo Workflow from the WorkflowTemplate TEMPLATE (same namespace) with
 * the retrain-config manifest URI as a parameter. Best effort like the completion event: a 403 or an unreachable
 * API server is logged and returned, never thrown, because the analysis itself succeeded.
 *
 * Parameters passed to the template (declare at least `manifest-uri` in its spec.arguments):
 *   manifest-uri  URI of retrain-config.json
 *   action        the decision's action (retrain | reweight)
 *   run-id        this analysis run's id
 */
export const RETRAIN_ACTIONS = ['retrain', 'reweight'] as const;

/** The actions that call for a retraining run; the caller submits only for these. */
export function callsForRetraining(action: string): boolean {
  return (RETRAIN_ACTIONS as readonly string[]).includes(action);
}

export interface RetrainSubmission {
  /** WorkflowTemplate name (or ClusterWorkflowTemplate with clusterScope). */
  template: string;
  clusterScope?: boolean;
  manifestUri: string;
  action: string;
  runId: string;
  /** Defaults to the pod's namespace. */
  namespace?: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// Label values: at most 63 characters of [A-Za-z0-9._-], starting and ending alphanumeric.
function labelValue(v: string): string | undefined {
  const cleaned = v.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return cleaned || undefined;
}

/** Pure: the Workflow body, or why none can be made. */
export function buildRetrainWorkflow(
  ctx: ClusterContext,
  input: RetrainSubmission,
): { namespace: string; body: Record<string, unknown> } | { skip: string } {
  const namespace = input.namespace ?? ctx.namespace;
  if (!namespace) return { skip: 'the namespace is unknown (set MOA_NAMESPACE)' };
  if (!DNS_LABEL.test(input.template) || input.template.length > 63) {
    return { skip: `"${input.template}" is not a valid WorkflowTemplate name` };
  }
  if (!input.manifestUri) return { skip: 'no manifest URI' };
  const labels: Record<string, string> = { 'app.kubernetes.io/managed-by': 'moa' };
  const run = labelValue(input.runId);
  if (run) labels['moa-ml.github.io/run-id'] = run;
  const parent = ctx.workflowName && labelValue(ctx.workflowName);
  if (parent) labels['moa-ml.github.io/triggered-by'] = parent;
  return {
    namespace,
    body: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: {
        generateName: `${input.template.slice(0, 52)}-`,
        namespace,
        labels,
        annotations: {
          'moa-ml.github.io/manifest-uri': input.manifestUri,
          'moa-ml.github.io/action': input.action,
        },
      },
      spec: {
        workflowTemplateRef: { name: input.template, ...(input.clusterScope ? { clusterScope: true } : {}) },
        arguments: {
          parameters: [
            { name: 'manifest-uri', value: input.manifestUri },
            { name: 'action', value: input.action },
            { name: 'run-id', value: input.runId },
          ],
        },
      },
    },
  };
}

export async function submitRetrainWorkflow(
  ctx: ClusterContext,
  input: RetrainSubmission,
  deps: ClusterCallDeps = {},
): Promise<ClusterCallResult> {
  const logger = deps.logger ?? silentLogger;
  if (!callsForRetraining(input.action)) {
    const reason = `action "${input.action}" does not call for retraining (only ${RETRAIN_ACTIONS.join(', ')})`;
    logger.info('retrain workflow not submitted', { reason });
    return { status: 'skipped', reason };
  }
  if (!ctx.inCluster) {
    const reason = `not in a cluster: ${ctx.notInClusterReason ?? 'no service account'}`;
    logger.warn('retrain workflow not submitted', { reason, template: input.template });
    return { status: 'skipped', reason };
  }
  const built = buildRetrainWorkflow(ctx, input);
  if ('skip' in built) {
    logger.warn('retrain workflow not submitted', { reason: built.skip, template: input.template });
    return { status: 'skipped', reason: built.skip };
  }
  try {
    const api = deps.api ?? (await import('./client.js')).inClusterKubeApi(ctx);
    const { name } = await api.createWorkflow(built.namespace, built.body);
    logger.info('retrain workflow submitted', { namespace: built.namespace, name, template: input.template });
    return { status: 'created', name, namespace: built.namespace };
  } catch (error) {
    const result = classifyKubeError(error);
    logger.warn('retrain workflow not submitted', {
      ...result,
      namespace: built.namespace,
      template: input.template,
      fix:
        result.status === 'forbidden'
          ? 'grant "create" on argoproj.io workflows (kustomize component k8s/components/submit-retrain)'
          : result.status === 'unreachable'
            ? 'allow egress to the API server (k8s/base/networkpolicy.yaml)'
            : undefined,
    });
    return result;
  }
}
