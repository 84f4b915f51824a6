#!/usr/bin/env node
// The `moa` executable: everything lives in cli/main.ts so tests can call it in-process. In a container with a
// memory limit, `moa run` runs under a supervisor that sets the heap limit from it (cli/supervise.ts).
import { fileURLToPath } from 'node:url';
import { supervise, supervision } from './cli/supervise.js';
import { createLogger } from './log.js';

const log = createLogger();
// In a pod every stderr line must be one JSON log line. Node prints process warnings as plain text, so they go
// through the logger instead. The AWS SDK's notice that its releases after January 2027 need Node >= 22 is
// switched off by its documented variable: it is advice to whoever picks the runtime (docs/deploy.md; the image
// runs Node 22), not something a pipeline run can act on.
process.removeAllListeners('warning');
process.on('warning', (warning) => log.warn(`node: ${warning.name}: ${warning.message}`, { code: 'node.warning' }));
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const argv = process.argv.slice(2);
const limit = supervision(argv);
if (limit) {
  process.exitCode = await supervise(argv, limit, fileURLToPath(import.meta.url));
} else {
  const { main } = await import('./cli/main.js');
  process.exitCode = await main(argv, log);
}
