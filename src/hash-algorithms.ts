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
