import { z } from 'zod';
import { ConfigSchema } from './config.js';
import { SelectionSchema } from './selection.js';

/** One result shape for every check. `error` means "could not run", not "failed". */
export const CHECK_STATUSES = ['pass', 'warn', 'fail', 'error', 'skipped', 'insufficient_data'] as const;
export const CheckStatusSchema = z.enum(CHECK_STATUSES);

export const StageSchema = z.enum(['ingest', 'analyze', 'audit', 'decide', 'select']);

const Figure = z.union([z.number(), z.string(), z.boolean(), z.null()]);

export const CheckResultSchema = z
  .object({
    id: z.string().describe('Stable id, e.g. `drift.feature.age`; decisions point to these.'),
    stage: StageSchema,
    kind: z.string().describe('What sort of check, e.g. `schema`, `feature_drift`, `performance`.'),
    subject: z.string().optional().describe('The column or class the check is about.'),
    status: CheckStatusSchema,
    method: z.string().optional().describe('The test or metric actually used.'),
    figures: z.record(z.string(), Figure).describe('The numbers behind the status (statistic, p-value, effect, …).'),
    threshold: z.record(z.string(), z.number()).optional().describe('Thresholds applied to reach the status.'),
    summary: z.string().describe('One human sentence.'),
    details: z.record(z.string(), z.unknown()).optional().describe('Larger structured data (tables, lists).'),
  })
  .strict();

export type CheckResult = z.infer<typeof CheckResultSchema>;
export type CheckStatus = z.infer<typeof CheckStatusSchema>;

export const ACTIONS = ['none', 'fix_data', 'collect_labels', 'recalibrate', 'reweight', 'retrain'] as const;
export const ActionSchema = z.enum(ACTIONS);
export const SHIFT_TYPES = ['none', 'data_quality', 'covariate', 'label', 'concept', 'new_class', 'unknown'] as const;
export const ShiftTypeSchema = z.enum(SHIFT_TYPES);

export const DecisionSchema = z
  .object({
    action: ActionSchema,
    shiftType: ShiftTypeSchema,
    findings: z.array(z.string()).describe('Codes such as `feature_drift`, `new_classes`, `performance_drop`.'),
    confidence: z.number().min(0).max(1).describe('How firmly the evidence supports the action.'),
    reasons: z
      .array(z.object({ text: z.string(), checks: z.array(z.string()) }).strict())
      .describe('Why, each pointing to the check ids that support it.'),
  })
  .strict();
export type Decision = z.infer<typeof DecisionSchema>;
export type Action = z.infer<typeof ActionSchema>;
export type ShiftType = z.infer<typeof ShiftTypeSchema>;

export const InputRecordSchema = z
  .object({
    role: z.string(),
    uri: z.string(),
    objects: z.array(z.object({ uri: z.string(), etag: z.string().optional(), bytes: z.number() }).strict()),
    rows: z.number().int(),
    columns: z.number().int(),
    format: z.string(),
  })
  .strict();
export type InputRecord = z.infer<typeof InputRecordSchema>;

export const PlanSchema = z
  .object({
    testsRun: z.number().int().describe('Tests this run executed.'),
    testsFull: z.number().int().describe('Tests the full battery (--full) runs on the same inputs.'),
    executed: z.array(z.string()).describe('Check ids in the order they ran.'),
    skipped: z.array(z.object({ id: z.string(), reason: z.string() }).strict()).describe('Plan steps not run, and why.'),
    steps: z
      .array(
        z
          .object({ id: z.string(), title: z.string(), status: z.enum(['run', 'skipped']), tests: z.number().int(), reason: z.string().optional() })
          .strict(),
      )
      .describe('The ordered plan as run.'),
    stoppedAt: z.string().nullable().describe('The step after which the plan stopped early, if it did.'),
    alpha: z.record(z.string(), z.number()).describe('The error budget as spent per step.'),
  })
  .strict();

export const ResultsSchema = z
  .object({
    apiVersion: z.literal('moa/v1'),
    kind: z.literal('AnalysisResults'),
    runId: z.string(),
    startedAt: z.string(),
    finishedAt: z.string(),
    toolVersion: z.string(),
    task: z.enum(['classification', 'regression']).nullable(),
    inputs: z.array(InputRecordSchema),
    config: ConfigSchema,
    checks: z.array(CheckResultSchema),
    decision: DecisionSchema,
    plan: PlanSchema,
    selection: SelectionSchema.nullable().describe('What SELECT chose; null when the action needs no data (none, fix_data).'),
  })
  .strict();
export type Results = z.infer<typeof ResultsSchema>;
