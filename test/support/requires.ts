import { describe } from '@jest/globals';
import { isCI } from '../global-setup.js';

/**
 * `describe` when what a block needs is there (`missing` is null); otherwise a skip with the reason printed, and a
 * failure under CI=true, where every data set and tool is installed and a skip would hide a broken setup.
 */
export function describeIfAvailable(what: string, missing: string | null): typeof describe | typeof describe.skip {
  if (!missing) return describe;
  if (isCI()) throw new Error(`CI=true but ${what} cannot run: ${missing}`);
  console.log(`SKIP ${what}: ${missing}`);
  return describe.skip;
}
