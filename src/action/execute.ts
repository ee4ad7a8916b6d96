import { NupkgSigningError, isNupkgSigningError } from '../errors.js';
import { expandPackages, type PackageExpansion } from '../files/expand-packages.js';
import type { SignOutcome } from '../sign/sign-outcome.js';
import { runSigning } from '../run/sign-run.js';
import { runVerification } from '../run/verify-run.js';
import type { Issue } from '../issues.js';
import type { PackageVerification } from '../verify/verify-package.js';
import type { ActionPlan } from './inputs.js';

/** What a run produced: signing outcomes (sign modes) and verification results (verify modes). */
export interface RunOutcome {
  readonly packages: readonly string[];
  readonly signing: readonly SignOutcome[];
  readonly verifications: readonly PackageVerification[];
  /** The nuget.config files the verification applied, closest first (as the CLI reports them). */
  readonly nugetConfigFiles?: readonly string[];
}

/**
 * The packages the patterns name, one per real file, with what the search considered. A pattern
 * that names nothing is an error (as in the CLI) unless allow-no-packages is set, where it only
 * contributes no package.
 */
export async function findPackages(plan: ActionPlan, cwd: string): Promise<PackageExpansion> {
  try {
    return await expandPackages(plan.packages, { cwd, allowNoMatch: plan.allowNoPackages });
  } catch (error) {
    if (!isNupkgSigningError(error) || error.code !== 'NUPKG003') throw error;
    throw new NupkgSigningError(
      'NUPKG003',
      `${error.message} Set allow-no-packages: true if a run without packages is expected.`,
    );
  }
}

/**
 * Signs and/or verifies through the same code path as the CLI (runSigning, runVerification).
 * In sign-and-verify, the signed files are what is verified.
 */
export async function execute(
  plan: ActionPlan,
  packages: readonly string[],
  clock: () => Date,
  cwd: string,
  onRunIssue?: (issue: Issue) => void,
): Promise<RunOutcome> {
  // Run-level findings (NU3040) are told once: by the verification of the packages, not the pre-check.
  const tell = onRunIssue ? { onRunIssue } : {};
  const none: RunOutcome = { packages, signing: [], verifications: [] };
  if (packages.length === 0) return none;
  if (plan.mode === 'verify') {
    const { results: verifications, nugetConfigFiles } = await runVerification({
      ...plan.verify,
      ...tell,
      packages,
      now: clock(),
      cwd,
    });
    return { ...none, verifications, ...(nugetConfigFiles && { nugetConfigFiles }) };
  }
  if (plan.mode === 'sign-and-verify') {
    // Checks that the policy, nuget.config and trust roots load before anything is signed.
    await runVerification({ ...plan.verify, packages: [], now: clock(), cwd });
  }
  const { outcomes: signing } = await runSigning({ ...plan.sign, packages, now: clock, cwd });
  if (plan.mode === 'sign') return { ...none, signing };
  const signed = signing.filter((o) => o.signed).map((o) => o.outputPath ?? o.file);
  if (signed.length === 0) return { ...none, signing };
  const { results: verifications, nugetConfigFiles } = await runVerification({
    ...plan.verify,
    ...tell,
    packages: signed,
    now: clock(),
    cwd,
  });
  return { ...none, signing, verifications, ...(nugetConfigFiles && { nugetConfigFiles }) };
}
