/**
 * Rewrites the `.signature.p7s` entry of a signed package, for differential tests: its local
 * header fields, its local entry's bytes, or the signature itself. Works on packages whose
 * signature entry is the last local entry (what every signer writes, spec §1.3); independent of
 * the product's zip code.
 */
import { crc32 } from './crc32.js';

const EOCD = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const SIGNATURE_NAME = Buffer.from('.signature.p7s', 'ascii');

/** The signature's local entry, split into the parts a mutation edits. */
export interface LocalEntryParts {
  /** The 30 fixed bytes of the local header (a copy: edit freely). */
  fixed: Buffer;
  name: Buffer;
  extra: Buffer;
  data: Buffer;
  /** Bytes after the data up to the central directory (a data descriptor, say); empty at first. */
  trailer: Buffer;
}

export interface SignedArchive {
  readonly bytes: Buffer;
  /** Offsets of the signature's local header and of its central directory record. */
  readonly localHeader: number;
  readonly centralRecord: number;
  readonly centralDirectory: number;
  readonly endRecord: number;
  readonly entry: LocalEntryParts;
}

export function readSignedArchive(bytes: Buffer): SignedArchive {
  const endRecord = bytes.lastIndexOf(EOCD);
  if (endRecord < 0) throw new Error('no end of central directory record');
  const centralDirectory = bytes.readUInt32LE(endRecord + 16);
  let centralRecord = -1;
  for (let at = centralDirectory; at < endRecord && bytes.readUInt32LE(at) === 0x02014b50;) {
    const nameLength = bytes.readUInt16LE(at + 28);
    if (bytes.subarray(at + 46, at + 46 + nameLength).equals(SIGNATURE_NAME)) centralRecord = at;
    at += 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  if (centralRecord < 0) throw new Error('the package has no signature entry');
  const localHeader = bytes.readUInt32LE(centralRecord + 42);
  const nameLength = bytes.readUInt16LE(localHeader + 26);
  const extraLength = bytes.readUInt16LE(localHeader + 28);
  const dataStart = localHeader + 30 + nameLength + extraLength;
  const dataEnd = dataStart + bytes.readUInt32LE(localHeader + 22);
  if (dataEnd !== centralDirectory) throw new Error('the signature is not the last local entry');
  return {
    bytes,
    localHeader,
    centralRecord,
    centralDirectory,
    endRecord,
    entry: {
      fixed: Buffer.from(bytes.subarray(localHeader, localHeader + 30)),
      name: Buffer.from(bytes.subarray(localHeader + 30, localHeader + 30 + nameLength)),
      extra: Buffer.from(bytes.subarray(localHeader + 30 + nameLength, dataStart)),
      data: Buffer.from(bytes.subarray(dataStart, dataEnd)),
      trailer: Buffer.alloc(0),
    },
  };
}

/**
 * The package with the signature's local entry rebuilt from `parts` as given (fields not fixed
 * up: a mutation may make them lie). The central directory follows it, the end record's offset
 * is moved to match; the central directory record is left as it was.
 */
export function withLocalEntry(archive: SignedArchive, parts: LocalEntryParts): Buffer {
  const local = Buffer.concat([parts.fixed, parts.name, parts.extra, parts.data, parts.trailer]);
  const out = Buffer.concat([
    archive.bytes.subarray(0, archive.localHeader),
    local,
    archive.bytes.subarray(archive.centralDirectory),
  ]);
  const shift = archive.localHeader + local.length - archive.centralDirectory;
  const endRecord = archive.endRecord + shift;
  out.writeUInt32LE(archive.centralDirectory + shift, endRecord + 16);
  return out;
}

/** The package with another signature, every size and CRC of its entry kept consistent. */
export function withSignature(archive: SignedArchive, signature: Buffer): Buffer {
  const fixed = Buffer.from(archive.entry.fixed);
  const crc = crc32(signature);
  fixed.writeUInt32LE(crc, 14);
  fixed.writeUInt32LE(signature.length, 18);
  fixed.writeUInt32LE(signature.length, 22);
  const out = withLocalEntry(archive, { ...archive.entry, fixed, data: signature });
  const shift = signature.length - archive.entry.data.length;
  const record = archive.centralRecord + shift;
  out.writeUInt32LE(crc, record + 16);
  out.writeUInt32LE(signature.length, record + 20);
  out.writeUInt32LE(signature.length, record + 24);
  return out;
}
