import { z } from 'zod';
import { MAIN_HELP, parseFlags, parseRunArgs, RUN_HELP } from './args.js';
import { resolveConfig } from '../config/load.js';
import { runDemo } from '../demo/run-demo.js';
import { writeErrorFile } from '../emit/outputs.js';
import { EXIT_CODES, MoaError, usageError } from '../errors.js';
import { createLogger, type Logger } from '../log.js';
import { runAnalysis } from '../run.js';
import { ConfigSchema } from '../schema/config.js';
import { ManifestSchema } from '../schema/manifest.js';
import { ResultsSchema } from '../schema/results.js';
import { createStorage } from '../storage/index.js';
import { VERSION } from '../version.js';

const SCHEMAS = { manifest: ManifestSchema, config: ConfigSchema, results: ResultsSchema } as const;

export function jsonSchemaOf(kind: keyof typeof SCHEMAS): Record<string, unknown> {
  return z.toJSONSchema(SCHEMAS[kind], { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}

/** Report a failure: one log line naming the input and the fix. Stack traces only for internal errors. */
function report(log: Logger, error: unknown): void {
  if (error instanceof MoaError) {
    log.error(error.message, { code: error.code, ...(error.subject ? { subject: error.subject } : {}), ...(error.fix ? { fix: error.fix } : {}) });
  } else {
    log.error(`internal error: ${(error as Error)?.message ?? String(error)}`, { code: 'internal', stack: (error as Error)?.stack });
  }
}

async function run(argv: string[], log: Logger): Promise<number> {
  const args = parseRunArgs(argv);
  if (args.help) {
    process.stdout.write(RUN_HELP);
    return EXIT_CODES.ok;
  }
  const storage = createStorage();
  let out: string | undefined = typeof args.overrides.out === 'string' ? args.overrides.out : undefined;
  try {
    const config = await resolveConfig(storage, args.configUri, args.overrides);
    out = config.out;
    const outcome = await runAnalysis(config, { storage, log });
    log.info(`summary\n${outcome.summary}`);
    process.stdout.write(`action: ${outcome.results.decision.action}\nreport: ${outcome.uris.report}\nmanifest: ${outcome.uris.manifest}\n`);
    return EXIT_CODES.ok;
  } catch (error) {
    report(log, error);
    const exitCode = error instanceof MoaError ? error.exitCode : EXIT_CODES.internal;
    if (out) {
      const body = { apiVersion: 'moa/v1', kind: 'AnalysisError', exitCode, toolVersion: VERSION, time: new Date().toISOString(), error: error instanceof MoaError ? error.toJSON() : { kind: 'internal', code: 'internal', message: String((error as Error)?.message ?? error) } };
      if (await writeErrorFile(storage, out, body)) log.info('wrote error.json', { out });
    }
    return exitCode;
  }
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
        return await runDemo(values.dir ?? 'demo-data', log);
      }
      case 'schema': {
        const { values } = parseFlags(rest, { kind: { type: 'string' } }, 'schema');
        const kind = values.kind ?? 'manifest';
        if (!(kind in SCHEMAS)) throw usageError('usage.schema_kind', `moa schema: unknown --kind "${kind}".`, { fix: 'Use --kind manifest, config or results.' });
        process.stdout.write(JSON.stringify(jsonSchemaOf(kind as keyof typeof SCHEMAS), null, 2) + '\n');
        return EXIT_CODES.ok;
      }
      default:
        throw usageError('usage.command', `Unknown command "${command}".`, { fix: 'Run `moa --help` for the commands.' });
    }
  } catch (error) {
    report(log, error);
    return error instanceof MoaError ? error.exitCode : EXIT_CODES.internal;
  }
}
