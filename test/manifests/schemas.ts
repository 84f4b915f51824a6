/**
 * Validators for the YAML we ship and the API request bodies we send, built from the official schemas in
 * test/data/schemas/ (origins in its SOURCES.md) with these fixes:
 * - Argo Workflows: IntOrString is typed string-only upstream → anyOf [integer, string]; objects allow unknown keys
 *   upstream → additionalProperties: false on every definition with properties (so typos fail).
 * - Argo Events: webhook `url` is wrongly required (Go field without omitempty; WebhookContext and the
 *   WebhookEventSource that inlines it) → dropped from `required`;
 *   same additionalProperties tightening.
 * - Kubernetes: kubeconform "standalone-strict" files, used as they are.
 * - KFP v1 component.yaml: the draft-06 JSON Schema from KFP 1.8.22.
 * - KFP v2 IR: no JSON Schema exists; the protos are compiled with buf and parsed with protobuf-es (kfp-proto.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule, { type ValidateFunction, type ErrorObject } from 'ajv';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { createRequire } from 'node:module';

// ajv and ajv-formats are CommonJS; under NodeNext their default export is the module object.
type AjvClass = typeof AjvModule.default;
const Ajv = ((AjvModule as unknown as { default?: AjvClass }).default ?? AjvModule) as AjvClass;
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvClass }).default ?? Ajv2020Module) as AjvClass;
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule.default }).default ??
  addFormatsModule) as typeof addFormatsModule.default;

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCHEMA_DIR = path.join(REPO_ROOT, 'test', 'data', 'schemas');

type Json = Record<string, unknown>;
const readJson = (rel: string): Json => JSON.parse(readFileSync(path.join(SCHEMA_DIR, rel), 'utf8')) as Json;

export type Validator = (doc: unknown) => string[];

function wrap(fn: ValidateFunction): Validator {
  return (doc) => (fn(doc) ? [] : (fn.errors ?? []).map(formatError));
}

function formatError(e: ErrorObject): string {
  const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : '';
  return `${e.instancePath || '/'} ${e.message ?? e.keyword}${extra}`;
}

const NOOP_FORMATS = ['int32', 'int64', 'double', 'float', 'byte', 'int-or-string', 'int64-or-string', 'quantity'];

function newAjv(cls: AjvClass) {
  const ajv = new cls({ strict: false, allErrors: true, validateSchema: false, logger: false });
  addFormats(ajv);
  for (const f of NOOP_FORMATS) ajv.addFormat(f, true);
  return ajv;
}

/** additionalProperties: false on every definition that lists properties and says nothing about extra keys. */
function closeObjects(definitions: Record<string, Json>): void {
  for (const def of Object.values(definitions)) {
    if (def.properties && def.additionalProperties === undefined) def.additionalProperties = false;
  }
}

const argoCache = new Map<string, Map<string, Validator>>();
/** Argo Workflows validator for one kind, e.g. argoValidator('WorkflowTemplate'). */
export function argoValidator(kind: 'Workflow' | 'WorkflowTemplate' | 'ClusterWorkflowTemplate' | 'CronWorkflow', version = 'v4.1.2'): Validator {
  let byKind = argoCache.get(version);
  if (!byKind) {
    byKind = new Map();
    argoCache.set(version, byKind);
  }
  const hit = byKind.get(kind);
  if (hit) return hit;
  const schema = readJson(`argo/workflows-${version}.schema.json`);
  const defs = schema.definitions as Record<string, Json>;
  defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] = { anyOf: [{ type: 'integer' }, { type: 'string' }] };
  closeObjects(defs);
  delete schema.$schema;
  const ajv = newAjv(Ajv2020);
  const v = wrap(ajv.compile({ ...schema, oneOf: undefined, $ref: `#/definitions/io.argoproj.workflow.v1alpha1.${kind}` }));
  byKind.set(kind, v);
  return v;
}

let eventsAjv: { ajv: InstanceType<AjvClass>; cache: Map<string, Validator> } | undefined;
/** Argo Events validator for EventSource / Sensor / EventBus. */
export function argoEventsValidator(kind: 'EventSource' | 'Sensor' | 'EventBus'): Validator {
  if (!eventsAjv) {
    const schema = readJson('argo-events/events-v1.9.11.schema.json');
    const defs = schema.definitions as Record<string, Json>;
    // WebhookEventSource inlines WebhookContext, so it carries the same wrong `required`.
    for (const name of ['WebhookContext', 'WebhookEventSource']) {
      const def = defs[`io.argoproj.events.v1alpha1.${name}`] as { required?: string[] };
      def.required = (def.required ?? []).filter((r) => r !== 'url');
    }
    closeObjects(defs);
    delete schema.$schema;
    delete schema.oneOf;
    const ajv = newAjv(Ajv);
    ajv.addSchema(schema, 'events');
    eventsAjv = { ajv, cache: new Map() };
  }
  const hit = eventsAjv.cache.get(kind);
  if (hit) return hit;
  const fn = eventsAjv.ajv.getSchema(`events#/definitions/io.argoproj.events.v1alpha1.${kind}`);
  if (!fn) throw new Error(`no Argo Events definition for ${kind}`);
  const v = wrap(fn);
  eventsAjv.cache.set(kind, v);
  return v;
}

/** kubeconform file name for a Kubernetes kind: `<kind>[-<group>]-<version>.json`. */
export function kubernetesSchemaFile(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const groupPart = group ? `-${group.split('.')[0]}` : '';
  return `kubernetes/v1.32.2-standalone-strict/${kind.toLowerCase()}${groupPart}-${version}.json`;
}

const k8sCache = new Map<string, Validator>();
export function kubernetesValidator(apiVersion: string, kind: string): Validator {
  const file = kubernetesSchemaFile(apiVersion, kind);
  const hit = k8sCache.get(file);
  if (hit) return hit;
  const schema = readJson(file);
  delete schema.$schema;
  const v = wrap(newAjv(Ajv).compile(schema));
  k8sCache.set(file, v);
  return v;
}

let componentV1: Validator | undefined;
export function kfpComponentV1Validator(): Validator {
  if (!componentV1) {
    const ajv = newAjv(Ajv);
    const draft06 = createRequire(import.meta.url)('ajv/dist/refs/json-schema-draft-06.json') as Json;
    ajv.addMetaSchema(draft06);
    componentV1 = wrap(ajv.compile(readJson('kfp/component-v1.schema.json')));
  }
  return componentV1;
}

/** Picks the validator for any document we ship, by apiVersion and kind. */
export function validatorFor(doc: { apiVersion?: unknown; kind?: unknown }): Validator {
  const { apiVersion, kind } = doc;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') throw new Error('document without apiVersion/kind');
  if (apiVersion === 'argoproj.io/v1alpha1') {
    if (kind === 'EventSource' || kind === 'Sensor' || kind === 'EventBus') return argoEventsValidator(kind);
    if (kind === 'Workflow' || kind === 'WorkflowTemplate' || kind === 'ClusterWorkflowTemplate' || kind === 'CronWorkflow') {
      return argoValidator(kind);
    }
  }
  return kubernetesValidator(apiVersion, kind);
}
