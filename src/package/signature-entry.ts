import { NupkgSigningError } from '../errors.js';
import type { PackageArchive } from './archive.js';
import { signatureRecords } from './archive.js';
import { LIMITS } from '../limits.js';
import {
  LOCAL_FILE_HEADER_SIZE,
  parseLocalFileHeader,
  type CentralDirectoryRecord,
} from './zip-format.js';

/** Where the signature entry is and what it holds. */
export interface SignatureEntry {
  readonly record: CentralDirectoryRecord;
  /** File offset of the first signature byte. */
  readonly dataOffset: number;
  readonly bytes: Buffer;
}

/**
 * Locates `.signature.p7s` and checks the properties NuGet asserts on every read of the signature
 * (nuget-signing-spec.md §1.2). Every failure is NU3005, with all the reasons found.
 */
export async function readSignatureEntry(archive: PackageArchive): Promise<SignatureEntry> {
  const path = archive.file.path;
  const fail = (reasons: string[]) =>
    new NupkgSigningError(
      'NU3005',
      `The package signature file entry is invalid: ${reasons.join('; ')}. Re-sign the package with 'dotnet nuget sign' or 'nupkg-signing sign'.`,
      { file: path },
    );

  const candidates = signatureRecords(archive);
  if (candidates.length === 0) {
    throw fail([
      'the package does not contain a valid package signature file (an entry named .signature.p7s exists, but its UTF-8 name flag is set)',
    ]);
  }
  if (candidates.length > 1) {
    throw fail([
      `the package contains ${candidates.length} package signature files; there must be one`,
    ]);
  }
  const record = candidates[0] as CentralDirectoryRecord;

  const reasons: string[] = [];
  if (record.flags !== 0)
    reasons.push(`central directory flags are 0x${record.flags.toString(16)}, must be 0`);
  if (record.compressionMethod !== 0) {
    reasons.push(
      `central directory compression method is ${record.compressionMethod}, must be 0 (stored)`,
    );
  }
  if (record.compressedSize !== record.uncompressedSize) {
    reasons.push('central directory compressed and uncompressed sizes differ');
  }
  if (record.externalAttributes !== 0) {
    reasons.push(
      `central directory external attributes are 0x${record.externalAttributes.toString(16)}, must be 0`,
    );
  }

  const headerBytes = Math.min(
    LOCAL_FILE_HEADER_SIZE,
    Math.max(0, archive.file.size - record.localHeaderOffset),
  );
  const local = parseLocalFileHeader(
    await archive.file.read(record.localHeaderOffset, headerBytes),
  );
  if (!local) {
    reasons.push(`no local file header at offset ${record.localHeaderOffset}`);
    throw fail(reasons);
  }
  if (local.flags !== 0)
    reasons.push(`local header flags are 0x${local.flags.toString(16)}, must be 0`);
  if (local.compressionMethod !== 0) {
    reasons.push(
      `local header compression method is ${local.compressionMethod}, must be 0 (stored)`,
    );
  }
  if (local.compressedSize !== local.uncompressedSize) {
    reasons.push('local header compressed and uncompressed sizes differ');
  }
  if (reasons.length > 0) throw fail(reasons);

  // NuGet reads the LFH's uncompressed size of bytes after the LFH name and extra (§1.2).
  const dataOffset =
    record.localHeaderOffset + LOCAL_FILE_HEADER_SIZE + local.nameLength + local.extraLength;
  const length = local.uncompressedSize;
  if (length > LIMITS.maxSignatureBytes) {
    throw new NupkgSigningError(
      'NUPKG004',
      `The signature entry of '${path}' is ${length} bytes, over the limit of ${LIMITS.maxSignatureBytes}.`,
      { file: path },
    );
  }
  if (dataOffset + length > archive.file.size) {
    throw fail([
      `the signature data (${length} bytes at offset ${dataOffset}) runs past the end of the file`,
    ]);
  }
  return { record, dataOffset, bytes: await archive.file.read(dataOffset, length) };
}
