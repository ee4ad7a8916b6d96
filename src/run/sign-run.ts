import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describeError, isNupkgSigningError, NupkgSigningError } from '../errors.js';
import { expandPackages, type ExpansionSummary } from '../files/expand-packages.js';
import { writeDirectoryOf } from '../package/atomic-write.js';
import { removeStaleTemporaries } from '../package/temporary-files.js';
import { signPackage, type SignPackageResult } from '../sign/sign-package.js';
import type { HashAlgorithmName } from '../hash-algorithms.js';
import { TimestampServerMemory } from '../timestamp/server-memory.js';
import { loadBundledTrustStores, type TrustStores } from '../trust/bundled-roots.js';
import { loadDefaultTrustStores } from '../trust/default-stores.js';
import { TrustStore } from '../trust/trust-store.js';
import type { SignOutcome } from '../sign/sign-outcome.js';
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
  /** Warn about what nuget.org would reject (default true); off for internal feeds. */
  readonly nugetOrgAdvice?: boolean;
  readonly now: () => Date;
  /** Told after each package: how many of the run's packages are done (a progress display). */
  readonly onProgress?: (done: number, total: number) => void;
  readonly cwd?: string;
  /** Timestamp time limits; defaults: 10 s per attempt, 60 s per package, LIMITS for the run. */
  readonly timestampLimits?: TimestampLimits;
}

export interface TimestampLimits {
  readonly timeoutMs?: number;
  readonly totalTimeoutMs?: number;
  readonly retries?: number;
  readonly runTimeoutMs?: number;
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
  const signer = await createSigner(options.key);
  const trustedRoots =
    options.trustedRoots.length > 0
      ? [...TrustStore.fromPemFiles(options.trustedRoots).certificates]
      : undefined;
  const { files, summary: expansion } = await expandPackages(
    options.packages,
    options.cwd === undefined ? {} : { cwd: options.cwd },
  );
  if (options.outputDirectory !== undefined) await createOutputDirectory(options.outputDirectory);

  // One memory for the run: a server that failed for one package is not asked for the next.
  const { runTimeoutMs, ...limits } = options.timestampLimits ?? {};
  const timestampMemory = new TimestampServerMemory(runTimeoutMs);
  const stores = runTrustStores();
  const outcomes: SignOutcome[] = [];
  const cleaned = new Set<string>();
  for (const file of files) {
    const outputPath =
      options.outputDirectory === undefined ? file : join(options.outputDirectory, basename(file));
    const removed = await removeStaleTemporariesOnce(outputPath, cleaned);
    const cleanup = removed.length > 0 ? { removedTemporaries: removed } : {};
    try {
      const result = await signPackage({
        packagePath: file,
        ...(options.outputDirectory === undefined ? {} : { outputPath }),
        signer,
        hashAlgorithm: options.hashAlgorithm,
        timestampUrls: [...options.timestampUrls],
        timestampHashAlgorithm: options.timestampHashAlgorithm,
        overwrite: options.overwrite,
        clock: options.now,
        ...(trustedRoots ? { trustedRoots } : {}),
        allowUntrustedRoot: options.allowUntrustedRoot,
        trustStores: stores.verification(),
        ...(options.nugetOrgAdvice === false ? {} : { nugetOrgTrustStores: stores.nugetOrg() }),
        timestampMemory,
        ...limits,
        ...(options.nugetOrgAdvice === false ? { nugetOrgAdvice: false } : {}),
      });
      outcomes.push({ ...succeeded(file, result), ...cleanup });
    } catch (error) {
      const code = isNupkgSigningError(error) ? error.code : 'NUPKG002';
      outcomes.push({
        file,
        signed: false,
        warnings: [],
        error: { code, message: describeError(error) },
        ...cleanup,
      });
    }
    options.onProgress?.(outcomes.length, files.length);
  }
  return { outcomes, expansion };
}

/**
 * The run's trust stores, loaded on first use and then kept: loading the bundled roots for every
 * package was two thirds of a 100-package run. A load that fails is retried by the next package,
 * so each package still reports the failure as its own outcome.
 */
function runTrustStores(): { verification: () => TrustStores; nugetOrg: () => TrustStores } {
  let bundled: TrustStores | undefined;
  let verification: TrustStores | undefined;
  const loadBundled = (): TrustStores => (bundled ??= loadBundledTrustStores());
  return {
    verification: () => (verification ??= loadDefaultTrustStores({ bundled: loadBundled })),
    nugetOrg: loadBundled,
  };
}

/** `--output` may name a new folder, or a symlink to one; anything else fails before signing. */
async function createOutputDirectory(directory: string): Promise<void> {
  try {
    await mkdir(directory, { recursive: true });
  } catch (error) {
    throw new NupkgSigningError(
      'NUPKG002',
      `Cannot use '${directory}' as the output folder: ${describeError(error)}. Name a folder, or a path where one can be created.`,
      { file: directory, cause: error },
    );
  }
}

/**
 * A killed signer leaves its temporary file beside the package it was writing; the next run that
 * writes into that folder removes those whose process is gone, before writing its own.
 */
async function removeStaleTemporariesOnce(
  destination: string,
  cleaned: Set<string>,
): Promise<string[]> {
  const directory = await writeDirectoryOf(destination);
  if (directory === undefined || cleaned.has(directory)) return [];
  cleaned.add(directory);
  return removeStaleTemporaries(directory);
}

/** One line for the log when an outcome removed stale temporary files, else undefined. */
export function removedTemporariesNote(outcome: SignOutcome): string | undefined {
  const removed = outcome.removedTemporaries ?? [];
  const [first] = removed;
  if (first === undefined) return undefined;
  return `Removed ${removed.length} temporary file(s) left in ${dirname(first)} by an interrupted signing run.`;
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
