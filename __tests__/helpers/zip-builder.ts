import { deflateRawSync } from 'node:zlib';
import { crc32 } from './crc32.js';

/**
 * Builds zip archives byte by byte, so tests can make exactly the structures NuGet's quirks are
 * about: data descriptors, Zip64 records, prefix bytes, comments, entries in any order, signature
 * entries with any header values.
 */
export interface ZipEntrySpec {
  name: string | Buffer;
  data: Buffer;
  method?: 0 | 8;
  /** General-purpose flags; bit 3 adds a data descriptor, bit 11 marks a UTF-8 name. */
  flags?: number;
  externalAttributes?: number;
  localExtra?: Buffer;
  centralExtra?: Buffer;
  /** Override the local header's sizes (to make them disagree with the data). */
  localSizes?: { compressed: number; uncompressed: number };
  /** Override the central directory's sizes. */
  centralSizes?: { compressed: number; uncompressed: number };
  /** Override the local header's compression method field only. */
  localMethod?: number;
}

export interface ZipSpec {
  entries: ZipEntrySpec[];
  /** Bytes written before the first local header. */
  prefix?: Buffer;
  comment?: Buffer;
  /** Write a Zip64 end record and locator before the classic end record. */
  zip64EndRecord?: boolean;
  /** Bytes after the end record. */
  trailing?: Buffer;
  /** Order of central directory records, as indexes into `entries` (default: same order). */
  centralOrder?: number[];
  /** Override the end record's total entry counts. */
  declaredEntries?: number;
}

const DOS_TIME = 0x5a8c6000; // a fixed 2025 date, so builds are reproducible

export function buildZip(spec: ZipSpec): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  const push = (b: Buffer) => {
    parts.push(b);
    offset += b.length;
  };
  if (spec.prefix) push(spec.prefix);

  const central: Buffer[] = spec.entries.map((entry) => {
    const name = typeof entry.name === 'string' ? Buffer.from(entry.name, 'utf8') : entry.name;
    const method = entry.method ?? 0;
    const flags = entry.flags ?? 0;
    const stored = method === 8 ? deflateRawSync(entry.data) : entry.data;
    const crc = crc32(entry.data);
    const localExtra = entry.localExtra ?? Buffer.alloc(0);
    const descriptor = (flags & 0x08) !== 0;
    const localSizes = entry.localSizes ?? {
      compressed: stored.length,
      uncompressed: entry.data.length,
    };
    const centralSizes = entry.centralSizes ?? {
      compressed: stored.length,
      uncompressed: entry.data.length,
    };
    const localOffset = offset;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(entry.localMethod ?? method, 8);
    local.writeUInt32LE(DOS_TIME, 10);
    local.writeUInt32LE(descriptor ? 0 : crc, 14);
    local.writeUInt32LE(descriptor ? 0 : localSizes.compressed, 18);
    local.writeUInt32LE(descriptor ? 0 : localSizes.uncompressed, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(localExtra.length, 28);
    push(Buffer.concat([local, name, localExtra, stored]));
    if (descriptor) {
      const dd = Buffer.alloc(16);
      dd.writeUInt32LE(0x08074b50, 0);
      dd.writeUInt32LE(crc, 4);
      dd.writeUInt32LE(stored.length, 8);
      dd.writeUInt32LE(entry.data.length, 12);
      push(dd);
    }

    const centralExtra = entry.centralExtra ?? Buffer.alloc(0);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(flags, 8);
    header.writeUInt16LE(method, 10);
    header.writeUInt32LE(DOS_TIME, 12);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(centralSizes.compressed, 20);
    header.writeUInt32LE(centralSizes.uncompressed, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt16LE(centralExtra.length, 30);
    header.writeUInt32LE(entry.externalAttributes ?? 0, 38);
    header.writeUInt32LE(localOffset, 42);
    return Buffer.concat([header, name, centralExtra]);
  });

  const order = spec.centralOrder ?? central.map((_, i) => i);
  const centralStart = offset;
  for (const i of order) push(central[i] as Buffer);
  const centralSize = offset - centralStart;
  const count = spec.declaredEntries ?? spec.entries.length;

  if (spec.zip64EndRecord) {
    const zip64Start = offset;
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(count), 24);
    record.writeBigUInt64LE(BigInt(count), 32);
    record.writeBigUInt64LE(BigInt(centralSize), 40);
    record.writeBigUInt64LE(BigInt(centralStart), 48);
    push(record);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(zip64Start), 8);
    locator.writeUInt32LE(1, 16);
    push(locator);
  }

  const comment = spec.comment ?? Buffer.alloc(0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count & 0xffff, 8);
  end.writeUInt16LE(count & 0xffff, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(centralStart, 16);
  end.writeUInt16LE(comment.length, 20);
  push(Buffer.concat([end, comment]));
  if (spec.trailing) push(spec.trailing);
  return Buffer.concat(parts);
}

/** A minimal nuspec, so the archive is a package NuGet would open. */
export function nuspecEntry(id = 'Test.Package', version = '1.0.0'): ZipEntrySpec {
  const xml = `<?xml version="1.0" encoding="utf-8"?>\n<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">\n  <metadata>\n    <id>${id}</id>\n    <version>${version}</version>\n    <authors>test</authors>\n    <description>test</description>\n  </metadata>\n</package>\n`;
  return { name: `${id}.nuspec`, data: Buffer.from(xml), method: 8 };
}

/**
 * Appends `.signature.p7s` exactly as the reference signer does (spec §1.6): local entry after the
 * last local entry, its central header after the last one, end record bumped. Independent of the
 * product's writer, so tests of the hash do not check the writer against itself.
 */
export function appendSignatureEntry(unsigned: Buffer, signature: Buffer): Buffer {
  const eocdAt = unsigned.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const cdOffset = unsigned.readUInt32LE(eocdAt + 16);
  const cdSize = unsigned.readUInt32LE(eocdAt + 12);
  const name = Buffer.from('.signature.p7s', 'ascii');
  const crc = crc32(signature);

  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(DOS_TIME, 10);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(signature.length, 18);
  local.writeUInt32LE(signature.length, 22);
  local.writeUInt16LE(name.length, 26);

  const header = Buffer.alloc(46);
  header.writeUInt32LE(0x02014b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(20, 6);
  header.writeUInt32LE(DOS_TIME, 12);
  header.writeUInt32LE(crc, 16);
  header.writeUInt32LE(signature.length, 20);
  header.writeUInt32LE(signature.length, 24);
  header.writeUInt16LE(name.length, 28);
  header.writeUInt32LE(cdOffset, 42);

  const end = Buffer.from(unsigned.subarray(eocdAt));
  end.writeUInt16LE((end.readUInt16LE(8) + 1) & 0xffff, 8);
  end.writeUInt16LE((end.readUInt16LE(10) + 1) & 0xffff, 10);
  end.writeUInt32LE(cdSize + 60, 12);
  end.writeUInt32LE(cdOffset + 44 + signature.length, 16);
  return Buffer.concat([
    unsigned.subarray(0, cdOffset),
    local,
    name,
    signature,
    unsigned.subarray(cdOffset, eocdAt),
    header,
    name,
    end,
  ]);
}
