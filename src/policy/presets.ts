import { NupkgSigningError } from '../errors.js';
import type { VerificationPolicy } from './verification-policy.js';

const ALL_TARGETS = { author: true, repository: true, unknown: true } as const;

/**
 * NuGet's presets (nuget-signing-spec.md §6.2), plus nuget.org's author-signature settings used
 * on upload (§9.2 f).
 */
export const PRESETS = {
  /** `dotnet nuget verify --all`: the default here. */
  verify: {
    name: 'verify',
    allowUnsigned: false,
    allowIllegal: false,
    allowUntrusted: false,
    allowIgnoreTimestamp: false,
    allowMultipleTimestamps: true,
    allowNoTimestamp: true,
    allowUnknownRevocation: true,
    reportUnknownRevocation: true,
    verificationTarget: ALL_TARGETS,
    signaturePlacement: 'any',
    repositoryCountersignatureBehavior: 'ifExists',
    allowedFingerprints: [],
  },
  /** Restore's default (`signatureValidationMode=accept`). */
  accept: {
    name: 'accept',
    allowUnsigned: true,
    allowIllegal: true,
    allowUntrusted: true,
    allowIgnoreTimestamp: true,
    allowMultipleTimestamps: true,
    allowNoTimestamp: true,
    allowUnknownRevocation: true,
    reportUnknownRevocation: false,
    verificationTarget: ALL_TARGETS,
    signaturePlacement: 'any',
    repositoryCountersignatureBehavior: 'ifExistsAndIsNecessary',
    allowedFingerprints: [],
  },
  /** Restore with `signatureValidationMode=require`. */
  require: {
    name: 'require',
    allowUnsigned: false,
    allowIllegal: false,
    allowUntrusted: false,
    allowIgnoreTimestamp: true,
    allowMultipleTimestamps: true,
    allowNoTimestamp: true,
    allowUnknownRevocation: true,
    reportUnknownRevocation: true,
    verificationTarget: ALL_TARGETS,
    signaturePlacement: 'any',
    repositoryCountersignatureBehavior: 'ifExistsAndIsNecessary',
    allowedFingerprints: [],
  },
  /**
   * What nuget.org enforces on upload: an author primary signature with exactly one valid
   * timestamp (§9.2 f). Unsigned uploads are accepted unless the registration requires signing
   * (§9.1), which only a signer policy file can tell: so unsigned passes here, and the policy
   * file decides.
   */
  'nuget.org': {
    name: 'nuget.org',
    allowUnsigned: true,
    allowIllegal: false,
    allowUntrusted: false,
    allowIgnoreTimestamp: false,
    allowMultipleTimestamps: false,
    allowNoTimestamp: false,
    allowUnknownRevocation: true,
    reportUnknownRevocation: true,
    revocationTimeCheck: 'nuget.org',
    nugetOrg: 'submission',
    verificationTarget: { author: true, repository: false, unknown: false },
    signaturePlacement: 'primary',
    repositoryCountersignatureBehavior: 'never',
    allowedFingerprints: [],
  },
} as const satisfies Record<string, VerificationPolicy>;

export type PresetName = keyof typeof PRESETS;

export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export function getPreset(name: string): VerificationPolicy {
  if (!(name in PRESETS)) {
    throw new NupkgSigningError(
      'NUPKG003',
      `Unknown policy '${name}'. Use one of: ${PRESET_NAMES.join(', ')}.`,
    );
  }
  return PRESETS[name as PresetName];
}

/** A preset with some flags changed; the result is frozen like the presets. */
export function withOverrides(
  base: VerificationPolicy,
  overrides: Partial<VerificationPolicy>,
): VerificationPolicy {
  return Object.freeze({ ...base, ...overrides });
}
