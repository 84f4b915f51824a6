/**
 * A statistic was handed inputs it cannot honestly compute on (empty or NaN samples, ragged tables). Stats depends
 * on nothing else in the project, so it names the problem here; the CLI maps it to a data error (exit 3) through
 * `asMoaError` in src/errors.ts.
 */
export class StatsInputError extends Error {
  /** Stable, machine-readable code, e.g. `stats.sample_too_small`. */
  readonly code: string;
  /** The argument the problem is about. */
  readonly subject: string | undefined;
  /** What the caller should do about it. */
  readonly fix: string | undefined;

  constructor(code: string, message: string, options: { subject?: string; fix?: string } = {}) {
    super(message);
    this.name = 'StatsInputError';
    this.code = code;
    this.subject = options.subject;
    this.fix = options.fix;
  }
}

export const statsInputError = (code: string, message: string, options?: { subject?: string; fix?: string }) => new StatsInputError(code, message, options);
