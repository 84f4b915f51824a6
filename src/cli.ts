#!/usr/bin/env node
// The `moa` executable: everything lives in cli/main.ts so tests can call it in-process. In a container with a
// memory limit, `moa run` runs under a supervisor that sets the heap limit from it (cli/supervise.ts).
import { fileURLToPath } from 'node:url';
import { supervise, supervision } from './cli/supervise.js';

const argv = process.argv.slice(2);
const limit = supervision(argv);
if (limit) {
  process.exitCode = await supervise(argv, limit, fileURLToPath(import.meta.url));
} else {
  const { main } = await import('./cli/main.js');
  process.exitCode = await main(argv);
}
