import { timingSafeEqual } from 'node:crypto';
import { NupkgSigningError } from '../../errors.js';
import type { PackageArchive } from '../../package/archive.js';
import { computeSignedPackageHash } from '../../package/content-hash.js';
import {
  localHeaderMismatch,
  signatureLocalHeaderMismatch,
} from '../../package/local-header-check.js';
import type { CentralDirectoryRecord } from '../../package/zip-format.js';
import { decodeContentHash, parseSignatureContent } from '../../signature/signature-content.js';
import { issue, type Issue } from '../../issues.js';

const ADVICE =
  'The package has changed since it was signed: rebuild and re-sign it, or get an untampered copy.';

/**
 * Checks that the package content is what was signed: the hash named in the signature content
 * equals NuGet's hash of the archive without the signature entry (spec §3). A mismatch, or any
 * failure while hashing, is NU3008, always an error (NuGet's status Suspect). So is a signature
 * entry whose local header names another file than `.signature.p7s` (NuGet's IsSigned pre-check).
 *
 * Also cross-checks each entry's local header against the central directory (NUPKG008, a
 * warning: NuGet's verdict does not depend on it). Throws NU3000/NU3007 when the content cannot
 * be read (an ill-formed signature, not tampering).
 */
export async function checkIntegrity(
  archive: PackageArchive,
  signatureRecord: CentralDirectoryRecord,
  content: Uint8Array | undefined,
): Promise<Issue[]> {
  if (!content) {
    throw new NupkgSigningError(
      'NU3000',
      'The package signature has no content (a detached signature); NuGet cannot read its package hash.',
    );
  }
  const parsed = parseSignatureContent(content);
  const expected = decodeContentHash(parsed);
  const tampered = (what: string) => [issue('NU3008', 'error', `${what} ${ADVICE}`)];
  if (!expected)
    return tampered(
      'The package integrity check failed: the signed package hash is not valid base64.',
    );
  // NuGet's IsSigned pre-check: the signature's local header must name `.signature.p7s` too.
  const notSigned = await signatureLocalHeaderMismatch(archive, signatureRecord);
  if (notSigned) return tampered(`The package integrity check failed: ${notSigned}.`);
  let actual: Buffer;
  const mismatches: string[] = [];
  try {
    actual = await computeSignedPackageHash(archive, signatureRecord, parsed.hashAlgorithm, {
      onLocalHeader: (record, head) => {
        const mismatch = localHeaderMismatch(record, head);
        if (mismatch) mismatches.push(mismatch);
      },
    });
  } catch (error) {
    if (error instanceof NupkgSigningError && error.code === 'NU3008')
      return tampered(error.message);
    throw error;
  }
  // Checks that the central directory and the local headers describe the same entries.
  const crossCheck = mismatches.length
    ? [
        issue(
          'NUPKG008',
          'warning',
          `The central directory and the local file headers disagree (${mismatches.slice(0, 3).join('; ')}${mismatches.length > 3 ? `; and ${mismatches.length - 3} more` : ''}): the archive is damaged or crafted to show different files to different tools. Rebuild it.`,
        ),
      ]
    : [];
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    return [
      ...tampered(
        `The package integrity check failed: the ${parsed.hashAlgorithm.toUpperCase()} hash of the package content does not match the signed hash.`,
      ),
      ...crossCheck,
    ];
  }
  return crossCheck;
}
