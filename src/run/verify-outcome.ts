import { NupkgSigningError, describeError } from '../errors.js';
import { issue } from '../issues.js';
import {
  verifyPackage,
  type PackageVerification,
  type VerifyOptions,
} from '../verify/verify-package.js';

/**
 * What verifying one package gave, as plain data that crosses a worker boundary unchanged: a
 * result, or an error that ends the run (`verifyPackage` throws NupkgSigningError only when the
 * file cannot be read at all, or the configuration is broken: the run stops, as it always has).
 */
export type PackageOutcome =
  { readonly result: PackageVerification } | { readonly stop: StopError };

/** A NupkgSigningError's fields, to rebuild it on the other side of a worker boundary. */
export interface StopError {
  readonly code: NupkgSigningError['code'];
  readonly message: string;
  readonly file?: string;
  readonly summary?: string;
}

/**
 * Verifies one package, the same way in the main thread and in a worker. A value thrown that is
 * not a NupkgSigningError (a bug a hostile package reaches) fails that package alone with
 * NUPKG009 naming the file, never the run and never as valid.
 */
export async function verifyOutcome(file: string, options: VerifyOptions): Promise<PackageOutcome> {
  try {
    return { result: await verifyPackage(file, options) };
  } catch (error) {
    if (error instanceof NupkgSigningError) {
      return {
        stop: {
          code: error.code,
          message: error.message,
          ...(error.file !== undefined && { file: error.file }),
          ...(error.summary !== undefined && { summary: error.summary }),
        },
      };
    }
    return { result: stoppedUnexpectedly(file, `it failed with: ${describeError(error)}`) };
  }
}

/** The result of a package whose verification stopped before a verdict (NUPKG009). */
export function stoppedUnexpectedly(file: string, why: string): PackageVerification {
  return {
    file,
    valid: false,
    signature: 'unknown',
    countersigned: false,
    issues: [
      issue(
        'NUPKG009',
        'error',
        `Verification of ${file} stopped unexpectedly: ${why}. The package is not accepted; please report this with the package.`,
      ),
    ],
    unreadable: 'verification stopped unexpectedly (NUPKG009)',
  };
}

/** The error a `stop` outcome stands for, thrown where the sequential run would have thrown it. */
export function stopErrorOf(stop: StopError): NupkgSigningError {
  return new NupkgSigningError(stop.code, stop.message, {
    ...(stop.file !== undefined && { file: stop.file }),
    ...(stop.summary !== undefined && { summary: stop.summary }),
  });
}
