import * as zlib from 'node:zlib';

/**
 * CRC-32 as ZIP uses it (polynomial 0xEDB88320, initial 0xFFFFFFFF, final xor), for the signature
 * entry's headers (nuget-signing-spec.md §1.6). NuGet does not check it, but unzip tools do.
 *
 * Node ≥ 20.15 / 22.2 has `zlib.crc32`; older Node 20 releases fall back to a table.
 */
export function crc32(data: Uint8Array, previous = 0): number {
  // The typings always declare crc32; the runtime may predate it.
  const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
  return typeof native === 'function'
    ? native(data, previous) >>> 0
    : crc32Portable(data, previous);
}

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** The table implementation; exported so tests can compare it with zlib's. */
export function crc32Portable(data: Uint8Array, previous = 0): number {
  const t = crcTable();
  let c = (previous ^ 0xffffffff) >>> 0;
  for (const byte of data) c = (t[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
