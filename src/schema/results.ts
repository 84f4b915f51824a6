import { z } from 'zod';
import { ConfigSchema } from './config.js';
import { SelectionSchema } from './selection.js';
import { CheckResultSchema, FINDING_CODES } from '../checks/index.js';

// The check result envelope and every kind's figures and details live in the catalogue (src/checks).
export { CHECK_STATUSES, CheckResultSchema, CheckStatusSchema, StageSchema, type CheckResult, type CheckStatus } from '../checks/index.js';

export const ACTIONS = ['none', 'fix_data', 'collect_labels', 'recalibrate', 'reweight', 'retrain'] as const;
export const ActionSchema = z.enum(ACTIONS);

/**
 * What each action means for the training stage: whether a model is (re)trained, whether SELECT chooses data, and
 * how the operational rows may be used. decide/ picks the action; emit writes these consequences, never re-deriving them.
 */
export const ACTION_MEANINGS: Readonly<
  Record<(typeof ACTIONS)[number], { meaning: string; trains: boolean; selects: boolean; operational: 'labelled' | 'none'; operationalReason: string; hint?: string }>
> = {
  none: { meaning: 'Nothing to do: no evidence that the model is harmed.', trains: false, selects: false, operational: 'none', operationalReason: 'No retraining advised.' },
  fix_data: {
    meaning: 'The operational data is broken: fix the pipeline; never train on these rows.',
    trains: false,
    selects: false,
    operational: 'none',
    operationalReason: 'Failed data-quality gates: do not train on it until the pipeline is fixed.',
  },
  collect_labels: {
    meaning: 'The data changed but too few labels exist to judge or retrain: label the queued rows, then run again.',
    trains: false,
    selects: true,
    operational: 'none',
    operationalReason: 'No retraining advised.',
    hint: 'Label a sample of recent operational rows, then run the analysis again.',
  },
  recalibrate: { meaning: 'Accuracy holds but probabilities lost calibration: refit the calibration on recent labelled rows.', trains: false, selects: true, operational: 'none', operationalReason: 'No retraining advised.' },
  reweight: { meaning: 'Only the class priors moved: retrain with the training data reweighted by class.', trains: true, selects: true, operational: 'labelled', operationalReason: 'Recent labelled rows show what the model now faces.' },
  retrain: { meaning: 'The model is harmed or cannot predict new classes: retrain on the selected data.', trains: true, selects: true, operational: 'labelled', operationalReason: 'Recent labelled rows show what the model now faces.' },
};
export const SHIFT_TYPES = ['none', 'data_quality', 'covariate', 'label', 'concept', 'new_class', 'unknown'] as const;
export const ShiftTypeSchema = z.enum(SHIFT_TYPES);

export const DecisionSchema = z
  .object({
    action: ActionSchema,
    shiftType: ShiftTypeSchema,
    findings: z.array(z.enum(FINDING_CODES)).describe('What the decision found (src/checks/findings.ts).'),
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
