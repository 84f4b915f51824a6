import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { usageError } from '../errors.js';

/**
 * `--alert JSON|@file`: the Alertmanager webhook payload (version "4") that triggered this run, e.g. passed on by an
 * Argo Events Sensor. It is recorded in the run metadata; the data URIs and model it names are offered to the caller.
 *
 * The schema is deliberately open (`looseObject`): Alertmanager keeps adding top-level fields (`notification_reason`,
 * `routeLabels` in v0.34), and an unknown field must never stop an analysis. Only what we read is checked.
 */

// Alertmanager writes Go RFC 3339 times with up to nanoseconds and any offset; Date.parse accepts all of them.
const Timestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'expected an RFC 3339 timestamp' });
const StringMap = z.record(z.string(), z.string());

export const AlertmanagerAlertSchema = z
  .looseObject({
    status: z.enum(['firing', 'resolved']).describe('State of this alert.'),
    labels: StringMap.describe('Identifying labels, e.g. alertname, model.'),
    annotations: StringMap.default({}).describe('Non-identifying information, e.g. summary, data URIs.'),
    startsAt: Timestamp.describe('When the alert started firing.'),
    endsAt: Timestamp.optional().describe('When it resolved; Go zero time (year 1) while firing.'),
    generatorURL: z.string().optional(),
    fingerprint: z.string().optional().describe('Stable hash of the labels; useful to de-duplicate.'),
  })
  .describe('One alert of an Alertmanager webhook notification.');

export const AlertmanagerPayloadSchema = z
  .looseObject({
    version: z.string().describe('Payload format version; Alertmanager sends "4".'),
    groupKey: z.string().min(1).describe('Identifies the alert group; the key to de-duplicate notifications on.'),
    truncatedAlerts: z.number().int().min(0).default(0).describe('Alerts cut off by `max_alerts`.'),
    status: z.enum(['firing', 'resolved']).describe('firing if at least one alert of the group fires.'),
    receiver: z.string(),
    groupLabels: StringMap.default({}),
    commonLabels: StringMap.default({}),
    commonAnnotations: StringMap.default({}),
    externalURL: z.string().optional(),
    alerts: z.array(AlertmanagerAlertSchema).min(1),
  })
  .describe('Alertmanager webhook payload, version 4 (prometheus/alertmanager docs/configuration.md).');

export type AlertmanagerPayload = z.infer<typeof AlertmanagerPayloadSchema>;

/**
 * Label / annotation names this step reads from an alert. A value is taken from `commonLabels`, else
 * `commonAnnotations`, else from the alerts themselves when every alert that carries it agrees; conflicting values
 * are left out and named in `conflicts`. URIs usually belong in annotations (labels identify the alert).
 */
export const ALERT_KEYS = {
  model: ['model', 'moa_model'],
  reference: ['moa_reference'],
  operational: ['moa_operational'],
  validation: ['moa_validation'],
  predictions: ['moa_predictions'],
  /** Late label feed (`--labels`). */
  labelFeed: ['moa_labels'],
  /** Where outputs go (an s3:// prefix when a retrain workflow must read the manifest). */
  out: ['moa_out'],
  /** WorkflowTemplate to submit when the action calls for retraining (`--submit-retrain`). */
  retrainTemplate: ['moa_retrain_template'],
} as const;

export type AlertKey = keyof typeof ALERT_KEYS;
export const ALERT_DATA_KEYS = ['reference', 'operational', 'validation', 'predictions'] as const;
export type AlertDataKey = (typeof ALERT_DATA_KEYS)[number];

export interface AlertInfo {
  source: 'alertmanager';
  /** Group status: firing if any alert still fires. A resolved notification should normally not start a run. */
  status: 'firing' | 'resolved';
  receiver: string;
  groupKey: string;
  version: string;
  alertNames: string[];
  alertCount: number;
  firingCount: number;
  truncatedAlerts: number;
  fingerprints: string[];
  /** The group's common labels (shared by every alert). */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Earliest `startsAt` over the alerts (ISO 8601, UTC): when the problem began. */
  startsAt: string;
  /** Latest `endsAt` when every alert has resolved; absent while any alert fires. */
  endsAt?: string;
  externalURL?: string;
  model?: string;
  /** Data URIs named by the alert; the CLI flags win over them. */
  data: Partial<Record<AlertDataKey, string>>;
  out?: string;
  /** Late label feed URI (`moa_labels`); the flag and the config file win over it. */
  labelFeed?: string;
  retrainTemplate?: string;
  /** Keys whose value differed between the alerts of the group, so none was taken. */
  conflicts: AlertKey[];
}

