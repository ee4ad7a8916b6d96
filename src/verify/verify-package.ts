import { NupkgSigningError, describeError } from '../errors.js';
import { openPackageArchive, type PackageArchive } from '../package/archive.js';
import { readPackageIdentity, type PackageIdentity } from '../package/nuspec.js';
import { readSignatureEntry } from '../package/signature-entry.js';
import type { VerificationPolicy } from '../policy/verification-policy.js';
import type { RevocationChecker } from '../revocation/index.js';
import { parsePrimarySignature, type PrimarySignature } from '../signature/primary-signature.js';
import type { CertificateView } from '../signature/certificate.js';
import type { EvaluationContext } from './evaluate-signature.js';
import type { TrustStores } from '../trust/bundled-roots.js';
import { isUntrustedRootAllowed, type NuGetSigningConfig } from '../policy/nuget-config.js';
import { checkAllowedFingerprints } from './checks/allow-list.js';
import { checkIntegrity } from './checks/integrity.js';
import { checkNugetOrgRules } from './checks/nuget-org-rules.js';
import { readSignerAttributes } from './checks/signature-attributes.js';
import { checkSignerPolicies, type SignerPolicies } from './checks/signer-policies.js';
import { aboutSignature, hasErrors, issue, type Issue, type PackageResult } from '../issues.js';
import { certificateFacts, signatureFacts } from './signature-facts.js';
import type { SignatureSummary } from './signature-summary.js';
import { verifyTrustAndValidity, type TrustAndValidity } from './trust-and-validity.js';

export interface VerifyOptions extends SignerPolicies {
  readonly policy: VerificationPolicy;
  /** The time the verdict is for ("now" unless the user asked for another time). */
  readonly now: Date;
  /** Code-signing and timestamping roots. */
  readonly trust: TrustStores;
  /** Revocation checking of the signing and TSA chains; none when absent. */
  readonly revocation?: RevocationChecker;
}

/** The result plus what was learnt about the package, for reports. */
export interface PackageVerification extends PackageResult {
  readonly package?: PackageIdentity;
  readonly signatures?: readonly SignatureSummary[];
  /** Which signer-policy rule decided, when a policy file was given. */
  readonly signerPolicy?: string;
  /** The preset the verdict is under (verify, accept, require, nuget.org); set by the run. */
  readonly policy?: string;
  /** The signer policy file the run applied, as it was named; set by the run. */
  readonly policyFile?: string;
  /** What is wrong, in a few words, when `signature` is 'unknown' ("empty file", "not a zip archive"). */
  readonly unreadable?: string;
}

/** Labels for the codes that end verification before a signature is known. */
const UNREADABLE: Partial<Record<string, string>> = {
  NUPKG001: 'not a zip archive',
  NUPKG004: 'a hostile-input limit was exceeded',
  NUPKG008: 'damaged zip archive',
  NU3005: 'signature entry cannot be read',
  NU3003: 'signature cannot be read',
  NU3009: 'signature cannot be read',
  NU3000: 'signature cannot be read',
  NU3011: 'signature attributes are invalid',
};

function whatIsUnreadable(error: NupkgSigningError): string {
  return `${error.summary ?? UNREADABLE[error.code] ?? 'cannot be read'} (${error.code})`;
}

/**
 * Verifies one package like `dotnet nuget verify --all`: read the archive, decide signed or
 * unsigned as NuGet does, read the signature (errors here end verification with one code), then
 * run the providers — integrity, trust and validity, the fingerprint allow list — then the signer
 * policies (trusted signers, repository certificates, registrations). Throws only when the file
 * cannot be read at all (NUPKG002).
 */
export async function verifyPackage(
  path: string,
  options: VerifyOptions,
): Promise<PackageVerification> {
  let archive: PackageArchive;
  try {
    archive = await openPackageArchive(path);
  } catch (error) {
    if (error instanceof NupkgSigningError && error.code !== 'NUPKG002')
      return unreadable(path, error);
    throw error;
  }
  try {
    return await verifyArchive(archive, options);
  } catch (error) {
    if (error instanceof NupkgSigningError && error.code !== 'NUPKG002')
      return unreadable(path, error);
    throw error;
  } finally {
    await archive.file.close();
  }
}

