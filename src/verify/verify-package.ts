import { NupkgSigningError, describeError } from '../errors.js';
import { openPackageArchive, type PackageArchive } from '../package/archive.js';
import { readPackageIdentity, type PackageIdentity } from '../package/nuspec.js';
import { readSignatureEntry } from '../package/signature-entry.js';
import type { VerificationPolicy } from '../policy/verification-policy.js';
import { checkIntegrity } from './checks/integrity.js';
import { parsePrimarySignature } from '../signature/primary-signature.js';
import { hasErrors, issue, type Issue, type PackageResult, type SignatureKind } from './result.js';

export interface VerifyOptions {
  readonly policy: VerificationPolicy;
  /** The time the verdict is for ("now" unless the user asked for another time). */
  readonly now: Date;
}

/** The result plus what was learnt about the package, for reports. */
export interface PackageVerification extends PackageResult {
  readonly package?: PackageIdentity;
}

/**
 * Verifies one package: read the archive, decide signed or unsigned as NuGet does, read the
 * signature, check integrity, then the signature checks, then apply the policy. Throws only when
 * the file cannot be read at all (NUPKG002); everything about the package is a result.
 */
export async function verifyPackage(
  path: string,
  options: VerifyOptions,
): Promise<PackageVerification> {
  let archive: PackageArchive;
  try {
    archive = await openPackageArchive(path);
  } catch (error) {
    if (error instanceof NupkgSigningError && error.code !== 'NUPKG002') {
      return unreadable(path, error);
    }
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

  // Checks that the archive is a package: NuGet reads the nuspec before any signature work.
  const identity = await readPackageIdentity(archive);
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
    issues.push(
      policy.allowUnsigned
        ? issue('NU3004', 'info', 'The package is not signed (allowed by the policy).')
        : issue(
            'NU3004',
            'error',
            'The package is not signed. Sign it with `nupkg-signing sign` or `dotnet nuget sign`.',
          ),
    );
    return finish(file, identity, 'unsigned', false, issues);
  }

  // Reads the signature; any failure here is an "illegal" signature, a warning only with allowIllegal.
  let signature;
  try {
    const entry = await readSignatureEntry(archive);
    signature = parsePrimarySignature(entry.bytes);
    issues.push(...(await checkIntegrity(archive, entry.record, signature.content)));
  } catch (error) {
    if (!(error instanceof NupkgSigningError) || error.code.startsWith('NUPKG')) throw error;
    const level = error.code !== 'NU3008' && policy.allowIllegal ? 'warning' : 'error';
    issues.push(issue(error.code, level, describeError(error)));
    return finish(file, identity, 'unknown', false, issues);
  }
  return finish(
    file,
    identity,
    signature.signatureType,
    signature.repositoryCountersignatures.length > 0,
    issues,
  );
}

function finish(
  file: string,
  identity: PackageIdentity | undefined,
  signature: SignatureKind,
  countersigned: boolean,
  issues: Issue[],
): PackageVerification {
  return {
    file,
    valid: !hasErrors(issues),
    signature,
    countersigned,
    issues,
    ...(identity ? { package: identity } : {}),
  };
}

function unreadable(file: string, error: NupkgSigningError): PackageVerification {
  return {
    file,
    valid: false,
    signature: 'unknown',
    countersigned: false,
    issues: [issue(error.code, 'error', error.message)],
  };
}
