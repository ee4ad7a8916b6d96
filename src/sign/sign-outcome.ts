import type { Issue } from '../issues.js';

/**
 * The outcome for one package (the `sign --json` contract). It sits with signing rather than in
 * src/run so the report layer can render it without importing the run layer above it.
 */
export interface SignOutcome {
  readonly file: string;
  readonly signed: boolean;
  readonly outputPath?: string;
  readonly certificateFingerprint?: string;
  readonly timestampTime?: string;
  readonly warnings: readonly Issue[];
  readonly error?: { readonly code: string; readonly message: string };
  /**
   * Temporary files of earlier runs that were killed while writing into this package's folder,
   * removed before this package was written (once per folder and run).
   */
  readonly removedTemporaries?: readonly string[];
}
