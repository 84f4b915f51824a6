import type { Roles } from '../ingest/dataset.js';
import type { DataSource, Manifest } from '../schema/manifest.js';
import type { Results } from '../schema/results.js';
import { outputUri } from './outputs.js';
import { selectionFileNames } from './selection-files.js';

/** The retrain-config manifest the training stage reads, derived from the results alone. */
export function buildManifest(results: Results, roles: Roles, resultsUri: string, trigger?: Record<string, unknown>): Manifest {
  const { decision, checks, selection } = results;
  const out = results.config.out;
  const retrain = decision.action === 'retrain' || decision.action === 'reweight';
  const input = (role: string) => results.inputs.find((i) => i.role === role);
  const sources: DataSource[] = [];
  const reference = input('reference')!;
  sources.push({ role: 'reference', uri: reference.uri, use: 'all', rows: reference.rows, reason: retrain ? 'Training data of the current model.' : 'No retraining: the current training data stays as it is.' });
  const operational = input('operational')!;
  const performance = checks.find((c) => c.kind === 'performance');
  const labelled = Number(performance?.figures.labelled ?? 0);
  if (decision.action === 'fix_data') {
    sources.push({ role: 'operational', uri: operational.uri, use: 'none', rows: operational.rows, reason: 'Failed data-quality gates: do not train on it until the pipeline is fixed.' });
  } else if (retrain && roles.label && labelled > 0) {
    sources.push({ role: 'operational', uri: operational.uri, use: 'labelled', rows: labelled, reason: 'Recent labelled rows show what the model now faces.' });
  } else {
    sources.push({ role: 'operational', uri: operational.uri, use: 'none', rows: operational.rows, reason: retrain ? 'No operational labels to train on.' : 'No retraining advised.' });
  }
  const validation = input('validation');
  if (validation) sources.push({ role: 'validation', uri: validation.uri, use: 'all', rows: validation.rows, reason: 'Held-out data for the baseline; evaluate the retrained model on it too.' });

  const newClassCheck = checks.find((c) => c.kind === 'new_classes' && c.status === 'fail');
  const newClasses = (newClassCheck?.details?.reported as string[] | undefined) ?? [];
  const baseline: Record<string, number> = {};
  const metric = performance?.subject;
  if (performance && metric && typeof performance.figures[`baseline_${metric}`] === 'number') baseline[metric] = performance.figures[`baseline_${metric}`] as number;
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
  if (decision.findings.includes('feature_drift')) hints.push('Inputs drifted: check feature scaling and encoders fitted on the reference before reusing them.');
  if (decision.action === 'collect_labels') hints.push('Label a sample of recent operational rows, then run the analysis again.');

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
      ? { uri: outputUri(out, names.weights), format, rows: selected.rows, weightSum: selected.weightSum, bySource: { reference: selected.reference, operational: selected.operational }, candidate: selection!.recommended ?? 'none' }
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
      warmStart: retrain && newClasses.length === 0,
      hints,
    },
    evaluation: {
      baseline,
      acceptance,
      proxy: selection?.candidates ?? [],
      slicesToWatch: checks.filter((c) => c.kind === 'slice_degradation' && c.status === 'fail').map((c) => c.subject ?? c.summary),
    },
    plan: results.plan,
  };
}
