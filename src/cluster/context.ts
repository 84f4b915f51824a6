import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where this process runs: in a Kubernetes pod or not, and which pod / Argo workflow it is. Read from the
 * environment and the service-account files only, so tests inject both.
 *
 * Environment read (first one set wins):
 * - pod name:       MOA_POD_NAME, KFP_POD_NAME (KFP v2 sets it), POD_NAME, then HOSTNAME (= pod name by default)
 * - pod uid:        MOA_POD_UID, KFP_POD_UID
 * - namespace:      MOA_NAMESPACE, POD_NAMESPACE, then the service-account `namespace` file
 * - workflow name:  MOA_WORKFLOW_NAME, ARGO_WORKFLOW_NAME (set by Argo only from v4.1)
 * - workflow uid:   MOA_WORKFLOW_UID
 * - Argo node id:   ARGO_NODE_ID (its presence means an Argo pod; KFP pods are Argo pods too)
 * pipeline/argo/moa-analyze.workflowtemplate.yaml sets the MOA_* variables from the downward API and Argo variables.
 */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export type Platform = 'kfp' | 'argo' | 'kubernetes' | 'none';

export interface ClusterContext {
  /** True when the API server is reachable in principle: KUBERNETES_SERVICE_HOST/PORT set and a token mounted. */
  inCluster: boolean;
  platform: Platform;
  namespace?: string;
  podName?: string;
  podUid?: string;
  workflowName?: string;
  workflowUid?: string;
  argoNodeId?: string;
  /** Service-account directory the API client should use (token, ca.crt, namespace). */
  serviceAccountDir: string;
  /** Why inCluster is false, for the "skipped" log line. */
  notInClusterReason?: string;
}

export interface ContextDeps {
  env?: NodeJS.ProcessEnv;
  exists?: (file: string) => boolean;
  readText?: (file: string) => string | undefined;
  serviceAccountDir?: string;
}

function first(env: NodeJS.ProcessEnv, names: readonly string[]): string | undefined {
  for (const n of names) {
    const v = env[n]?.trim();
    if (v) return v;
  }
  return undefined;
}

function defaultReadText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export function detectClusterContext(deps: ContextDeps = {}): ClusterContext {
  const env = deps.env ?? process.env;
  const exists = deps.exists ?? existsSync;
  const readText = deps.readText ?? defaultReadText;
  const saDir = deps.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;

  const hasService = !!env.KUBERNETES_SERVICE_HOST && !!env.KUBERNETES_SERVICE_PORT;
  const hasToken = exists(path.join(saDir, 'token'));
  const inCluster = hasService && hasToken;
  const notInClusterReason = inCluster
    ? undefined
    : !hasService
      ? 'KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT not set'
      : `no service-account token at ${path.join(saDir, 'token')} (automountServiceAccountToken: false?)`;

  const namespace =
    first(env, ['MOA_NAMESPACE', 'POD_NAMESPACE']) ?? readText(path.join(saDir, 'namespace'))?.trim() ?? undefined;
  const kfpPod = first(env, ['KFP_POD_NAME']);
  const argoNodeId = first(env, ['ARGO_NODE_ID']);
  const podName = first(env, ['MOA_POD_NAME', 'KFP_POD_NAME', 'POD_NAME']) ?? (inCluster ? first(env, ['HOSTNAME']) : undefined);
  const platform: Platform = kfpPod ? 'kfp' : argoNodeId ? 'argo' : inCluster ? 'kubernetes' : 'none';

  const ctx: ClusterContext = { inCluster, platform, serviceAccountDir: saDir };
  const set = <K extends keyof ClusterContext>(k: K, v: ClusterContext[K] | undefined) => {
    if (v !== undefined && v !== '') ctx[k] = v;
  };
  set('namespace', namespace || undefined);
  set('podName', podName);
  set('podUid', first(env, ['MOA_POD_UID', 'KFP_POD_UID']));
  set('workflowName', first(env, ['MOA_WORKFLOW_NAME', 'ARGO_WORKFLOW_NAME']));
  set('workflowUid', first(env, ['MOA_WORKFLOW_UID']));
  set('argoNodeId', argoNodeId);
  set('notInClusterReason', notInClusterReason);
  return ctx;
}
