import type { PackageArchive } from './archive.js';
import {
  LOCAL_FILE_HEADER_SIZE,
  SIGNATURE_FILE_NAME,
  UTF8_FLAG,
  isSignatureRecord,
  parseLocalFileHeader,
  type CentralDirectoryRecord,
} from './zip-format.js';

/**
 * Cross-checks a central directory record against the local header it points at: the
 * `PK\x03\x04` signature and the same name bytes. NuGet's hash never looks (it hashes raw spans),
 * so a mismatch does not change the verdict, but it means the archive is damaged or crafted to
 * show different files to different readers. `head` holds the first bytes of the entry's span.
 */
export function localHeaderMismatch(
  record: CentralDirectoryRecord,
  head: Buffer,
): string | undefined {
  const local = parseLocalFileHeader(
    head.subarray(0, Math.min(head.length, LOCAL_FILE_HEADER_SIZE + 0xffff)),
  );
  // Names are made into strings only for the message: this runs once per entry.
  const name = () => record.rawName.toString('latin1');
  if (!local) return `no local header at offset ${record.localHeaderOffset} for '${name()}'`;
  if (!local.rawName.equals(record.rawName)) {
    return `the local header at offset ${record.localHeaderOffset} names '${Buffer.from(local.rawName).toString('latin1')}', the central directory '${name()}'`;
  }
  return undefined;
}

/**
 * NuGet's `SignedPackageArchiveUtility.IsSigned`, the first step of its integrity check: the
 * signature's local header must carry the 14 name bytes `.signature.p7s` too (byte for byte, so
 * case counts) with the UTF-8 flag clear. The entry reader never compares the local name (it only
 * uses its length to find the data), so a package whose local header names another file reads
 * fine and then fails integrity: NuGet reports NU3008. Returns why it fails, or undefined.
 */
export async function signatureLocalHeaderMismatch(
  archive: PackageArchive,
  record: CentralDirectoryRecord,
): Promise<string | undefined> {
  const available = Math.max(0, archive.file.size - record.localHeaderOffset);
  const fixed = await archive.file.read(
    record.localHeaderOffset,
    Math.min(LOCAL_FILE_HEADER_SIZE, available),
  );
  if (fixed.length < LOCAL_FILE_HEADER_SIZE) return 'the signature entry has no local header';
  const nameLength = fixed.readUInt16LE(26);
  const local = parseLocalFileHeader(
    await archive.file.read(
      record.localHeaderOffset,
      Math.min(LOCAL_FILE_HEADER_SIZE + nameLength, available),
    ),
  );
  if (!local) return 'the signature entry has no local header';
  if (isSignatureRecord(local)) return undefined;
  return `the local header of the signature entry names '${escapeName(local.rawName)}'${local.flags & UTF8_FLAG ? ' with the UTF-8 flag set' : ''}, not '${SIGNATURE_FILE_NAME.toString('ascii')}'`;
}

/** Name bytes for a message: printable ASCII kept, everything else as \xNN. */
function escapeName(bytes: Buffer): string {
  return [...bytes]
    .map((b) =>
      b >= 0x20 && b < 0x7f && b !== 0x5c
        ? String.fromCharCode(b)
        : `\\x${b.toString(16).padStart(2, '0')}`,
    )
    .join('');
}
