/**
 * Kubernetes / Argo / Alertmanager wiring used by the CLI: run context, completion event, retrain submission, alerts.
 * Importing this module does not load @kubernetes/client-node.
 */
export { ALERT_DATA_KEYS, ALERT_KEYS, AlertmanagerPayloadSchema, alertInfoFrom, parseAlertArg } from './alert.js';
export type { AlertDataKey, AlertInfo, AlertKey, AlertmanagerPayload, ParseAlertOptions } from './alert.js';
export { SERVICE_ACCOUNT_DIR, detectClusterContext } from './context.js';
export type { ClusterContext, ContextDeps, Platform } from './context.js';
export { COMPLETION_REASON, REPORTING_CONTROLLER, buildCompletionEvent, emitCompletionEvent } from './events.js';
export type { ClusterCallDeps, CompletionEventInput } from './events.js';
export { classifyKubeError } from './kube.js';
export type { ClusterCallResult, KubeApi } from './kube.js';
// The client-node implementation (kubeApiFromConfig, inClusterKubeApi) is in ./client.js, not re-exported here:
// it loads in about a second, so it is imported lazily and only inside a cluster.
export { RETRAIN_ACTIONS, buildRetrainWorkflow, callsForRetraining, submitRetrainWorkflow } from './submit.js';
export type { RetrainSubmission } from './submit.js';
