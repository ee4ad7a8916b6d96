/**
 * Limits against hostile inputs. Each is far above what a real package needs, and each has a
 * clear error (NUPKG004) naming the limit. Stated in README.md.
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
   * Network replies, counted as the bytes arrive (a server that sends more is cut off there,
   * whatever its Content-Length says). A TimeStampResp with its TSA chain is a few KB.
   */
  maxTimestampResponseBytes: 4 * 1024 * 1024,
  /** An OCSP response (downloaded, or read from the revocation folder); real ones are 1–5 KB. */
  maxOcspResponseBytes: 10 * 1024 * 1024,
  /** A CRL (downloaded, or read from the revocation folder); large public CAs publish a few MiB. */
  maxCrlBytes: 10 * 1024 * 1024,
  /** A remote signer's answer (HTTP body or command output): an RSA-16384 signature is < 3 KB. */
  maxRemoteSignerAnswerBytes: 64 * 1024,
  /**
   * What one pkcs11-tool run may print (an object listing, a certificate, a signature): a token's
   * certificates are a few KB each.
   */
  maxPkcs11ToolOutputBytes: 1024 * 1024,
  /** Certificate objects on a token searched for the signing certificate's chain. */
  maxPkcs11TokenCertificates: 32,
  /** Redirects followed for one HTTP request (within the same timeout and size limit). */
  maxHttpRedirects: 5,
} as const;
