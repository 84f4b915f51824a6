import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MAIN_HELP, parseFlags, parseRunArgs, RUN_HELP, type RunArgs } from './args.js';
import type { RunOutcome } from '../run.js';
import { EXIT_CODES, MoaError, asMoaError, usageError } from '../errors.js';
import { createLogger, withFields, type Logger } from '../log.js';
import { newRunId } from '../run-id.js';
import { rawFlag } from './raw-flag.js';
import type { Storage } from '../storage/index.js';
import { VERSION } from '../version.js';

// Heavy modules (AWS SDK, Arrow, Parquet, zod schemas) are imported by the commands that need them, so
// `moa --version` and `--help` answer at once.

/** Report a failure: one log line naming the input and the fix. Stack traces only for internal errors. */
function report(log: Logger, error: unknown): void {
  if (error instanceof MoaError) {
    // The message names the input; the fix is part of the same line so nobody has to look it up.
    log.error(error.fix ? `${error.message} Fix: ${error.fix}` : error.message, { code: error.code, exitCode: error.exitCode, ...(error.subject ? { subject: error.subject } : {}) });
  } else {
    log.error(`internal error: ${(error as Error)?.message ?? String(error)}`, { code: 'internal', stack: (error as Error)?.stack });
  }
}

/**
 * KFP metadata (--executor-input, --kfp-v1-dir) as run's beforeManifest hook: written after the report and before
 * the manifest, so it exists whenever a manifest does. The executor input is parsed before the analysis starts.
 */
async function pipelineOutputs(pipeline: RunArgs['pipeline'], log: Logger): Promise<((outcome: RunOutcome) => Promise<void>) | undefined> {
  if (pipeline.executorInput === undefined && pipeline.kfpV1Dir === undefined) return undefined;
  const { parseExecutorInput, writePipelineOutputs } = await import('../emit/kfp-write.js');
  const executorInput = pipeline.executorInput === undefined ? undefined : parseExecutorInput(pipeline.executorInput);
  return async (outcome) => {
    const files = { results: outcome.results, manifest: outcome.manifest, summary: outcome.summary, report: outcome.report, manifestUri: outcome.uris.manifest };
    await writePipelineOutputs(files, { executorInput, kfpV1Dir: pipeline.kfpV1Dir, root: process.env.MOA_KFP_LOCAL_ROOT, log });
  };
}

async function run(argv: string[], baseLog: Logger): Promise<number> {
  // Under the supervisor (supervise.ts) the run id comes from it, so its error.json names the same run.
  const runId = process.env.MOA_RUN_ID || newRunId();
  const log = withFields(baseLog, { runId });
  // Where a failure is recorded: from the raw flags until the config is resolved, then from the config.
  let out = rawFlag(argv, 'out');
  let outputParams = rawFlag(argv, 'output-params');
  const [{ createStorage }, outputs, params] = await Promise.all([import('../storage/index.js'), import('../emit/outputs.js'), import('../emit/pipeline-params.js')]);
  let storage: Storage | undefined;
  try {
    const args = parseRunArgs(argv);
    if (args.help) {
      process.stdout.write(RUN_HELP);
      return EXIT_CODES.ok;
    }
    const [{ resolveConfig }, { runAnalysis }] = await Promise.all([import('../config/load.js'), import('../run.js')]);
    storage = createStorage();
    const cluster = await import('../cluster/index.js');
    const alert = args.cluster.alert === undefined ? undefined : await cluster.parseAlertArg(args.cluster.alert);
    if (alert) log.info('triggered by an alert', { status: alert.status, alerts: alert.alertNames, groupKey: alert.groupKey, startsAt: alert.startsAt });
    // The alert's URIs sit under the config file and the flags: they fill only what neither gives.
    const fromAlert = alert ? { ...alert.data, ...(alert.out ? { out: alert.out } : {}), ...(alert.labelFeed ? { labels: { uri: alert.labelFeed } } : {}) } : {};
    out ??= alert?.out;
    let config = await resolveConfig(storage, args.configUri, args.overrides, fromAlert);
    out = config.out;
    outputParams = config.outputParams;
    // Tell a supervising parent where to record a failure it sees (an out-of-memory death).
    if (process.env.MOA_SUPERVISED === '1') process.send?.({ moaOutputs: { out, outputParams } });
    // Until this run decides, its parameters say `error` (runAnalysis withdraws the earlier outputs under --out).
    if (outputParams) await outputs.writeOutputParams(outputParams, params.paramFiles(params.FAILED_RUN_PARAMS));
    if (alert && config.window.since === undefined && config.window.until === undefined) {
      // No window given: analyze the period the alert points at (its start less a margin, to its end or now).
      const { alertWindow } = await import('../ingest/partitions.js');
      config = { ...config, window: alertWindow(alert, new Date()) };
      log.info('time window from the alert', { since: config.window.since, until: config.window.until });
    }
    const beforeManifest = await pipelineOutputs(args.pipeline, log);
    const outcome = await runAnalysis(config, {
      storage,
      log,
      runId,
      ...(alert ? { trigger: { ...alert } } : {}),
      ...(beforeManifest ? { beforeManifest } : {}),
    });
    log.info(`summary\n${outcome.summary}`);
    // Cluster side effects after success; neither call throws, and outside a cluster both are logged no-ops.
    const context = cluster.detectClusterContext();
    const { action } = outcome.results.decision;
    await cluster.emitCompletionEvent(context, { action, summary: outcome.summary }, { logger: log });
    const template = args.cluster.submitRetrain ?? alert?.retrainTemplate;
    if (template && cluster.callsForRetraining(action)) {
      await cluster.submitRetrainWorkflow(context, { template, manifestUri: outcome.uris.manifest, action, runId: outcome.results.runId }, { logger: log });
    }
    process.stdout.write(`action: ${outcome.results.decision.action}\nreport: ${outcome.uris.report}\nmanifest: ${outcome.uris.manifest}\n`);
    return EXIT_CODES.ok;
  } catch (caught) {
    const error = asMoaError(caught);
    report(log, error);
    const exitCode = error instanceof MoaError ? error.exitCode : EXIT_CODES.internal;
    if (outputParams) {
      await outputs.writeOutputParams(outputParams, params.paramFiles(params.FAILED_RUN_PARAMS)).catch((e: Error) => log.warn(`could not write the output parameters: ${e.message}`, { outputParams }));
    }
    if (out) {
      const body = {
        apiVersion: 'moa/v1',
        kind: 'AnalysisError',
        runId,
        exitCode,
        toolVersion: VERSION,
        time: new Date().toISOString(),
        error: error instanceof MoaError ? error.toJSON() : { kind: 'internal', code: 'internal', message: String((error as Error)?.message ?? error) },
      };
      const record = await outputs.recordFailure(storage ?? createStorage(), out, body).catch((e: Error) => ({ withdrawn: false, written: false, problem: e.message }));
      if (record.written) log.info('wrote error.json', { out, manifest: record.withdrawn ? 'withdrawn' : 'not withdrawn' });
      if (record.problem) log.warn(`could not record the failure under --out: ${record.problem}`, { out });
    }
    return exitCode;
  }
}

