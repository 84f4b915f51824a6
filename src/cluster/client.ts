import { CustomObjectsApi, EventsV1Api, KubeConfig, V1MicroTime } from '@kubernetes/client-node';
import type { ClusterContext } from './context.js';
import { type KubeApi, withTimeout } from './kube.js';

// The client-node implementation of KubeApi. Heavy to load: import it lazily (events.ts and submit.ts do).

export interface KubeApiOptions {
  timeoutMs?: number;
}

export const DEFAULT_KUBE_TIMEOUT_MS = 10_000;

/** client-node implementation of KubeApi for a loaded KubeConfig. */
export function kubeApiFromConfig(kc: KubeConfig, options: KubeApiOptions = {}): KubeApi {
  const ms = options.timeoutMs ?? DEFAULT_KUBE_TIMEOUT_MS;
  const events = kc.makeApiClient(EventsV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  return {
    async createEvent(namespace, body) {
      // V1MicroTime serialises with microseconds, the form the API server requires for MicroTime fields.
      const sent = { ...body, eventTime: new V1MicroTime(body.eventTime.getTime()) };
      const created = await withTimeout(ms, () => events.createNamespacedEvent({ namespace, body: sent }));
      return { name: created.metadata?.name ?? '' };
    },
    async createWorkflow(namespace, body) {
      const created = (await withTimeout(ms, () =>
        custom.createNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', namespace, plural: 'workflows', body }),
      )) as { metadata?: { name?: string } };
      return { name: created.metadata?.name ?? '' };
    },
  };
}

const SA_SUFFIX = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The in-cluster API (service-account token and CA from ctx.serviceAccountDir). */
export function inClusterKubeApi(ctx: ClusterContext, options: KubeApiOptions = {}): KubeApi {
  const kc = new KubeConfig();
  // loadFromCluster only takes a prefix before the fixed /var/run/secrets/... path (tests point it elsewhere).
  const prefix = ctx.serviceAccountDir.endsWith(SA_SUFFIX) ? ctx.serviceAccountDir.slice(0, -SA_SUFFIX.length) : '';
  kc.loadFromCluster(prefix);
  return kubeApiFromConfig(kc, options);
}
