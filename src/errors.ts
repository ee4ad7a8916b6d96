/**
 * Errors for situations where a package cannot be evaluated at all (bad input, I/O, network).
 * Verification findings are not errors: they are `Issue`s in a result. The verifier converts a
 * `NupkgSigningError` into an issue at one boundary, the way NuGet turns a SignatureException into
 * a logged NU3xxx message.
 */

import type { ErrorCode } from './codes.js';

export class NupkgSigningError extends Error {
  readonly code: ErrorCode;
  /** The file the error is about, when there is one. */
  readonly file: string | undefined;
  /** A few words for a label in place of a verdict ("empty file"), when the code alone is vague. */
  readonly summary: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { file?: string; cause?: unknown; summary?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NupkgSigningError';
    this.code = code;
    this.file = options.file;
    this.summary = options.summary;
  }
}

export function isNupkgSigningError(value: unknown): value is NupkgSigningError {
  return value instanceof NupkgSigningError;
}

/** A short, single-line description of any thrown value, for messages (never a stack trace). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
