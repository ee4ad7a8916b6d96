/**
 * Limits against hostile inputs. Each is far above what a real package needs, and each has a
 * clear error naming the limit (NUPKG004 in a package, NUPKG005 in a configuration file). Stated in README.md.
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
   * One answer of AWS KMS (GetPublicKey, Sign) or STS (AssumeRoleWithWebIdentity), read through
   * the AWS SDK: small JSON or XML documents of a few KB (an RSA-4096 public key is < 1 KB).
   */
  maxAwsAnswerBytes: 256 * 1024,
  /**
   * What one pkcs11-tool run may print (an object listing, a certificate, a signature): a token's
   * certificates are a few KB each.
   */
  maxPkcs11ToolOutputBytes: 1024 * 1024,
  /** Certificate objects on a token searched for the signing certificate's chain. */
  maxPkcs11TokenCertificates: 32,
  /** Redirects followed for one HTTP request (within the same timeout and size limit). */
  maxHttpRedirects: 5,
  /**
   * Element nesting in an XML file (nuspec, nuget.config); real ones nest 4–6 deep. .NET has no
   * limit; ours keeps every reader of the element tree shallow.
   */
  maxXmlDepth: 256,
  /** Characters in one XML attribute value or text run (a real nuspec's longest is a description). */
  maxXmlValueChars: 1024 * 1024,
  /**
   * Elements in one XML file: bounds the time of a nuspec of 16 MiB of `<a/>` (4 million elements,
   * 8 s) and the memory of an element tree; real nuspecs have tens, at most a few thousand.
   */
  maxXmlElements: 100_000,
  /** Size of a nuget.config file, checked while reading it. */
  maxNuGetConfigBytes: 4 * 1024 * 1024,
  /**
   * nuget.config files read when discovering the hierarchy (one per directory up to the root, the
   * user-wide and machine-wide folders): with maxNuGetConfigBytes, this bounds the memory spent.
   */
  maxNuGetConfigFiles: 256,
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
  /**
   * Time all timestamp requests of one signing run may take together (milliseconds). A server
   * that fails is not asked again in the run, so this only ends runs of many packages against
   * servers that answer, but slowly.
   */
  maxTimestampRunMs: 5 * 60 * 1000,
  /**
   * Nesting of ASN.1 elements followed by every reader (src/asn1): CMS, certificates, CRLs, OCSP
   * and PKCS#12 nest about 12 deep. Bounds recursion, as .NET's AsnReader does.
   */
  maxAsn1Depth: 64,
  /**
   * Elements asn1js may build for one decoded signature, certificate or revocation answer. Its own
   * default (10,000) was close to a signature with a dozen certificates and two timestamp tokens
   * while asn1js also explored OCTET/BIT STRING contents (src/asn1/decode.ts no longer asks it to).
   */
  maxAsn1Elements: 500_000,
  /** Elements asn1js may build for one PKCS#12 structure (a PFX holds a few certificates and a key). */
  maxPkcs12Asn1Elements: 200_000,
  /**
   * Parsed certificates kept for a run (src/signature/certificate.ts): a batch of packages shares
   * a few hundred issuing and root certificates at most. Each costs its DER size times
   * CERTIFICATE_VIEW_COST_FACTOR against the byte budget, so a batch of hostile packages, each
   * with fresh certificates, holds at most these many entries and bytes.
   */
  maxCachedCertificates: 4096,
  maxCachedCertificateBytes: 64 * 1024 * 1024,
  /** Chains built for a trust store, by leaf, intermediates, time and purpose (src/trust). */
  maxCachedChains: 4096,
} as const;
