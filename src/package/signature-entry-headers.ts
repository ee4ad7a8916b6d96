import { crc32 } from './crc32.js';
import { SIGNATURE_FILE_NAME } from './zip-format.js';

/**
 * The bytes signing adds to a package (nuget-signing-spec.md §1.6): the signature's 44-byte local
 * header, its 60-byte CD header, and the end record with counts, size and offset bumped.
 */

export interface SignatureEntryHeaders {
  readonly localHeader: Buffer;
  readonly centralDirectoryHeader: Buffer;
}

/** The local header (44 bytes) and CD header (60 bytes) of the signature entry, per §1.6. */
export function signatureEntryHeaders(
  signature: Uint8Array,
  dosTime: number,
  localHeaderOffset: number,
): SignatureEntryHeaders {
  const crc = crc32(signature);
  const size = signature.length;
  const localHeader = Buffer.alloc(30 + SIGNATURE_FILE_NAME.length);
  localHeader.writeUInt32LE(0x04034b50, 0);
  localHeader.writeUInt16LE(20, 4); // version needed 2.0; flags and method stay 0
  localHeader.writeUInt32LE(dosTime, 10);
  localHeader.writeUInt32LE(crc, 14);
  localHeader.writeUInt32LE(size, 18);
  localHeader.writeUInt32LE(size, 22);
  localHeader.writeUInt16LE(SIGNATURE_FILE_NAME.length, 26);
  SIGNATURE_FILE_NAME.copy(localHeader, 30);

  const centralDirectoryHeader = Buffer.alloc(46 + SIGNATURE_FILE_NAME.length);
  centralDirectoryHeader.writeUInt32LE(0x02014b50, 0);
  centralDirectoryHeader.writeUInt16LE(20, 4); // made by MS-DOS, 2.0
  centralDirectoryHeader.writeUInt16LE(20, 6);
  centralDirectoryHeader.writeUInt32LE(dosTime, 12);
  centralDirectoryHeader.writeUInt32LE(crc, 16);
  centralDirectoryHeader.writeUInt32LE(size, 20);
  centralDirectoryHeader.writeUInt32LE(size, 24);
  centralDirectoryHeader.writeUInt16LE(SIGNATURE_FILE_NAME.length, 28);
  centralDirectoryHeader.writeUInt32LE(localHeaderOffset >>> 0, 42);
  SIGNATURE_FILE_NAME.copy(centralDirectoryHeader, 46);
  return { localHeader, centralDirectoryHeader };
}

/** The EOCD after adding an entry of `signatureLength` bytes; 16/32-bit wrapping as NuGet's. */
export function bumpEndRecord(endRecord: Buffer, signatureLength: number): Buffer {
  const bumped = Buffer.from(endRecord);
  bumped.writeUInt16LE((endRecord.readUInt16LE(8) + 1) & 0xffff, 8);
  bumped.writeUInt16LE((endRecord.readUInt16LE(10) + 1) & 0xffff, 10);
  bumped.writeUInt32LE((endRecord.readUInt32LE(12) + 46 + SIGNATURE_FILE_NAME.length) >>> 0, 12);
  const entryLength = 30 + SIGNATURE_FILE_NAME.length + signatureLength;
  bumped.writeUInt32LE((endRecord.readUInt32LE(16) + entryLength) >>> 0, 16);
  return bumped;
}

/**
 * DOS date/time as ZIP stores it (§1.6), from the local-time fields of `date`. Dates outside the
 * representable 1980–2107 are clamped rather than wrapped into a misleading date.
 */
export function dosDateTime(date: Date): number {
  const year = date.getFullYear();
  if (year < 1980) return (1 << 21) | (1 << 16); // 1980-01-01 00:00:00
  if (year > 2107) return dosDateTime(new Date(2107, 11, 31, 23, 59, 58));
  return (
    (((year - 1980) << 25) |
      ((date.getMonth() + 1) << 21) |
      (date.getDate() << 16) |
      (date.getHours() << 11) |
      (date.getMinutes() << 5) |
      (date.getSeconds() >> 1)) >>>
    0
  );
}
