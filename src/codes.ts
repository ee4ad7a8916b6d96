/** Codes of our own, for outcomes NuGet has no NU code for. Documented in README.md. */
export type ToolErrorCode =
  | 'NUPKG001' // not a readable zip archive
  | 'NUPKG002' // file cannot be read (missing, permission, directory)
  | 'NUPKG003' // usage error (bad argument or option)
  | 'NUPKG004' // a hostile-input limit was exceeded
  | 'NUPKG005' // configuration (policy, trust roots, nuget.config) cannot be loaded
  | 'NUPKG006' // network error (timestamp server, revocation responder)
  | 'NUPKG007' // signer policy notice (no rule for a package, a certificate about to expire)
  | 'NUPKG008' // central directory and local headers disagree (damaged or crafted archive)
  | 'NUPKG009'; // verification of one package stopped unexpectedly (an internal error, a worker crash)

/** NuGet's NU3xxx codes; CODE_TITLES below says what each means. */
export type NuGetCode = `NU3${string}`;

export type ErrorCode = ToolErrorCode | NuGetCode | 'NU5037';

/**
 * What each code means, in NuGet's words where NuGet has the code (nuget-signing-spec.md §7), so a
 * report can say it and users can search it. Codes of our own (NUPKG*) cover what NuGet has no
 * code for.
 */
export const CODE_TITLES: Readonly<Record<string, string>> = {
  NU3000: 'Signature error',
  NU3001: 'Invalid signing input',
  NU3002: 'No timestamp server given',
  NU3003: 'The package signature is invalid',
  NU3004: 'The package is not signed',
  NU3005: 'Invalid package signature file entry',
  NU3006: 'Signed Zip64 packages are not supported',
  NU3007: 'Unsupported signature format version',
  NU3008: 'Package integrity check failed',
  NU3009: 'Not exactly one primary signature',
  NU3010: 'Signature has no signing certificate',
  NU3011: 'Primary signature is invalid',
  NU3012: 'Signature validation failed',
  NU3013: 'Signing certificate has an unsupported signature algorithm',
  NU3014: 'Signing certificate key is not RSA 2048 or larger',
  NU3015: 'Lifetime signing EKU is not supported',
  NU3016: 'Package hash algorithm is not supported',
  NU3017: 'Signing certificate is not yet valid',
  NU3018: 'Certificate chain is not trusted',
  NU3019: 'Timestamp integrity check failed',
  NU3020: 'Timestamp has no signing certificate',
  NU3021: 'Timestamp signature validation failed',
  NU3022: 'Timestamp certificate has an unsupported signature algorithm',
  NU3023: 'Timestamp certificate key is too short',
  NU3024: 'Timestamp uses an unsupported digest algorithm',
  NU3025: 'Timestamp certificate is not yet valid',
  NU3026: 'Timestamp nonce mismatch',
  NU3027: 'Signature is not timestamped',
  NU3028: 'Timestamp chain is not trusted',
  NU3029: 'Timestamp signature is invalid',
  NU3030: 'Timestamp message imprint uses an unsupported hash algorithm',
  NU3031: 'Repository countersignature is invalid',
  NU3032: 'Multiple repository countersignatures',
  NU3033: 'Repository primary signature has a repository countersignature',
  NU3034: 'Signer is not trusted or registered',
  NU3035: 'Repository countersignature chain building failed',
  NU3036: 'Timestamp time is outside the timestamp certificate validity',
  NU3037: 'Signature validity period has expired',
  NU3038: 'Repository countersignature is required but missing',
  NU3039: 'Signing would require Zip64',
  NU3040: 'Conflicting allowUntrustedRoot settings',
  NU3042: 'Root certificate is not in the trusted bundle',
  NU5037: 'The package is missing the required nuspec file',
  NUPKG001: 'Not a readable zip archive',
  NUPKG002: 'File cannot be read',
  NUPKG003: 'Usage error',
  NUPKG004: 'Input exceeds a safety limit',
  NUPKG005: 'Configuration cannot be loaded',
  NUPKG006: 'Network error',
  NUPKG007: 'Signer policy notice',
  NUPKG008: 'Central directory and local headers disagree',
  NUPKG009: 'Verification stopped unexpectedly',
};

export function codeTitle(code: ErrorCode): string {
  return CODE_TITLES[code] ?? 'Signature finding';
}
