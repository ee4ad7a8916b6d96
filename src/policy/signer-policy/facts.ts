import { createHash } from 'node:crypto';
import type { SignatureType } from '../../issues.js';

/**
 * The plain facts the verifier hands to the policy code, one object per package. Kept minimal on
 * purpose: policy decisions need who signed and with which certificate, never the CMS itself.
 */
export interface CertificateFacts {
  /** Uppercase hex SHA-256 of the certificate's DER: the form nuget.org and NuGet compare. */
  readonly fingerprintSha256: string;
  /** Distinguished names formatted as .NET's X500DistinguishedName.Name ("CN=…, O=…, C=US"). */
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Uppercase hex SHA-256 of each certificate in the built chain, leaf first. */
  readonly chainFingerprintsSha256: readonly string[];
  readonly chainSubjects: readonly string[];
  /**
   * Optional: other hashes of the certificate. nuget.config `trustedSigners` and RepositorySignatures
   * may name a certificate by its SHA-384/SHA-512 (or, in nuget.config, SHA-1) hash. When a hash is
   * needed and absent here, it is computed from `der`; when both are absent, entries in that
   * algorithm cannot match (see certificateHash).
   */
  readonly fingerprints?: Partial<Record<FingerprintAlgorithm, string>>;
  /** Optional: the certificate's DER, to compute any missing hash. */
  readonly der?: Uint8Array;
}

export interface PrimarySignatureFacts {
  readonly kind: SignatureType;
  readonly certificate: CertificateFacts;
  /** nuget-package-owners of a repository signature. */
  readonly owners?: readonly string[];
  /** nuget-v3-service-index-url of a repository signature. */
  readonly serviceIndexUrl?: string;
  /** Whether the verifier found this signature valid (integrity, CMS, chain, time). */
  readonly valid: boolean;
}

export interface CountersignatureFacts {
  readonly certificate: CertificateFacts;
  readonly owners?: readonly string[];
  readonly serviceIndexUrl?: string;
  readonly valid: boolean;
}

export interface SignatureFacts {
  /** The package id from the nuspec (NuGet ids compare case-insensitively). */
  readonly packageId: string;
  /** Absent for an unsigned package. */
  readonly primary?: PrimarySignatureFacts;
  readonly repositoryCountersignature?: CountersignatureFacts;
}

export type FingerprintAlgorithm = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/**
 * Uppercase hex hash of the certificate in `algorithm` (as NuGet's CertificateUtility.GetHashString
 * produces), or undefined when neither `fingerprints` nor `der` can provide it.
 */
export function certificateHash(
  certificate: CertificateFacts,
  algorithm: FingerprintAlgorithm,
): string | undefined {
  if (algorithm === 'sha256') return certificate.fingerprintSha256.toUpperCase();
  const given = certificate.fingerprints?.[algorithm];
  if (given !== undefined) return given.toUpperCase();
  if (certificate.der === undefined) return undefined;
  return createHash(algorithm).update(certificate.der).digest('hex').toUpperCase();
}
