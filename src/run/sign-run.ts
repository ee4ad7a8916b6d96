import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describeError, isNupkgSigningError } from '../errors.js';
import { expandPackages, type ExpansionSummary } from '../files/expand-packages.js';
import { signPackage, type SignPackageResult } from '../sign/sign-package.js';
import type { HashAlgorithmName } from '../signature/hash-algorithms.js';
import { TrustStore } from '../trust/trust-store.js';
import type { Issue } from '../verify/result.js';
import { createSigner, type KeyInputs } from './key-inputs.js';

/** Everything a signing run needs; the CLI and the action build this from their inputs. */
export interface SignRunOptions {
  /** FILE|DIR|GLOB arguments. */
  readonly packages: readonly string[];
  readonly key: KeyInputs;
  readonly hashAlgorithm: HashAlgorithmName;
  readonly timestampUrls: readonly string[];
  readonly timestampHashAlgorithm: HashAlgorithmName;
  /** Write signed packages here instead of replacing them in place. */
  readonly outputDirectory?: string;
  readonly overwrite: boolean;
  /** Extra roots (PEM files) for the pre-sign chain check. */
  readonly trustedRoots: readonly string[];
  readonly allowUntrustedRoot: boolean;
  readonly now: () => Date;
  readonly cwd?: string;
}

/** The outcome for one package (the `sign --json` contract). */
export interface SignOutcome {
  readonly file: string;
  readonly signed: boolean;
  readonly outputPath?: string;
  readonly certificateFingerprint?: string;
  readonly timestampTime?: string;
  readonly warnings: readonly Issue[];
  readonly error?: { readonly code: string; readonly message: string };
}

/** A run's outcomes, and what expanding its arguments looked at (reported with them). */
export interface SigningRun {
  readonly outcomes: SignOutcome[];
  readonly expansion: ExpansionSummary;
}

/**
 * Signs every package the arguments name. A failure on one package is its outcome, not an
 * exception; a key or argument problem throws (nothing is signed then).
 */
export async function runSigning(options: SignRunOptions): Promise<SigningRun> {
  const signer = createSigner(options.key);
  const trustedRoots =
    options.trustedRoots.length > 0
      ? [...TrustStore.fromPemFiles(options.trustedRoots).certificates]
      : undefined;
  const { files, summary: expansion } = await expandPackages(
    options.packages,
    options.cwd === undefined ? {} : { cwd: options.cwd },
  );
  if (options.outputDirectory !== undefined)
    await mkdir(options.outputDirectory, { recursive: true });

  const outcomes: SignOutcome[] = [];
  for (const file of files) {
    try {
      const result = await signPackage({
        packagePath: file,
        ...(options.outputDirectory === undefined
          ? {}
          : { outputPath: join(options.outputDirectory, basename(file)) }),
        signer,
        hashAlgorithm: options.hashAlgorithm,
        timestampUrls: [...options.timestampUrls],
        timestampHashAlgorithm: options.timestampHashAlgorithm,
        overwrite: options.overwrite,
        clock: options.now,
        ...(trustedRoots ? { trustedRoots } : {}),
        allowUntrustedRoot: options.allowUntrustedRoot,
      });
      outcomes.push(succeeded(file, result));
    } catch (error) {
      const code = isNupkgSigningError(error) ? error.code : 'NUPKG002';
      outcomes.push({
        file,
        signed: false,
        warnings: [],
        error: { code, message: describeError(error) },
      });
    }
  }
  return { outcomes, expansion };
}

function succeeded(file: string, result: SignPackageResult): SignOutcome {
  return {
    file,
    signed: true,
    outputPath: result.outputPath,
    certificateFingerprint: result.certificateFingerprint,
    ...(result.timestampTime ? { timestampTime: result.timestampTime.toISOString() } : {}),
    warnings: result.warnings,
  };
}
