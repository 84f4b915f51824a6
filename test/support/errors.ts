import { MoaError } from '../../src/errors.js';

/** The code of the named error `run` throws, or 'no error'; anything else than a MoaError is rethrown. */
export async function errorCodeOf(run: () => Promise<unknown> | unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof MoaError) return error.code;
    throw error;
  }
  return 'no error';
}