async function schema(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { kind: { type: 'string' }, write: { type: 'string' }, markdown: { type: 'boolean' } }, 'schema');
  const { jsonSchemaOf, isSchemaKind, SCHEMA_FILES } = await import('../schema/json-schema.js');
  if (values.markdown) {
    // docs/configuration.md: every config key with type, default, flag and example.
    if ((values.kind ?? 'config') !== 'config') throw usageError('usage.schema_markdown', 'moa schema --markdown documents the config only.', { fix: 'Use --kind config (or leave --kind out).' });
    const { configurationMarkdown } = await import('./config-doc.js');
    process.stdout.write(configurationMarkdown());
    return EXIT_CODES.ok;
  }
  if (values.write !== undefined) {
    await mkdir(values.write, { recursive: true });
    for (const kind of Object.keys(SCHEMA_FILES) as (keyof typeof SCHEMA_FILES)[]) {
      await writeFile(path.join(values.write, SCHEMA_FILES[kind]), JSON.stringify(jsonSchemaOf(kind), null, 2) + '\n');
    }
    return EXIT_CODES.ok;
  }
  const kind = values.kind ?? 'manifest';
  if (!isSchemaKind(kind)) throw usageError('usage.schema_kind', `moa schema: unknown --kind "${kind}".`, { fix: 'Use --kind manifest, config, results or profile.' });
  process.stdout.write(JSON.stringify(jsonSchemaOf(kind), null, 2) + '\n');
  return EXIT_CODES.ok;
}

export async function main(argv: string[], log: Logger = createLogger()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(MAIN_HELP);
        return command === undefined ? EXIT_CODES.usage : EXIT_CODES.ok;
      case '-v':
      case '--version':
        process.stdout.write(`${VERSION}\n`);
        return EXIT_CODES.ok;
      case 'run':
        return await run(rest, log);
      case 'demo': {
        const { values } = parseFlags(rest, { dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, 'demo');
        if (values.help) {
          process.stdout.write('Usage: moa demo [--dir DIR]\n\nGenerate the example "color" data under DIR/data and analyze it into DIR/out (default DIR: ./demo-data).\n');
          return EXIT_CODES.ok;
        }
        const { runDemo } = await import('../demo/run-demo.js');
        return await runDemo(values.dir ?? 'demo-data', log);
      }
      case 'contract': {
        const [{ contractCommand }, { createStorage }] = await Promise.all([import('../contract/command.js'), import('../storage/index.js')]);
        return await contractCommand(rest, { storage: createStorage(), log, write: (text) => process.stdout.write(text) });
      }
      case 'schema':
        return await schema(rest);
      case 'profile':
      case 'merge':
      case 'shards': {
        const [profiles, { createStorage }] = await Promise.all([import('../profile/index.js'), import('../storage/index.js')]);
        const deps = { storage: createStorage(), log, write: (text: string) => process.stdout.write(text) };
        const commands = { profile: profiles.profileCommand, merge: profiles.mergeCommand, shards: profiles.shardsCommand };
        return await commands[command](rest, deps);
      }
      default:
        throw usageError('usage.command', `Unknown command "${command}".`, { fix: 'Run `moa --help` for the commands.' });
    }
  } catch (caught) {
    const error = asMoaError(caught);
    report(log, error);
    return error instanceof MoaError ? error.exitCode : EXIT_CODES.internal;
  }
}
