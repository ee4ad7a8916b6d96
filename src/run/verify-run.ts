import { NupkgSigningError } from '../errors.js';
import { expandPackages, type ExpansionSummary } from '../files/expand-packages.js';
import { loadNuGetConfig, type NuGetSigningConfig } from '../policy/nuget-config.js';
import {
  discoverNuGetConfig,
  type NuGetConfigDiscoveryOptions,
} from '../policy/nuget-config/discover.js';
import { getPreset, withOverrides } from '../policy/presets.js';
import {
  loadRepositoryCertificates,
  type RepositoryCertificateList,
} from '../policy/repository-certificates.js';
import { loadPolicyFile } from '../policy/signer-policy/index.js';
import { resolveRevocationMode, type RevocationMode } from '../revocation/index.js';
import { selectTrustStores } from '../trust/select-trust-stores.js';
import type { Issue } from '../issues.js';
import type { PackageVerification } from '../verify/verify-package.js';
import { verifyBatch, type BatchOptions } from './verify-batch.js';
import { revocationCheckerOf, type VerifySettings } from './verify-settings.js';
import { normalizeFingerprint } from '../fingerprint.js';

/** Everything a verification run needs; the CLI and the action build this from their inputs. */
export interface VerifyRunOptions {
  /** FILE|DIR|GLOB arguments. */
  readonly packages: readonly string[];
  /**
   * Preset name (verify, accept, require, nuget.org); default: the policy file's, else nuget.org
   * when a policy file is given (its question is nuget.org's), else verify — also under a
   * nuget.config in require mode: `nuget verify` uses its own settings in both modes, the mode only
   * makes an empty trustedSigners list an error (docs/nuget-config-trust.md §1).
   */
  readonly policy?: string;
  /**
   * Ask nuget.org's rules about a version nuget.org already serves instead of a new push: removed
   * certificates and expired certificates with a valid timestamp do not count against it.
   */
  readonly published?: boolean;
  /** A signer policy file (registered certificates, owners, required signer). */
  readonly policyFile?: string;
  /** A nuget.config whose trustedSigners and signatureValidationMode apply (alone, as --configfile). */
  readonly nugetConfig?: string;
  /**
   * Without nugetConfig: find the nuget.config files NuGet would read from this working directory
   * (the hierarchy, the user-wide and machine-wide files) and apply them merged. Absent: none.
   */
  readonly nugetConfigDiscovery?: NuGetConfigDiscoveryOptions;
  /** A RepositorySignatures document (file), or `nuget.org` for the shipped snapshot. */
  readonly repositoryCertificates?: string;
  /** `--trusted-roots` values: default, sdk, system, or PEM files; plus the policy file's roots. */
  readonly trustedRoots: readonly string[];
  /** SHA-256 fingerprints the primary signing certificate must match (any). */
  readonly certificateFingerprints: readonly string[];
  /** The time verdicts are for. */
  readonly now: Date;
  readonly cwd?: string;
  /**
   * Revocation checking. Mode default: `files` when only a directory is given, else
   * NUGET_CERT_REVOCATION_MODE as NuGet reads it (online unless `offline`). The directory holds
   * `*.ocsp`/`*.crl` files for `files` mode and is a cache in `online` mode.
   */
  readonly revocation?: { readonly mode?: RevocationMode; readonly directory?: string };
  /**
   * Told once per run about findings that concern the run, not a package: NU3040 for conflicting
   * allowUntrustedRoot values, as `nuget verify` logs it while reading its settings.
   */
  readonly onRunIssue?: (issue: Issue) => void;
  /** Told after each package: how many of the run's packages are done (a progress display). */
  readonly onProgress?: (done: number, total: number) => void;
  /** How packages are spread over worker threads (results are the same either way). */
  readonly batch?: BatchOptions;
}

/** A run's verdicts, and what expanding its arguments looked at (reported with them). */
export interface VerificationRun {
  readonly results: PackageVerification[];
  readonly expansion: ExpansionSummary;
  /** The nuget.config files applied, closest first; undefined when none was asked for. */
  readonly nugetConfigFiles?: readonly string[];
}

