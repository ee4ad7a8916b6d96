import type { RevocationTimeCheck } from '../revocation/types.js';

/**
 * How strictly a package is judged: NuGet's `SignedPackageVerifierSettings` as immutable data
 * (nuget-signing-spec.md §6.1). A flag turns an error into a warning; no flag skips a check.
 */
export interface VerificationPolicy {
  /** Preset this policy came from, for reports. */
  readonly name: string;
  /** Unsigned packages are accepted; otherwise NU3004. */
  readonly allowUnsigned: boolean;
  /** Unreadable or ill-formed signatures (NU3000/3003/3005/3009/3010/3011/3012 CMS) are warnings. */
  readonly allowIllegal: boolean;
  /** Untrusted roots (NU3018), expired signatures (NU3037) and allow-list mismatches are warnings. */
  readonly allowUntrusted: boolean;
  /** A broken timestamp is a warning and the signature is judged as of now. */
  readonly allowIgnoreTimestamp: boolean;
  /** More than one timestamp is allowed (the first is used). */
  readonly allowMultipleTimestamps: boolean;
  /** A missing timestamp is a warning (NU3027). */
  readonly allowNoTimestamp: boolean;
  /** Unknown revocation status does not invalidate. */
  readonly allowUnknownRevocation: boolean;
  /** Unknown revocation status is reported at all. */
  readonly reportUnknownRevocation: boolean;
  /**
   * How a revoked certificate is weighed against the trusted timestamp: `client` (default) makes
   * any revocation fatal, `nuget.org` keeps a signature revoked after its timestamp (spec §9.4).
   */
  readonly revocationTimeCheck?: RevocationTimeCheck;
  /** Which primary signature types are evaluated. */
  readonly verificationTarget: {
    readonly author: boolean;
    readonly repository: boolean;
    readonly unknown: boolean;
  };
  /** Which signature placements are evaluated. */
  readonly signaturePlacement: 'primary' | 'countersignature' | 'any';
  /** When the repository countersignature is evaluated (§6.5). */
  readonly repositoryCountersignatureBehavior:
    'never' | 'ifExists' | 'ifExistsAndIsNecessary' | 'always';
  /**
   * nuget.org's own rules on top of the client's (docs/nuget-org-rules.md): `submission` answers
   * "would nuget.org accept this package if I pushed it now?", `published` answers "does nuget.org
   * keep serving this version it already has?". Absent for the client's presets.
   */
  readonly nugetOrg?: NugetOrgStage;
  /** Primary signature certificates accepted by SHA-256 fingerprint (NuGet's --certificate-fingerprint). */
  readonly allowedFingerprints: readonly string[];
}

/** Which question the nuget.org rules answer: a new push, or a version nuget.org already serves. */
export type NugetOrgStage = 'submission' | 'published';
