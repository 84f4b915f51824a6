import path from 'node:path';
import { REPO_ROOT } from './cli.js';

/** ../shared beside the clone (CI copies it there), or MOA_SHARED_DIR. */
export function sharedDir(): string {
  return process.env.MOA_SHARED_DIR ?? path.resolve(REPO_ROOT, '../shared');
}
