import { sha256Fingerprint } from '../fingerprint.js';
import { writeSignedPackageInOnePass } from '../package/writer.js';
import type { HashAlgorithmName } from '../hash-algorithms.js';
import { buildSignatureContent } from '../signature/signature-content.js';
import { requestTimestamp, type TimestampResult } from '../timestamp/client.js';
import type { TimestampServerMemory } from '../timestamp/server-memory.js';
import { loadBundledTrustStores, type TrustStores } from '../trust/bundled-roots.js';
import { loadDefaultTrustStores } from '../trust/default-stores.js';
import { issue, type Issue } from '../issues.js';
import { buildPrimarySignature } from './signature-builder.js';
import type { Signer } from './signer.js';
import {
  checkSigningCertificate,
  checkTimestampCertificate,
  nugetOrgWarnings,
  type ChainTrustOptions,
} from './signing-requirements.js';
import { addTimestampToken } from './timestamp-attribute.js';

export interface SignPackageOptions {
  readonly packagePath: string;
  /** Where to write the signed package; default: replace `packagePath` (atomically). */
  readonly outputPath?: string;
  readonly signer: Signer;
  /** Package hash, SignerInfo digest and ESSCertIDv2 hash (`--hash-algorithm`). */
  readonly hashAlgorithm: HashAlgorithmName;
  /** RFC 3161 servers tried in order; none means an untimestamped signature (NU3002 warning). */
  readonly timestampUrls: readonly string[];
  readonly timestampHashAlgorithm: HashAlgorithmName;
  /** Replace an existing signature instead of refusing with NU3001. */
  readonly overwrite: boolean;
  /** Signing time, DOS time of the entry, validity checks. */
  readonly clock: () => Date;
  /** Extra trust anchors (DER) for the pre-sign chain checks, e.g. a private CA's root. */
  readonly trustedRoots?: readonly Uint8Array[];
  /** Sign although the chain ends at an untrusted root, which NuGet refuses (NU3018 warning). */
  readonly allowUntrustedRoot?: boolean;
  /** Roots NuGet would use here; default: as `dotnet nuget sign` picks them (§8.2). */
  readonly trustStores?: TrustStores;
  /** Roots standing in for nuget.org's trust; default: the SDK bundles shipped with the tool. */
  readonly nugetOrgTrustStores?: TrustStores;
  /**
   * Warn about what would make nuget.org reject the signature (default true). Off for packages
   * that only go to internal feeds, e.g. signed with a private CA nuget.org does not trust.
   */
  readonly nugetOrgAdvice?: boolean;
  readonly timeoutMs?: number;
  readonly totalTimeoutMs?: number;
  readonly retries?: number;
  /** Progress notes (timestamp retries); never key material. */
  readonly log?: (message: string) => void;
  /** Failed timestamp servers and the deadline shared by the packages of one run. */
  readonly timestampMemory?: TimestampServerMemory;
}

export interface SignPackageResult {
  readonly outputPath: string;
  /** NuGet's warnings (NU3002, NU3018 for self-issued) and nuget.org advice. */
  readonly warnings: Issue[];
  /** Uppercase hex SHA-256 of the signing certificate. */
  readonly certificateFingerprint: string;
  /** genTime of the timestamp, when one was obtained. */
  readonly timestampTime?: Date;
  readonly timestampUrl?: string;
}

/**
 * Author-signs one package the way `dotnet nuget sign` does (nuget-signing-spec.md §10.2, §10.3):
 * every refusal happens before the timestamp server is contacted, and the package is replaced
 * only by a complete signed file, so any failure leaves the original byte-identical.
 */