const GO_ZERO_YEAR = 1;

function pick(payload: AlertmanagerPayload, names: readonly string[]): { value?: string; conflict: boolean } {
  for (const name of names) {
    const common = payload.commonLabels[name] ?? payload.commonAnnotations[name];
    if (common) return { value: common, conflict: false };
  }
  const seen = new Set<string>();
  for (const alert of payload.alerts) {
    for (const name of names) {
      const v = alert.labels[name] ?? alert.annotations[name];
      if (v) {
        seen.add(v);
        break;
      }
    }
  }
  if (seen.size === 1) return { value: [...seen][0], conflict: false };
  return { conflict: seen.size > 1 };
}

/** Pure: the facts a run records about the alert that started it. */
export function alertInfoFrom(payload: AlertmanagerPayload): AlertInfo {
  const starts = payload.alerts.map((a) => Date.parse(a.startsAt));
  const firingCount = payload.alerts.filter((a) => a.status === 'firing').length;
  const ends = payload.alerts
    .map((a) => (a.endsAt === undefined ? NaN : Date.parse(a.endsAt)))
    .filter((t) => !Number.isNaN(t) && new Date(t).getUTCFullYear() > GO_ZERO_YEAR);
  const allEnded = firingCount === 0 && ends.length === payload.alerts.length;

  const conflicts: AlertKey[] = [];
  const values: Partial<Record<AlertKey, string>> = {};
  for (const key of Object.keys(ALERT_KEYS) as AlertKey[]) {
    const { value, conflict } = pick(payload, ALERT_KEYS[key]);
    if (value !== undefined) values[key] = value;
    if (conflict) conflicts.push(key);
  }
  const { model, out, retrainTemplate, labelFeed } = values;
  const data: Partial<Record<AlertDataKey, string>> = {};
  for (const key of ALERT_DATA_KEYS) if (values[key] !== undefined) data[key] = values[key];

  return {
    source: 'alertmanager',
    status: payload.status,
    receiver: payload.receiver,
    groupKey: payload.groupKey,
    version: payload.version,
    alertNames: [...new Set(payload.alerts.map((a) => a.labels.alertname).filter((n): n is string => !!n))].sort(),
    alertCount: payload.alerts.length,
    firingCount,
    truncatedAlerts: payload.truncatedAlerts,
    fingerprints: payload.alerts.map((a) => a.fingerprint).filter((f): f is string => !!f),
    labels: payload.commonLabels,
    annotations: payload.commonAnnotations,
    startsAt: new Date(Math.min(...starts)).toISOString(),
    ...(allEnded ? { endsAt: new Date(Math.max(...ends)).toISOString() } : {}),
    ...(payload.externalURL ? { externalURL: payload.externalURL } : {}),
    ...(model !== undefined ? { model } : {}),
    data,
    ...(out !== undefined ? { out } : {}),
    ...(labelFeed !== undefined ? { labelFeed } : {}),
    ...(retrainTemplate !== undefined ? { retrainTemplate } : {}),
    conflicts,
  };
}

const FIX =
  'pass the Alertmanager webhook body (version 4) as JSON text or as @path/to/file.json, ' +
  'e.g. from an Argo Events Sensor with dataKey "body"';

export interface ParseAlertOptions {
  readFile?: (path: string) => Promise<string>;
}

/** Parses `--alert JSON|@file`. Throws MoaError('usage') naming `--alert` and the fix. */
export async function parseAlertArg(arg: string, options: ParseAlertOptions = {}): Promise<AlertInfo> {
  const read = options.readFile ?? ((p: string) => readFile(p, 'utf8'));
  let text = arg;
  let subject = '--alert';
  if (arg.startsWith('@')) {
    const file = arg.slice(1);
    subject = `--alert @${file}`;
    try {
      text = await read(file);
    } catch (cause) {
      throw usageError('alert.unreadable', `--alert: cannot read file ${file}: ${(cause as Error).message}`, {
        subject,
        fix: 'check the path after "@" (it is read from the local filesystem)',
        cause,
      });
    }
  }
  if (text.trim() === '') {
    throw usageError('alert.empty', `${subject}: the alert payload is empty`, { subject, fix: FIX });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw usageError('alert.invalid_json', `${subject}: not valid JSON (${(cause as Error).message})`, {
      subject,
      fix: FIX,
      cause,
    });
  }
  const parsed = AlertmanagerPayloadSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`)
      .join('; ');
    throw usageError('alert.invalid', `${subject}: not an Alertmanager webhook payload: ${issues}`, {
      subject,
      fix: FIX,
    });
  }
  return alertInfoFrom(parsed.data);
}
