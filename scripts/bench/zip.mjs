// A streaming writer of stored (uncompressed) zip archives for the benchmarks: large entries are
// written chunk by chunk from a reused random block, so a 1 GiB package never sits in memory.
// CRCs are computed (NuGet does not check them, but other readers do).
import { closeSync, openSync, writeSync } from 'node:fs';
import { crc32 } from './crc32.mjs';

const CHUNK = 8 * 1024 * 1024;

/**
 * entries: { name, data: Buffer } or { name, size, block: Buffer, salt: number } (content is
 * `block` repeated, each chunk with its first 8 bytes replaced by salt and chunk index).
 */
export function writeZip(path, entries) {
  const fd = openSync(path, 'w');
  let offset = 0;
  const write = (buffer) => {
    writeSync(fd, buffer, 0, buffer.length, offset);
    offset += buffer.length;
  };
  const central = [];
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const chunks = entry.data ? [() => entry.data] : chunker(entry);
    // CRC and size first (one pass over generated data, cheap next to the I/O).
    let crc = 0;
    let size = 0;
    for (const next of chunks) {
      const chunk = next();
      crc = crc32(chunk, crc);
      size += chunk.length;
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(0x5a8c6000, 10);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(size, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const at = offset;
    write(Buffer.concat([local, name]));
    for (const next of chunks) write(next());
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt32LE(0x5a8c6000, 12);
    header.writeUInt32LE(crc >>> 0, 16);
    header.writeUInt32LE(size, 20);
    header.writeUInt32LE(size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(at, 42);
    central.push(Buffer.concat([header, name]));
  }
  const cdStart = offset;
  for (const header of central) write(header);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(central.length, 8);
  end.writeUInt16LE(central.length, 10);
  end.writeUInt32LE(offset - cdStart, 12);
  end.writeUInt32LE(cdStart, 16);
  write(end);
  closeSync(fd);
  return offset;
}

function chunker({ size, block, salt }) {
  const count = Math.ceil(size / CHUNK);
  return Array.from({ length: count }, (_, i) => () => {
    const length = Math.min(CHUNK, size - i * CHUNK);
    const chunk = block.subarray(0, length);
    chunk.writeUInt32LE(salt, 0);
    chunk.writeUInt32LE(i, 4);
    return chunk;
  });
}
