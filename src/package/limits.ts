/**
 * Limits against hostile inputs. Each is far above what a real package needs, and each has a
 * clear error (NUPKG004) naming the limit. Stated in README.md.
 */
export const LIMITS = {
  /**
   * Central directory bytes held in memory: 65,535 entries with 512-byte names (NuGet signs at
   * most 65,534) take 37 MB. With the per-entry cost below it bounds verification memory: at
   * this limit and a million entries a signed verify peaks near 175 MiB (README).
   */
  maxCentralDirectoryBytes: 48 * 1024 * 1024,
  /**
   * Entries in one archive, declared or walked (Zip64 archives can declare more; NuGet signs at
   * most 65,534). Each costs 4 bytes held, plus 8 during the hash pass.
   */
  maxEntries: 1_000_000,
  /** Size of `.signature.p7s` (NuGet has no cap; real signatures are 10–30 KB). */
  maxSignatureBytes: 4 * 1024 * 1024,
  /** Decompressed bytes read from any one entry we inflate (the nuspec): zip-bomb guard. */
  maxInflatedEntryBytes: 16 * 1024 * 1024,
  /** Certificates in one SignedData (a signature or a timestamp token); real ones carry 2–6. */
  maxCertificates: 100,
} as const;
