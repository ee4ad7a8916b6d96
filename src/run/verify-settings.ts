import type { NuGetSigningConfig } from '../policy/nuget-config.js';
import type { RepositoryCertificateList } from '../policy/repository-certificates.js';
import type { SignerPolicy } from '../policy/signer-policy/index.js';
import type { VerificationPolicy } from '../policy/verification-policy.js';
import {
  createRevocationChecker,
  type RevocationChecker,
  type RevocationMode,
} from '../revocation/index.js';
import { TrustStore, type TrustStoreTransfer } from '../trust/trust-store.js';
import type { TrustStores } from '../trust/bundled-roots.js';
import type { VerifyOptions } from '../verify/verify-package.js';

/**
 * What verifying a package under a run's configuration needs, loaded once by the run: the same
 * for every package. `now` is read once, at the entry point.
 */
export interface VerifySettings {
  readonly policy: VerificationPolicy;
  readonly now: Date;
  readonly trust: TrustStores;
  readonly revocation: { readonly mode: RevocationMode; readonly directory?: string };
  readonly signerPolicy?: SignerPolicy;
  readonly nugetConfig?: NuGetSigningConfig;
  readonly repositoryCertificates?: RepositoryCertificateList;
}

/** VerifySettings as plain data (structured-clone safe), for a worker thread. */
export interface VerifySettingsTransfer extends Omit<VerifySettings, 'trust'> {
  readonly trust: {
    readonly codeSigning: TrustStoreTransfer;
    readonly timestamping: TrustStoreTransfer;
  };
}

export function settingsToTransfer(settings: VerifySettings): VerifySettingsTransfer {
  return {
    ...settings,
    trust: {
      codeSigning: settings.trust.codeSigning.toTransfer(),
      timestamping: settings.trust.timestamping.toTransfer(),
    },
  };
}

export function settingsFromTransfer(data: VerifySettingsTransfer): VerifySettings {
  return {
    ...data,
    trust: {
      codeSigning: TrustStore.fromTransfer(data.trust.codeSigning),
      timestamping: TrustStore.fromTransfer(data.trust.timestamping),
    },
  };
}

/**
 * The options `verifyPackage` takes, with this thread's revocation checker: its per-run answers
 * are cached per thread (in `files` mode they come from the same directory, so every thread
 * finds the same answers; online runs stay in one thread, see verify-batch.ts).
 */
export function verifyOptionsOf(
  settings: VerifySettings,
  revocation: RevocationChecker = revocationCheckerOf(settings),
): VerifyOptions {
  const { signerPolicy, nugetConfig, repositoryCertificates } = settings;
  return {
    policy: settings.policy,
    now: settings.now,
    trust: settings.trust,
    revocation,
    ...(signerPolicy ? { signerPolicy } : {}),
    ...(nugetConfig ? { nugetConfig } : {}),
    ...(repositoryCertificates ? { repositoryCertificates } : {}),
  };
}

/** A revocation checker for the settings; throws NUPKG003 when `files` mode has no directory. */
export function revocationCheckerOf(settings: VerifySettings): RevocationChecker {
  return createRevocationChecker({ ...settings.revocation, now: settings.now });
}
