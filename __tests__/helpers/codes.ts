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
