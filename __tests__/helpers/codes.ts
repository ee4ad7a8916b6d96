import { NupkgSigningError } from '../../src/errors.js';

/** The code a function throws: undefined when it returns, 'not-coded' for an uncoded error. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof NupkgSigningError ? error.code : 'not-coded';
  }
  return undefined;
}

/** The coded error a promise rejects with; fails the test when it resolves or rejects uncoded. */
export async function codedFailureOf(promise: Promise<unknown>): Promise<NupkgSigningError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof NupkgSigningError) return error;
    throw error;
  }
  throw new Error('expected a NupkgSigningError');
}
