/**
 * RC2 block cipher (RFC 2268), decryption in CBC mode. Only needed for PKCS#12 files that encrypt
 * their certificates with pbeWithSHAAnd40BitRC2-CBC, which Windows and older .NET exports still
 * produce; OpenSSL 3 (and so Node) only offers RC2 with the legacy provider loaded.
 */

/** PITABLE of RFC 2268 §2: a permutation of 0..255 derived from the digits of pi. */
const PITABLE = Buffer.from(
  'd978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2' +
    '179a59f587b34f1361456d8d09817d32bd8f40eb86b77b0bf09521225c6b4e82' +
    '54d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626' +
    '6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed7' +
    '08e8eade8052eef784aa72ac354d6a2a961ad2715a1549744b9fd05e0418a4ec' +
    'c2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731' +
    '2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a9' +
    '0d38341bab33ffb0bb480c5fb9b1cd2ec5f3db47e5a59c770aa62068fe7fc1ad',
  'hex',
);

/** Key expansion (RFC 2268 §2): 64 16-bit subkeys from the key and the effective key bits. */
export function expandKey(key: Uint8Array, effectiveBits: number): Uint16Array {
  if (key.length < 1 || key.length > 128) throw new RangeError('RC2 keys are 1 to 128 bytes');
  const l = new Uint8Array(128);
  l.set(key);
  const t = key.length;
  const t8 = Math.ceil(effectiveBits / 8);
  const tm = 0xff >> (8 * t8 - effectiveBits);
  for (let i = t; i < 128; i++)
    l[i] = PITABLE[((l[i - 1] as number) + (l[i - t] as number)) & 0xff] as number;
  l[128 - t8] = PITABLE[(l[128 - t8] as number) & tm] as number;
  for (let i = 127 - t8; i >= 0; i--)
    l[i] = PITABLE[(l[i + 1] as number) ^ (l[i + t8] as number)] as number;
  const k = new Uint16Array(64);
  for (let i = 0; i < 64; i++) k[i] = (l[2 * i] as number) | ((l[2 * i + 1] as number) << 8);
  return k;
}

const SHIFTS = [1, 2, 3, 5] as const;

function words(block: Uint8Array, offset: number): number[] {
  return [0, 2, 4, 6].map(
    (i) => (block[offset + i] as number) | ((block[offset + i + 1] as number) << 8),
  );
}

function writeWords(r: number[], out: Uint8Array, offset: number): void {
  r.forEach((word, i) => {
    out[offset + 2 * i] = word & 0xff;
    out[offset + 2 * i + 1] = (word >> 8) & 0xff;
  });
}

/** Encrypts one 8-byte block (RFC 2268 §3): 5 mixing, mash, 6 mixing, mash, 5 mixing rounds. */
export function encryptBlock(
  k: Uint16Array,
  input: Uint8Array,
  output: Uint8Array,
  offset = 0,
): void {
  const r = words(input, offset);
  let j = 0;
  const mix = () => {
    for (let i = 0; i < 4; i++) {
      const r1 = r[(i + 3) % 4] as number;
      const r2 = r[(i + 2) % 4] as number;
      const r3 = r[(i + 1) % 4] as number;
      const sum = ((r[i] as number) + (k[j++] as number) + (r1 & r2) + (~r1 & r3)) & 0xffff;
      const s = SHIFTS[i] as number;
      r[i] = ((sum << s) | (sum >> (16 - s))) & 0xffff;
    }
  };
  const mash = () => {
    for (let i = 0; i < 4; i++)
      r[i] = ((r[i] as number) + (k[(r[(i + 3) % 4] as number) & 63] as number)) & 0xffff;
  };
  for (const round of [5, -1, 6, -1, 5]) {
    if (round < 0) mash();
    else for (let n = 0; n < round; n++) mix();
  }
  writeWords(r, output, offset);
}

/** Decrypts one 8-byte block (RFC 2268 §4): the rounds of §3 inverted, in reverse order. */
export function decryptBlock(
  k: Uint16Array,
  input: Uint8Array,
  output: Uint8Array,
  offset = 0,
): void {
  const r = words(input, offset);
  let j = 63;
  const reverseMix = () => {
    for (let i = 3; i >= 0; i--) {
      const s = SHIFTS[i] as number;
      const value = r[i] as number;
      const rotated = ((value >> s) | (value << (16 - s))) & 0xffff;
      const r1 = r[(i + 3) % 4] as number;
      const r2 = r[(i + 2) % 4] as number;
      const r3 = r[(i + 1) % 4] as number;
      r[i] = (rotated - (k[j--] as number) - (r1 & r2) - (~r1 & r3)) & 0xffff;
    }
  };
  const reverseMash = () => {
    for (let i = 3; i >= 0; i--)
      r[i] = ((r[i] as number) - (k[(r[(i + 3) % 4] as number) & 63] as number)) & 0xffff;
  };
  for (const round of [5, -1, 6, -1, 5]) {
    if (round < 0) reverseMash();
    else for (let n = 0; n < round; n++) reverseMix();
  }
  writeWords(r, output, offset);
}

/**
 * RC2-CBC decryption with PKCS#7 padding removed. Returns undefined when the padding is invalid,
 * which with a password-derived key almost always means a wrong password.
 */
export function rc2CbcDecrypt(
  key: Uint8Array,
  effectiveBits: number,
  iv: Uint8Array,
  data: Uint8Array,
): Buffer | undefined {
  if (data.length === 0 || data.length % 8 !== 0 || iv.length !== 8) return undefined;
  const k = expandKey(key, effectiveBits);
  const out = Buffer.alloc(data.length);
  let previous = iv;
  for (let offset = 0; offset < data.length; offset += 8) {
    decryptBlock(k, data, out, offset);
    for (let i = 0; i < 8; i++)
      out[offset + i] = (out[offset + i] as number) ^ (previous[i] as number);
    previous = data.subarray(offset, offset + 8);
  }
  const pad = out[out.length - 1] as number;
  if (pad < 1 || pad > 8) return undefined;
  for (let i = out.length - pad; i < out.length; i++) if (out[i] !== pad) return undefined;
  return out.subarray(0, out.length - pad);
}
