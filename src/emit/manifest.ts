import type { Roles } from '../ingest/dataset.js';
import type { DataSource, Manifest } from '../schema/manifest.js';
import type { Results } from '../schema/results.js';
import { OUTPUT_NAMES, outputUri } from './outputs.js';

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

  if (selection?.weights.operational && !sources.some((s) => s.role === 'operational' && s.use !== 'none')) {
    sources[1] = { role: 'operational', uri: operational.uri, use: 'labelled', rows: labelled, reason: 'Labelled operational rows chosen by the selection (see weights).' };
  }
  const data: Manifest['data'] = {
    sources,
    window: selection ? { since: selection.window.since } : null,
    weights: selection && selection.weights.rows > 0 ? { uri: outputUri(out, OUTPUT_NAMES.weights), rows: selection.weights.rows, candidate: selection.recommended ?? 'none' } : null,
    exclusions: selection?.exclusions ?? [],
    // Held out to choose and accept the model, then trained on: they are the newest labelled rows.
    validation: selection && selection.validation.rows > 0 ? { uri: outputUri(out, OUTPUT_NAMES.validation), rows: selection.validation.rows, since: selection.validation.since, afterAcceptance: 'train' } : null,
    labelQueue: selection ? { uri: outputUri(out, OUTPUT_NAMES.labelQueue), rows: selection.labelQueue.rows, budget: selection.labelQueue.budget } : null,
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
