import type { ErrorCode } from '../codes.js';
import { NupkgSigningError } from '../errors.js';
import type { PackageArchive } from './archive.js';
import type { FileRange, Part } from './piece-stream.js';
import { END_OF_CENTRAL_DIRECTORY_SIGNATURE } from './zip-format.js';

/** Refusals for layouts NuGet would turn into a broken or unverifiable package. */
const LAYOUT_REFUSAL: ErrorCode = 'NU3001';

/**
 * The unsigned package as pieces of the source: the file itself, or what NuGet's remove routine
 * makes of a signed one (the signature's local entry and CD header cut out, EOCD adjusted).
 */
export interface UnsignedLayout {
  /** Local entries, `[0, P)`; P is where a new signature entry goes. */
  readonly localEntries: FileRange;
  readonly centralDirectory: readonly Uint8Array[];
  /** The EOCD's first 20 bytes (through the CD offset), as in the unsigned package. */
  readonly endRecord: Buffer;
  /** Comment length, comment and anything after them, copied as they are. */
  readonly tail: FileRange;
}

/**
 * The unsigned package inside `archive` (§1.3, §3.3). Refuses layouts where NuGet's copy-based
 * routines would silently write a broken archive: a signature entry that is not the last local
 * entry, local headers inside or after the central directory, bytes between the central directory
 * and its end record.
 */
export function unsignedLayout(archive: PackageArchive): UnsignedLayout {
  const { directory, eocd, file } = archive;
  const lastIndex = directory.length - 1;
  const startOfCentralDirectory = directory.position(0);
  const endOfCentralDirectory = directory.position(lastIndex) + directory.headerSize(lastIndex);
  if (endOfCentralDirectory !== eocd.position) {
    throw refuse(
      archive,
      `${eocd.position - endOfCentralDirectory} bytes lie between the central directory and its end record`,
    );
  }
  for (let i = 0; i < directory.length; i++) {
    const offset = directory.localHeaderOffset(i);
    if (offset >= startOfCentralDirectory) {
      throw refuse(
        archive,
        `a central directory entry points at offset ${offset}, inside or after the central directory`,
      );
    }
  }
  const tail = { position: eocd.position + 20, length: file.size - eocd.position - 20 };

  const signatures = directory.signatureIndexes();
  if (signatures.length > 1) {
    throw new NupkgSigningError(
      'NU3005',
      `'${file.path}' contains ${signatures.length} package signature files; there must be at most one.`,
      { file: file.path },
    );
  }
  // The headers are contiguous, so the directory is one view, or two around the signature's.
  const headers = directory.walkedBytes();
  const signature = signatures[0];
  if (signature === undefined) {
    return {
      localEntries: { position: 0, length: startOfCentralDirectory },
      centralDirectory: [headers],
      endRecord: endRecordBytes(archive, { entries: 0, size: 0, offset: 0 }),
      tail,
    };
  }
  const start = directory.localHeaderOffset(signature);
  for (let i = 0; i < directory.length; i++) {
    if (i !== signature && directory.localHeaderOffset(i) >= start) {
      throw refuse(
        archive,
        'the signature entry is not the last local entry, and removing it would leave the other entries at wrong offsets',
      );
    }
  }
  const cutStart = directory.position(signature) - startOfCentralDirectory;
  const cutEnd = cutStart + directory.headerSize(signature);
  return {
    localEntries: { position: 0, length: start },
    centralDirectory: [headers.subarray(0, cutStart), headers.subarray(cutEnd)],
    endRecord: endRecordBytes(archive, {
      entries: -1,
      size: -directory.headerSize(signature),
      offset: -(startOfCentralDirectory - start),
    }),
    tail,
  };
}

/**
 * NuGet's verifier hashes bytes before the first local header verbatim but re-bases offsets to 0
 * (§3.4), so a package with prefix data fails integrity (NU3008) once signed. Refuse instead.
 */
export function refusePrefixData(archive: PackageArchive, layout: UnsignedLayout): void {
  const { directory } = archive;
  const signature = directory.signatureIndexes()[0];
  let first = layout.localEntries.length;
  for (let i = 0; i < directory.length; i++) {
    if (i !== signature) first = Math.min(first, directory.localHeaderOffset(i));
  }
  if (first !== 0) {
    throw refuse(
      archive,
      `its first local file header is at offset ${first}, not 0; NuGet would report the signed package as tampered with (NU3008, integrity check failed). Remove the ${first} bytes of prefix data`,
    );
  }
}

/** The unsigned package, in order, to both the output and the hash. */
export function unsignedParts(layout: UnsignedLayout): Part[] {
  return [layout.localEntries, ...layout.centralDirectory, layout.endRecord, layout.tail].map(
    (piece) => ({ piece, output: true, unsigned: true }),
  );
}

/** The EOCD's first 20 bytes with the given counts, size and offset. */
function endRecordBytes(
  archive: PackageArchive,
  change: { entries: number; size: number; offset: number },
): Buffer {
  const { eocd } = archive;
  const bytes = Buffer.alloc(20);
  bytes.writeUInt32LE(END_OF_CENTRAL_DIRECTORY_SIGNATURE, 0);
  bytes.writeUInt16LE(eocd.diskNumber, 4);
  bytes.writeUInt16LE(eocd.centralDirectoryDisk, 6);
  bytes.writeUInt16LE((eocd.entriesOnDisk + change.entries) & 0xffff, 8);
  bytes.writeUInt16LE((eocd.totalEntries + change.entries) & 0xffff, 10);
  bytes.writeUInt32LE((eocd.centralDirectorySize + change.size) >>> 0, 12);
  bytes.writeUInt32LE((eocd.centralDirectoryOffset + change.offset) >>> 0, 16);
  return bytes;
}

function refuse(archive: PackageArchive, why: string): NupkgSigningError {
  const path = archive.file.path;
  return new NupkgSigningError(LAYOUT_REFUSAL, `Cannot sign or unsign '${path}': ${why}.`, {
    file: path,
  });
}
