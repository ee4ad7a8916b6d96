import { createHash } from 'node:crypto';

/** Hash functions PKCS#12 files use for the MAC and the legacy PBE key derivation. */
export type Pkcs12Hash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/** Purpose byte of RFC 7292 Appendix B.3. */
export const KDF_PURPOSE = { key: 1, iv: 2, mac: 3 } as const;

const BLOCK_SIZE: Record<Pkcs12Hash, number> = {
  sha1: 64,
  sha224: 64,
  sha256: 64,
  sha384: 128,
  sha512: 128,
};

/**
 * The PKCS#12 password as the KDF takes it: big-endian UTF-16 with a two-byte terminator
 * (RFC 7292 Appendix B.1). OpenSSL maps an absent password to zero bytes instead; callers try
 * both when the password is empty.
 */
export function pkcs12Password(password: string): Buffer {
  const bytes = Buffer.alloc((password.length + 1) * 2);
  for (let i = 0; i < password.length; i++) bytes.writeUInt16BE(password.charCodeAt(i), i * 2);
  return bytes;
}

/** RFC 7292 Appendix B.2: derives `length` bytes for `purpose` from a password and salt. */
export function pkcs12Kdf(
  hash: Pkcs12Hash,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  purpose: number,
  length: number,
): Buffer {
  const v = BLOCK_SIZE[hash];
  const diversifier = Buffer.alloc(v, purpose);
  const stretch = (bytes: Uint8Array) => {
    const out = Buffer.alloc(v * Math.ceil(bytes.length / v));
    for (let i = 0; i < out.length; i++) out[i] = bytes[i % bytes.length] as number;
    return out;
  };
  // I = S || P, each repeated to a multiple of v bytes (empty stays empty).
  const input = Buffer.concat([stretch(salt), stretch(password)]);
  const output: Buffer[] = [];
  let produced = 0;
  while (produced < length) {
    let a = createHash(hash).update(diversifier).update(input).digest();
    for (let i = 1; i < iterations; i++) a = createHash(hash).update(a).digest();
    output.push(a);
    produced += a.length;
    if (produced >= length) break;
    // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block, with B = A repeated to v bytes.
    const b = stretch(a);
    for (let j = 0; j < input.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = (input[j + k] as number) + (b[k] as number) + carry;
        input[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(output).subarray(0, length);
}
