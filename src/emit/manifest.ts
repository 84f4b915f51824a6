import type { Roles } from '../ingest/dataset.js';
import type { DataSource, Manifest } from '../schema/manifest.js';
import { CHECKS, FINDINGS, failing, find } from '../checks/index.js';
import { ACTION_MEANINGS, type Results } from '../schema/results.js';
import { outputUri } from './outputs.js';
import { selectionFileNames } from './selection-files.js';

/**
 * The retrain-config manifest the training stage reads, written from the results alone: what each action means for
 * training is ACTION_MEANINGS (decided next to the actions), not re-derived here.
 */
export function buildManifest(results: Results, roles: Roles, resultsUri: string, trigger?: Record<string, unknown>): Manifest {
  const { decision, checks, selection } = results;
  const out = results.config.out;
  const meaning = ACTION_MEANINGS[decision.action];
  const retrain = meaning.trains;
  const input = (role: string) => results.inputs.find((i) => i.role === role);
  const sources: DataSource[] = [];
  const reference = input('reference')!;
  sources.push({ role: 'reference', uri: reference.uri, use: 'all', rows: reference.rows, reason: retrain ? 'Training data of the current model.' : 'No retraining: the current training data stays as it is.' });
  const operational = input('operational')!;
  const performance = find(checks, CHECKS.performance);
  const labelled = performance?.figures.labelled ?? 0;
  if (meaning.operational === 'labelled' && roles.label && labelled > 0) {
    sources.push({ role: 'operational', uri: operational.uri, use: 'labelled', rows: labelled, reason: meaning.operationalReason });
  } else {
    sources.push({ role: 'operational', uri: operational.uri, use: 'none', rows: operational.rows, reason: meaning.operational === 'labelled' ? 'No operational labels to train on.' : meaning.operationalReason });
  }
  const validation = input('validation');
  if (validation) sources.push({ role: 'validation', uri: validation.uri, use: 'all', rows: validation.rows, reason: 'Held-out data for the baseline; evaluate the retrained model on it too.' });

  const newClasses = failing(checks, CHECKS.newClasses)[0]?.details?.reported ?? [];
  const baseline: Record<string, number> = {};
  const metric = performance?.subject === 'accuracy' || performance?.subject === 'mae' ? performance.subject : undefined;
  const baselineValue = metric && performance?.figures[`baseline_${metric}`];
  if (metric && baselineValue !== undefined) baseline[metric] = baselineValue;
  const acceptance: string[] = [];
  if (metric && baseline[metric] !== undefined) {
    acceptance.push(
      metric === 'accuracy'
        ? `accuracy on held-out recent labelled operational rows >= ${(baseline[metric]! - results.config.performance.maxDrop).toFixed(4)} (baseline minus the tolerated drop)`
        : `MAE on held-out recent labelled operational rows <= ${(baseline[metric]! * (1 + results.config.performance.maxDrop)).toPrecision(4)}`,
    );
  }
  const hints: string[] = [];
  if (newClasses.length) hints.push(`Add output classes: ${newClasses.join(', ')}.`);
  if (decision.findings.includes(FINDINGS.featureDrift)) hints.push('Inputs drifted: check feature scaling and encoders fitted on the reference before reusing them.');
  if (meaning.hint) hints.push(meaning.hint);

  const selected = selection && selection.weights.rows > 0 ? selection.weights : null;
  if (selected) {
    // With a selection file the sources say exactly what it holds, so sources, file and counts agree.
    for (const role of ['reference', 'operational'] as const) {
      const at = sources.findIndex((s) => s.role === role);
      const available = role === 'reference' ? reference.rows : operational.rows;
      const rows = selected[role];
      const use = rows === 0 ? 'none' : rows === available && role === 'reference' ? 'all' : 'labelled';
      const reason =
        rows === 0
          ? `Not in the recommended selection (${selection!.recommended ?? 'none'}).`
          : `${rows} of ${available} rows are in the selection file (${selection!.recommended ?? 'none'}), with their labels and weights.`;
      sources[at] = { role, uri: sources[at]!.uri, use, rows, reason };
    }
  }
  const format = results.config.select.format;
  const names = selectionFileNames(format);
  const data: Manifest['data'] = {
    sources,
    features: roles.features,
    window: selection ? { since: selection.window.since } : null,
    weights: selected
      ? {
          uri: outputUri(out, names.weights),
          format,
          rows: selected.rows,
          weightSum: selected.weightSum,
          effectiveRows: selected.effectiveRows,
          bySource: { reference: selected.reference, operational: selected.operational },
          candidate: selection!.recommended ?? 'none',
          reason: selection!.reason,
        }
      : null,
    exclusions: selection?.exclusions ?? [],
    // Held out to choose and accept the model, then trained on: they are the newest labelled rows.
    validation: selection && selection.validation.rows > 0 ? { uri: outputUri(out, names.validation), rows: selection.validation.rows, since: selection.validation.since, afterAcceptance: 'train' } : null,
    labelQueue: selection ? { uri: outputUri(out, names.labelQueue), rows: selection.labelQueue.rows, budget: selection.labelQueue.budget } : null,
  };
  if (roles.label) data.labelColumn = roles.label;
  if (roles.id) data.idColumn = roles.id;
  return {
    apiVersion: 'moa/v1',
    kind: 'RetrainConfig',
    metadata: {
      runId: results.runId,
      createdAt: results.finishedAt,
      toolVersion: results.toolVersion,
      ...(trigger ? { trigger } : {}),
      inputs: results.inputs,
      config: results.config,
      resultsUri,
    },
    decision,
    data,
    training: {
      task: results.task,
      newClasses,
      classWeights: selection?.classWeights ?? null,
      classWeighting: selection?.classWeighting ?? { source: null, reason: `Unweighted: the action ${decision.action} chooses no training data.`, clip: results.config.select.weightClip, effectiveRows: null },
      warmStart: retrain && newClasses.length === 0,
      hints,
    },
    evaluation: {
      baseline,
      acceptance,
      proxy: selection?.candidates ?? [],
      slicesToWatch: failing(checks, CHECKS.sliceDegradation).map((c) => c.subject ?? c.summary),
    },
    plan: results.plan,
  };
}
