/**
 * Raw ZIP records, read the way NuGet's signing code reads them (nuget-signing-spec.md §1 and §3):
 * little-endian fixed fields, names kept as raw bytes, offsets as stored (32-bit, Zip64 extra
 * values ignored).
 */

export const LOCAL_FILE_HEADER_SIGNATURE = 0x04034b50;
export const CENTRAL_DIRECTORY_SIGNATURE = 0x02014b50;
export const END_OF_CENTRAL_DIRECTORY_SIGNATURE = 0x06054b50;
export const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
export const ZIP64_EXTRA_FIELD_ID = 0x0001;

export const LOCAL_FILE_HEADER_SIZE = 30;
export const CENTRAL_DIRECTORY_HEADER_SIZE = 46;
export const END_OF_CENTRAL_DIRECTORY_SIZE = 22;
export const ZIP64_LOCATOR_SIZE = 20;
/** Where the EOCD can start at the earliest: a maximal comment after it. */
export const MAX_EOCD_SEARCH = END_OF_CENTRAL_DIRECTORY_SIZE + 0xffff;

/** Bit 11 of the general-purpose flag: the name is UTF-8. */
export const UTF8_FLAG = 0x0800;

/** The signature entry's name: exactly these 14 ASCII bytes (§1.1). */
export const SIGNATURE_FILE_NAME = Buffer.from('.signature.p7s', 'ascii');

export interface EndOfCentralDirectory {
  /** Offset of the record's first byte in the file. */
  readonly position: number;
  readonly diskNumber: number;
  readonly centralDirectoryDisk: number;
  readonly entriesOnDisk: number;
  readonly totalEntries: number;
  readonly centralDirectorySize: number;
  readonly centralDirectoryOffset: number;
  readonly commentLength: number;
}

export interface CentralDirectoryRecord {
  /** Place in the central directory (0 for the first header): identifies the record. */
  readonly index: number;
  /** Offset of the header's first byte in the file (NuGet: `Position`). */
  readonly position: number;
  /** 46 + name + extra + comment lengths (NuGet: `HeaderSize`). */
  readonly headerSize: number;
  readonly flags: number;
  readonly compressionMethod: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly diskNumberStart: number;
  readonly externalAttributes: number;
  /** Relative offset of the local header as stored (NuGet: `Offset`). */
  readonly localHeaderOffset: number;
  readonly rawName: Buffer;
  readonly extra: Buffer;
  /** The whole header as stored (a view, not a copy). */
  readonly raw: Buffer;
}

export interface LocalFileHeader {
  readonly flags: number;
  readonly compressionMethod: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly nameLength: number;
  readonly extraLength: number;
  readonly rawName: Buffer;
  readonly extra: Buffer;
}

/**
 * Finds the last EOCD signature in `tail` (the last bytes of the file, starting at `tailStart`),
 * as NuGet does: no check that the comment length fits.
 */
export function findEndOfCentralDirectory(
  tail: Buffer,
  tailStart: number,
): EndOfCentralDirectory | undefined {
  for (let i = tail.length - END_OF_CENTRAL_DIRECTORY_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== END_OF_CENTRAL_DIRECTORY_SIGNATURE) continue;
    return {
      position: tailStart + i,
      diskNumber: tail.readUInt16LE(i + 4),
      centralDirectoryDisk: tail.readUInt16LE(i + 6),
      entriesOnDisk: tail.readUInt16LE(i + 8),
      totalEntries: tail.readUInt16LE(i + 10),
      centralDirectorySize: tail.readUInt32LE(i + 12),
      centralDirectoryOffset: tail.readUInt32LE(i + 16),
      commentLength: tail.readUInt16LE(i + 20),
    };
  }
  return undefined;
}

/** Parses a local file header whose fixed part and name/extra are in `buffer` from 0. */
export function parseLocalFileHeader(buffer: Buffer): LocalFileHeader | undefined {
  if (buffer.length < LOCAL_FILE_HEADER_SIZE) return undefined;
  if (buffer.readUInt32LE(0) !== LOCAL_FILE_HEADER_SIGNATURE) return undefined;
  const nameLength = buffer.readUInt16LE(26);
  const extraLength = buffer.readUInt16LE(28);
  const nameEnd = LOCAL_FILE_HEADER_SIZE + nameLength;
  return {
    flags: buffer.readUInt16LE(6),
    compressionMethod: buffer.readUInt16LE(8),
    compressedSize: buffer.readUInt32LE(18),
    uncompressedSize: buffer.readUInt32LE(22),
    nameLength,
    extraLength,
    rawName: buffer.subarray(LOCAL_FILE_HEADER_SIZE, Math.min(nameEnd, buffer.length)),
    extra: buffer.subarray(
      Math.min(nameEnd, buffer.length),
      Math.min(nameEnd + extraLength, buffer.length),
    ),
  };
}

/**
 * True when an extra field (`bytes[start, end)`, by default all of `bytes`) contains a block with
 * the given header ID (§1.4 rules 2 and 3).
 */
export function hasExtraBlock(
  bytes: Buffer,
  headerId: number,
  start = 0,
  end = bytes.length,
): boolean {
  let i = start;
  while (i + 4 <= end) {
    if (bytes.readUInt16LE(i) === headerId) return true;
    i += 4 + bytes.readUInt16LE(i + 2);
  }
  return false;
}

/**
 * A header (central or local) that names the signature entry as NuGet's `IsSigned` demands: the
 * 14 bytes `.signature.p7s` exactly, with the UTF-8 flag clear.
 */
export function isSignatureRecord(record: { rawName: Buffer; flags: number }): boolean {
  return (record.flags & UTF8_FLAG) === 0 && record.rawName.equals(SIGNATURE_FILE_NAME);
}
