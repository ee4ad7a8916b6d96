import { OID } from './asn1/oids.js';

/** The only hash algorithms NuGet accepts anywhere it checks one (nuget-signing-spec.md §2.3). */
export type HashAlgorithmName = 'sha256' | 'sha384' | 'sha512';

export const HASH_ALGORITHMS: Readonly<
  Record<HashAlgorithmName, { oid: string; length: number; label: string }>
> = {
  sha256: { oid: OID.sha256, length: 32, label: 'SHA256' },
  sha384: { oid: OID.sha384, length: 48, label: 'SHA384' },
  sha512: { oid: OID.sha512, length: 64, label: 'SHA512' },
};

/**
 * Signature algorithms that name their hash (RSA PKCS#1 v1.5 and ECDSA), with that hash as
 * node:crypto names it. SHA-1 is listed: it is read to be reported or refused, never accepted.
 */
export const SIGNATURE_ALGORITHM_HASHES: Readonly<Record<string, string>> = {
  [OID.sha256WithRSAEncryption]: 'sha256',
  [OID.sha384WithRSAEncryption]: 'sha384',
  [OID.sha512WithRSAEncryption]: 'sha512',
  [OID.sha1WithRSAEncryption]: 'sha1',
  '1.2.840.10045.4.3.2': 'sha256', // ecdsa-with-SHA256
  '1.2.840.10045.4.3.3': 'sha384', // ecdsa-with-SHA384
  '1.2.840.10045.4.3.4': 'sha512', // ecdsa-with-SHA512
};

export function hashAlgorithmFromOid(oid: string): HashAlgorithmName | undefined {
  for (const [name, info] of Object.entries(HASH_ALGORITHMS)) {
    if (info.oid === oid) return name as HashAlgorithmName;
  }
  return undefined;
}

/** Parses user input such as `SHA256`, `sha-384` or `sha512`. */
export function parseHashAlgorithmName(value: string): HashAlgorithmName | undefined {
  const normalized = value.trim().toLowerCase().replace('-', '');
  return normalized in HASH_ALGORITHMS ? (normalized as HashAlgorithmName) : undefined;
}