export async function signPackage(options: SignPackageOptions): Promise<SignPackageResult> {
  const { packagePath, signer, hashAlgorithm, clock } = options;
  const outputPath = options.outputPath ?? packagePath;
  const stores = options.trustStores ?? loadDefaultTrustStores();
  const trust = (roots: TrustStores[keyof TrustStores]): ChainTrustOptions => ({
    roots,
    now: clock(),
    ...(options.trustedRoots ? { extraRoots: options.trustedRoots } : {}),
    ...(options.allowUntrustedRoot ? { allowUntrustedRoot: true } : {}),
  });

  // Checks the certificate and its chain, as NuGet does before touching the package (§10.2 item 1).
  const certificateCheck = checkSigningCertificate(
    signer.certificate,
    signer.chain,
    trust(stores.codeSigning),
  );
  const warnings = [...certificateCheck.warnings];

  // Checks that the package can carry a signature (Zip64, entry count, already signed: items 2-3),
  // then hashes the unsigned package while copying it, and signs that hash. One read of the package.
  let timestamp: TimestampResult | undefined;
  await writeSignedPackageInOnePass({
    sourcePath: packagePath,
    destinationPath: outputPath,
    hashAlgorithm,
    dosTime: clock(),
    overwrite: options.overwrite,
    buildSignature: async (packageHash) => {
      const signed = await signHash(options, packageHash, certificateCheck.chain.slice(1), () =>
        trust(stores.timestamping),
      );
      warnings.push(...signed.warnings);
      timestamp = signed.timestamp;
      // Warnings only, but computed before the package is replaced, as they always were.
      if (options.nugetOrgAdvice === false) return signed.der;
      const nugetOrg = options.nugetOrgTrustStores ?? loadBundledTrustStores();
      warnings.push(
        ...nugetOrgWarnings(signer.certificate, {
          codeSigningRoots: nugetOrg.codeSigning,
          chain: certificateCheck.chain,
          now: clock(),
          timestamped: timestamp !== undefined,
        }),
      );
      return signed.der;
    },
  });
  return {
    outputPath,
    warnings,
    certificateFingerprint: sha256Fingerprint(signer.certificate),
    ...(timestamp ? { timestampTime: timestamp.genTime, timestampUrl: timestamp.url } : {}),
  };
}

/**
 * Signs the content for `packageHash`, embedding the chain as built (§2.1), and timestamps the
 * signature value, or warns like NuGet when no server was given (§10.3 steps 3-4).
 */
async function signHash(
  options: SignPackageOptions,
  packageHash: Buffer,
  chain: readonly Uint8Array[],
  timestampTrust: () => ChainTrustOptions,
): Promise<{ der: Uint8Array; timestamp?: TimestampResult; warnings: Issue[] }> {
  const { hashAlgorithm, clock } = options;
  const built = await buildPrimarySignature({
    content: buildSignatureContent(hashAlgorithm, packageHash),
    signer: { ...bindSigner(options.signer), chain },
    hashAlgorithm,
    signingTime: clock(),
    kind: 'author',
  });
  if (options.timestampUrls.length === 0) {
    const warning = issue(
      'NU3002',
      'warning',
      'The signature is not timestamped because no timestamp server was given; it becomes invalid when the signing certificate expires.',
    );
    return { der: built.der, warnings: [warning] };
  }
  const timestamp = await requestTimestamp({
    urls: options.timestampUrls,
    signatureValue: built.signatureValue,
    hashAlgorithm: options.timestampHashAlgorithm,
    now: clock,
    ...pick(options, ['timeoutMs', 'totalTimeoutMs', 'retries', 'log']),
    ...(options.timestampMemory ? { memory: options.timestampMemory } : {}),
  });
  const tokenCertificates = timestamp.token.certificates.map((c) => c.der);
  const warnings = checkTimestampCertificate(
    timestamp.tsa.der,
    tokenCertificates,
    timestampTrust(),
  );
  return {
    der: addTimestampToken(built.der, 'primary', timestamp.tokenDer),
    timestamp,
    warnings,
  };
}

/** A Signer as a plain object whose `sign` keeps its `this` (class-based signers need it). */
function bindSigner(signer: Signer): Signer {
  return { certificate: signer.certificate, chain: signer.chain, sign: signer.sign.bind(signer) };
}

function pick<T extends object, K extends keyof T>(
  source: T,
  keys: readonly K[],
): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) picked[key] = source[key];
  return picked;
}
