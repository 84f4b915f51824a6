/**
 * Errors a user can cause. Each carries a stable code and a message naming the offending input and the fix;
 * only the CLI maps them to exit codes, from the one table below (also in README.md "Exit codes").
 */
import { StatsInputError } from './stats/input-error.js';

export const EXIT_CODES = {
  ok: 0,
  internal: 1,
  usage: 2,
  data: 3,
  storage: 4,
} as const;

export type ErrorKind = Exclude<keyof typeof EXIT_CODES, 'ok'>;

export interface MoaErrorOptions {
  /** The URI, column or config key the error is about. */
  subject?: string;
  /** What the user should do about it. */
  fix?: string;
  cause?: unknown;
}

export class MoaError extends Error {
  readonly kind: ErrorKind;
  /** Stable, machine-readable code, e.g. `storage.not_found`. */
  readonly code: string;
  readonly subject: string | undefined;
  readonly fix: string | undefined;

  constructor(kind: ErrorKind, code: string, message: string, options: MoaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MoaError';
    this.kind = kind;
    this.code = code;
    this.subject = options.subject;
    this.fix = options.fix;
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }

  toJSON(): Record<string, unknown> {
    return { kind: this.kind, code: this.code, message: this.message, subject: this.subject, fix: this.fix };
  }
}

export const usageError = (code: string, message: string, options?: MoaErrorOptions) =>
  new MoaError('usage', code, message, options);
export const dataError = (code: string, message: string, options?: MoaErrorOptions) =>
  new MoaError('data', code, message, options);
export const storageError = (code: string, message: string, options?: MoaErrorOptions) =>
  new MoaError('storage', code, message, options);

/** A typed error from below the CLI's own (the statistics core's input errors) as the MoaError it means. */
export function asMoaError(error: unknown): unknown {
  if (error instanceof StatsInputError) return dataError(error.code, error.message, { subject: error.subject, fix: error.fix, cause: error });
  return error;
}

export function exitCodeOf(error: unknown): number {
  const typed = asMoaError(error);
  return typed instanceof MoaError ? typed.exitCode : EXIT_CODES.internal;
}
