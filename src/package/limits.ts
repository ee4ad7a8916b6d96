/**
 * Limits against hostile inputs. Each is far above what a real package needs, and each has a
 * clear error (NUPKG004; NUPKG005 for configuration files) naming the limit. Stated in README.md.
 */
export const LIMITS = {
  /** Central directory bytes held in memory: 65,535 entries with 512-byte names fit easily. */
  maxCentralDirectoryBytes: 64 * 1024 * 1024,
  /** Entries in one archive (Zip64 archives can declare more; NuGet signs at most 65,534). */
  maxEntries: 1_000_000,
  /** Size of `.signature.p7s` (NuGet has no cap; real signatures are 10–30 KB). */
  maxSignatureBytes: 4 * 1024 * 1024,
  /** Decompressed bytes read from any one entry we inflate (the nuspec): zip-bomb guard. */
  maxInflatedEntryBytes: 16 * 1024 * 1024,
  /** Certificates in one SignedData (a signature or a timestamp token); real ones carry 2–6. */
  maxCertificates: 100,
  /**
   * A signer policy file (NUPKG005): one with thousands of accounts is under 1 MB. The YAML
   * document model costs about 80 bytes of memory per byte of text, so this also bounds memory.
   */
  maxPolicyFileBytes: 2 * 1024 * 1024,
  /**
   * YAML tokens in a policy file (keys, values, indicators, lines; an opening bracket counts 4;
   * spaces do not count), checked while lexing: the parsed model costs about 1 KB per token
   * whatever the bytes. A policy of 5,000 accounts, each with a certificate, label, expiry and
   * package rule, has about 165,000.
   */
  maxPolicyTokens: 200_000,
  /** A RepositorySignatures resource file (NUPKG005): nuget.org's is a few KB. */
  maxRepositorySignaturesBytes: 1024 * 1024,
  /** A certificate `file:` named by a policy (NUPKG005): nuget.org registers at most 10,000 bytes. */
  maxCertificateFileBytes: 1024 * 1024,
  /**
   * Collections nested in a configuration file (YAML policy, RepositorySignatures JSON), counted
   * before parsing so no parser recurses deeper (NUPKG005). Real files nest 5 levels.
   */
  maxConfigNesting: 64,
} as const;