/** Loads the run's configuration once, then verifies each package. */
export async function runVerification(options: VerifyRunOptions): Promise<VerificationRun> {
  const signerPolicy =
    options.policyFile === undefined ? undefined : loadPolicyFile(options.policyFile);
  const { config: nugetConfig, files: nugetConfigFiles } = nugetConfigOf(options);
  for (const found of nugetConfig?.issues ?? []) options.onRunIssue?.(found);
  const repositoryCertificates = loadRepositoryList(options.repositoryCertificates);
  const preset = getPreset(
    options.policy ?? signerPolicy?.verification?.preset ?? (signerPolicy ? 'nuget.org' : 'verify'),
  );
  if (options.published && preset.nugetOrg === undefined) {
    throw new NupkgSigningError(
      'NUPKG003',
      `--published asks nuget.org's rules about a version it already serves, but the policy '${preset.name}' does not apply them: add --policy nuget.org.`,
    );
  }
  const fingerprints = options.certificateFingerprints.map(parseFingerprint);
  const policy = withOverrides(preset, {
    ...(fingerprints.length ? { allowedFingerprints: fingerprints } : {}),
    ...(options.published ? { nugetOrg: 'published' as const } : {}),
  });
  const trust = selectTrustStores([...options.trustedRoots, ...(signerPolicy?.trustedRoots ?? [])]);
  const { files, summary: expansion } = await expandPackages(
    options.packages,
    options.cwd === undefined ? {} : { cwd: options.cwd },
  );
  const { directory } = options.revocation ?? {};
  const settings: VerifySettings = {
    policy,
    now: options.now,
    trust,
    revocation: {
      mode: resolveRevocationMode(
        options.revocation?.mode ?? (directory === undefined ? undefined : 'files'),
      ),
      ...(directory === undefined ? {} : { directory }),
    },
    ...(signerPolicy ? { signerPolicy } : {}),
    ...(nugetConfig ? { nugetConfig } : {}),
    ...(repositoryCertificates ? { repositoryCertificates } : {}),
  };
  // Checks the revocation settings before any package is read (files mode needs a directory).
  const revocation = revocationCheckerOf(settings);

  // Which policy decided, said with each result (the job summary's policy column, --json).
  const decidedBy = {
    policy: preset.name,
    ...(options.policyFile === undefined ? {} : { policyFile: options.policyFile }),
  };
  let done = 0;
  const verified = await verifyBatch(files, settings, {
    ...options.batch,
    revocation,
    onDone: () => options.onProgress?.(++done, files.length),
  });
  const results = verified.map((result) => ({ ...result, ...decidedBy }));
  return { results, expansion, ...(nugetConfigFiles && { nugetConfigFiles }) };
}

/** --configfile alone, as NuGet reads it; else the discovered hierarchy, if asked for. */
function nugetConfigOf(options: VerifyRunOptions): {
  config?: NuGetSigningConfig;
  files?: readonly string[];
} {
  if (options.nugetConfig !== undefined) {
    return { config: loadNuGetConfig(options.nugetConfig), files: [options.nugetConfig] };
  }
  if (options.nugetConfigDiscovery === undefined) return {};
  return discoverNuGetConfig(options.nugetConfigDiscovery);
}

function loadRepositoryList(value: string | undefined): RepositoryCertificateList | undefined {
  if (value === undefined) return undefined;
  return value === 'nuget.org'
    ? loadRepositoryCertificates({})
    : loadRepositoryCertificates({ file: value });
}

/** A SHA-256 fingerprint as users paste it: hex, any case, optional colons or spaces. */
export function parseFingerprint(text: string): string {
  const hex = normalizeFingerprint(text);
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    throw new NupkgSigningError(
      'NUPKG003',
      `'${text}' is not a SHA-256 fingerprint (64 hexadecimal digits).`,
    );
  }
  return hex;
}
