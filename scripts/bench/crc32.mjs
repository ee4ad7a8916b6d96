// CRC-32 (zlib polynomial), table-driven; zlib.crc32 needs Node 22.
const TABLE = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

/** CRC-32 of `buffer`, continuing from `previous` (0 to start). */
export function crc32(buffer, previous = 0) {
  let crc = ~previous;
  for (let i = 0; i < buffer.length; i++) crc = TABLE[(crc ^ buffer[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}
