import type { Issue } from '../../issues.js';

/**
 * The loaded policy file: the nuget.org accounts we model, the certificates registered to each,
 * and who owns which packages. Immutable data; every entry keeps `where` ("policy.yml:12") so
 * decisions and warnings can point at the line that caused them.
 */

export interface RegisteredCertificate {
  /** 64 uppercase hex digits. */
  readonly fingerprintSha256: string;
  readonly label?: string;
  /** From an `expires:` note, or the notAfter of a `file:` certificate. */
  readonly expires?: Date;
  /** Unregistered on nuget.org: new submissions signed with it fail. */
  readonly removed: boolean;
  /** The certificate file the fingerprint was computed from, when given as `file:`. */
  readonly file?: string;
  /** That file's certificate (DER), so `policy check` can apply nuget.org's certificate rules. */
  readonly der?: Uint8Array;
  readonly where: string;
}

/**
 * "Any certificate that looks like this counts as registered": survives certificate rotation. All
 * given fields must match. nuget.org itself only knows fingerprints, so an identity rule stands for
 * "we register every new certificate of this identity as it is issued".
 */
export interface IdentityRule {
  readonly subject?: string;
  readonly issuer?: string;
  /** Uppercase hex SHA-256 of a certificate that must appear in the signer's chain. */
  readonly chainsTo?: string;
  readonly where: string;
}

export interface Account {
  /** As written in the file (nuget.org usernames compare case-insensitively). */
  readonly name: string;
  readonly certificates: readonly RegisteredCertificate[];
  readonly identities: readonly IdentityRule[];
  readonly where: string;
}

export interface PackageRule {
  /** An exact id or a glob such as `Contoso.*`. */
  readonly id: string;
  /** Account names, as written under `accounts`. */
  readonly owners: readonly string[];
  /** 'any' or one of `owners`. */
  readonly requiredSigner: 'any' | string;
  readonly where: string;
}

export interface SignerPolicy {
  /** The file name used in messages. */
  readonly source: string;
  /** Keyed by lowercase account name. */
  readonly accounts: ReadonlyMap<string, Account>;
  readonly packages: readonly PackageRule[];
  /**
   * A package no rule matches: `deny` (the default) fails it with the rule to add; `allow` lets it
   * pass with a notice, its signer unchecked.
   */
  readonly unmatchedPackages: 'deny' | 'allow';
  /** Trust-root files, resolved against the policy file's directory (wired by the verifier). */
  readonly trustedRoots: readonly string[];
  readonly verification?: { readonly preset: string };
  /** Non-fatal findings made while loading (e.g. a certificate registered to two accounts). */
  readonly loadWarnings: readonly Issue[];
}

export function accountKey(name: string): string {
  return name.toLowerCase();
}