async function verifyArchive(
  archive: PackageArchive,
  options: VerifyOptions,
): Promise<PackageVerification> {
  const { policy } = options;
  const file = archive.file.path;
  const issues: Issue[] = [];
  const identity = await readPackageIdentity(archive);
  const base = { file, ...(identity ? { package: identity } : {}) };

  // Checks that the archive is a package: NuGet reads the nuspec before any signature work.
  if (!identity) {
    issues.push(
      issue(
        'NU5037',
        'error',
        'The package is missing the required nuspec file. Rebuild it with dotnet pack.',
      ),
    );
  }

  // Checks whether the package is signed, by the decoded entry name (spec §1.5 step 1).
  if (!archive.signedByName) {
    const allowed = policy.allowUnsigned;
    issues.push(
      allowed
        ? issue('NU3004', 'info', 'The package is not signed (allowed by the policy).')
        : issue(
            'NU3004',
            'error',
            'The package is not signed. Sign it with `nupkg-signing sign` or `dotnet nuget sign`.',
          ),
    );
    const policies = checkSignerPolicies(
      signatureFacts(identity?.id ?? '', undefined, undefined, true),
      options,
      options,
    );
    issues.push(...policies.issues);
    return {
      ...base,
      valid: allowed && !!identity && policies.accepted,
      signature: 'unsigned',
      countersigned: false,
      issues,
      ...(policies.rule ? { signerPolicy: policies.rule } : {}),
    };
  }

  // Reads the signature; a failure here is an "illegal" signature, only a warning with allowIllegal.
  let read: Awaited<ReturnType<typeof readSignature>>;
  try {
    read = await readSignature(archive);
  } catch (error) {
    if (!(error instanceof NupkgSigningError) || error.code.startsWith('NUPKG')) throw error;
    issues.push(issue(error.code, policy.allowIllegal ? 'warning' : 'error', describeError(error)));
    return {
      ...base,
      valid: policy.allowIllegal && !!identity,
      signature: 'unknown',
      countersigned: false,
      issues,
      unreadable: whatIsUnreadable(error),
    };
  }
  const { signature, certificate } = read;

  // Checks that the content is what was signed (always an error).
  const integrity = await checkIntegrity(archive, read.entryRecord, signature.content);
  // Checks the signatures, their timestamps and chains under the policy.
  const trust = await verifyTrustAndValidityOrFail(signature, certificate, {
    ...options,
    ...untrustedRootsFromConfig(options.nugetConfig),
  });
  // Checks what nuget.org checks beyond the client: certificates current now, none self-issued.
  const nugetOrg =
    policy.nugetOrg && certificate && signature.signatureType === 'author'
      ? checkNugetOrgRules(certificate, trust.primary?.timestamp, policy.nugetOrg, options.now)
      : [];
  // Checks the signer against the fingerprints the user trusts (--certificate-fingerprint).
  const allowList = certificate
    ? aboutSignature(checkAllowedFingerprints(certificate, policy), 'primary')
    : [];
  // Checks the signer against trusted signers, repository certificates and the signer policy.
  const intact = !integrity.some((i) => i.level === 'error');
  const facts = signatureFacts(identity?.id ?? '', read, trust, intact);
  const policies = checkSignerPolicies(facts, options, options);
  issues.push(...integrity, ...trust.issues, ...nugetOrg, ...allowList, ...policies.issues);

  return {
    ...base,
    valid:
      !!identity &&
      intact &&
      trust.valid &&
      !hasErrors(nugetOrg) &&
      !hasErrors(allowList) &&
      policies.accepted,
    signature: signature.signatureType,
    countersigned: signature.repositoryCountersignatures.length > 0,
    issues,
    signatures: trust.signatures,
    ...(policies.rule ? { signerPolicy: policies.rule } : {}),
  };
}

/**
 * What NuGet does while loading the signature: the entry (NU3005), the CMS (NU3003, NU3009,
 * NU3000) and the signed attribute rules (NU3011, NU3000). A missing signer certificate is
 * reported later, as NU3010, by the signature's evaluation.
 */
async function readSignature(archive: PackageArchive) {
  const entry = await readSignatureEntry(archive);
  const signature = parsePrimarySignature(entry.bytes);
  const certificate = signature.signer.findSignerCertificate(signature.certificates);
  const attributes = readSignerAttributes(signature.signer, certificate, 'NU3011');
  return { entryRecord: entry.record, signature, certificate, attributes };
}

/**
 * nuget.config's `allowUntrustedRoot="true"` entries, asked per signature about that signature's
 * own certificate, as NuGet's trust-and-validity provider does (docs/nuget-config-trust.md §5).
 */
function untrustedRootsFromConfig(
  config: NuGetSigningConfig | undefined,
): Pick<EvaluationContext, 'untrustedRootAllowed'> {
  if (!config?.allowList.some((e) => e.allowUntrustedRoot)) return {};
  return {
    untrustedRootAllowed: (certificate) =>
      isUntrustedRootAllowed(config, certificateFacts(certificate, undefined)),
  };
}

/**
 * Some problems make NuGet throw in the middle of verification (a timestamp token whose signature
 * does not verify, NU3021): the result is then that one finding.
 */
async function verifyTrustAndValidityOrFail(
  signature: PrimarySignature,
  certificate: CertificateView | undefined,
  options: VerifyOptions,
): Promise<TrustAndValidity> {
  try {
    return await verifyTrustAndValidity(signature, certificate, options);
  } catch (error) {
    if (!(error instanceof NupkgSigningError) || error.code.startsWith('NUPKG')) throw error;
    const allowed = options.policy.allowIllegal;
    return {
      valid: allowed,
      issues: [issue(error.code, allowed ? 'warning' : 'error', describeError(error))],
      signatures: [],
    };
  }
}

function unreadable(file: string, error: NupkgSigningError): PackageVerification {
  return {
    file,
    valid: false,
    signature: 'unknown',
    countersigned: false,
    issues: [issue(error.code, 'error', error.message)],
    unreadable: whatIsUnreadable(error),
  };
}
