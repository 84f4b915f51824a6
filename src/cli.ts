#!/usr/bin/env node
// The `moa` executable: everything lives in cli/main.ts so tests can call it in-process.
import { main } from './cli/main.js';

process.exitCode = await main(process.argv.slice(2));
