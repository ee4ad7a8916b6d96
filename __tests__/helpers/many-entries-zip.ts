import { deflateRawSync } from 'node:zlib';
import { crc32 } from './crc32.js';

/**
 * Archives with hundreds of thousands of entries, written straight into one buffer (a million
 * entries take well under a second). Stored empty files named by their number in base 36; the
 * nuspec comes last in the central directory, so a reader looking for it walks every entry.
 */
export interface ManyEntriesSpec {
  /** Entries besides the nuspec and the signature. */
  readonly entries: number;
  /**
   * All of them point at the nuspec's local header (offset 0) instead of having their own: the
   * "overlapping entries" shape, a big directory over a tiny file.
   */
  readonly overlapping?: boolean;
  /** Bytes of `.signature.p7s`, appended as the last local entry and the last record. */
  readonly signature?: Buffer;
  /** Characters of each entry name (base-36 number, zero-padded); 4 keeps a million under 48 MiB. */
  readonly nameLength?: number;
}

const LOCAL = 30;
const CENTRAL = 46;
const XML = Buffer.from(
  '<?xml version="1.0" encoding="utf-8"?><package><metadata><id>Many.Entries</id><version>1.0.0</version></metadata></package>',
);

export function buildManyEntriesZip(spec: ManyEntriesSpec): Buffer {
  const nameLength = spec.nameLength ?? 4;
  const nuspecName = Buffer.from('Many.Entries.nuspec');
  const nuspecData = deflateRawSync(XML);
  const nuspecCrc = crc32(XML);
  const signatureName = Buffer.from('.signature.p7s');
  const signature = spec.signature;
  const own = spec.overlapping ? 0 : spec.entries;
  const records = spec.entries + 1 + (signature ? 1 : 0);
  const zip64 = records > 0xffff;

  const localSize =
    LOCAL +
    nuspecName.length +
    nuspecData.length +
    own * (LOCAL + nameLength) +
    (signature ? LOCAL + signatureName.length + signature.length : 0);
  const centralSize =
    spec.entries * (CENTRAL + nameLength) +
    CENTRAL +
    nuspecName.length +
    (signature ? CENTRAL + signatureName.length : 0);
  const bytes = Buffer.alloc(localSize + centralSize + (zip64 ? 56 + 20 : 0) + 22);
  let at = 0;

  const local = (name: Buffer, method: number, crc: number, size: number, stored: number) => {
    bytes.writeUInt32LE(0x04034b50, at);
    bytes.writeUInt16LE(20, at + 4);
    bytes.writeUInt16LE(method, at + 8);
    bytes.writeUInt32LE(crc, at + 14);
    bytes.writeUInt32LE(stored, at + 18);
    bytes.writeUInt32LE(size, at + 22);
    bytes.writeUInt16LE(name.length, at + 26);
    at += LOCAL;
    at += name.copy(bytes, at);
  };
  const central = (
    name: Buffer | string,
    method: number,
    crc: number,
    size: number,
    stored: number,
    offset: number,
  ) => {
    bytes.writeUInt32LE(0x02014b50, at);
    bytes.writeUInt16LE(20, at + 4);
    bytes.writeUInt16LE(20, at + 6);
    bytes.writeUInt16LE(method, at + 10);
    bytes.writeUInt32LE(crc, at + 16);
    bytes.writeUInt32LE(stored, at + 20);
    bytes.writeUInt32LE(size, at + 24);
    bytes.writeUInt16LE(name.length, at + 28);
    bytes.writeUInt32LE(offset, at + 42);
    at += CENTRAL;
    at += typeof name === 'string' ? bytes.write(name, at, 'latin1') : name.copy(bytes, at);
  };
  const entryName = (i: number) => i.toString(36).padStart(nameLength, '0').slice(-nameLength);

  // The nuspec first in the file (the overlapping entries point at it), last in the directory.
  local(nuspecName, 8, nuspecCrc, XML.length, nuspecData.length);
  at += nuspecData.copy(bytes, at);
  const firstOwn = at;
  for (let i = 0; i < own; i++) local(Buffer.from(entryName(i), 'latin1'), 0, 0, 0, 0);
  const signatureAt = at;
  if (signature) {
    local(signatureName, 0, crc32(signature), signature.length, signature.length);
    at += signature.copy(bytes, at);
  }

  const centralStart = at;
  for (let i = 0; i < spec.entries; i++) {
    if (spec.overlapping) central(entryName(i), 8, nuspecCrc, XML.length, nuspecData.length, 0);
    else central(entryName(i), 0, 0, 0, 0, firstOwn + i * (LOCAL + nameLength));
  }
  central(nuspecName, 8, nuspecCrc, XML.length, nuspecData.length, 0);
  if (signature) {
    const crc = crc32(signature);
    central(signatureName, 0, crc, signature.length, signature.length, signatureAt);
  }
  const centralEnd = at;

  if (zip64) {
    const recordAt = at;
    bytes.writeUInt32LE(0x06064b50, at);
    bytes.writeBigUInt64LE(44n, at + 4);
    bytes.writeUInt16LE(45, at + 12);
    bytes.writeUInt16LE(45, at + 14);
    bytes.writeBigUInt64LE(BigInt(records), at + 24);
    bytes.writeBigUInt64LE(BigInt(records), at + 32);
    bytes.writeBigUInt64LE(BigInt(centralEnd - centralStart), at + 40);
    bytes.writeBigUInt64LE(BigInt(centralStart), at + 48);
    at += 56;
    bytes.writeUInt32LE(0x07064b50, at);
    bytes.writeBigUInt64LE(BigInt(recordAt), at + 8);
    bytes.writeUInt32LE(1, at + 16);
    at += 20;
  }
  bytes.writeUInt32LE(0x06054b50, at);
  bytes.writeUInt16LE(zip64 ? 0xffff : records, at + 8);
  bytes.writeUInt16LE(zip64 ? 0xffff : records, at + 10);
  bytes.writeUInt32LE(centralEnd - centralStart, at + 12);
  bytes.writeUInt32LE(zip64 ? 0xffffffff : centralStart, at + 16);
  at += 22;
  if (at !== bytes.length) throw new Error(`built ${at} bytes, planned ${bytes.length}`);
  return bytes;
}
