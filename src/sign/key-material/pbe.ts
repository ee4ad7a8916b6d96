import { createDecipheriv, pbkdf2Sync } from 'node:crypto';
import { child, children, integer, octets, oid } from '../../asn1/ber-fields.js';
import { StructureError, type AsnBlock } from '../../asn1/decode.js';
import { KDF_PURPOSE, pkcs12Kdf, type Pkcs12Hash } from './pkcs12-kdf.js';
import { rc2CbcDecrypt } from './rc2.js';

/**
 * Password-based decryption of PKCS#12 bags and PKCS#8 keys: PBES2 (PBKDF2 with AES or 3DES,
 * what current OpenSSL and .NET write) and the PKCS#12 PBE schemes of RFC 7292 Appendix C
 * (3DES and RC2, what Windows and older exports write).
 */

/** An algorithm we recognise but cannot use; the message names it for the user. */
export class UnsupportedAlgorithmError extends Error {}

/** The two forms of one password: PBES2 takes UTF-8, the PKCS#12 KDF takes BMPString. */
export interface PasswordForms {
  readonly utf8: Uint8Array;
  readonly bmp: Uint8Array;
}

/** Beyond this, a file is more likely hostile than careful; OpenSSL writes 2048, .NET 2000. */
const MAX_ITERATIONS = 10_000_000;

const PKCS12_PBE: Record<
  string,
  { name: string; keyLength: number; cipher?: string; rc2Bits?: number }
> = {
  '1.2.840.113549.1.12.1.1': { name: 'pbeWithSHAAnd128BitRC4', keyLength: 16 },
  '1.2.840.113549.1.12.1.2': { name: 'pbeWithSHAAnd40BitRC4', keyLength: 5 },
  '1.2.840.113549.1.12.1.3': {
    name: 'pbeWithSHAAnd3-KeyTripleDES-CBC',
    keyLength: 24,
    cipher: 'des-ede3-cbc',
  },
  '1.2.840.113549.1.12.1.4': {
    name: 'pbeWithSHAAnd2-KeyTripleDES-CBC',
    keyLength: 16,
    cipher: 'des-ede-cbc',
  },
  '1.2.840.113549.1.12.1.5': { name: 'pbeWithSHAAnd128BitRC2-CBC', keyLength: 16, rc2Bits: 128 },
  '1.2.840.113549.1.12.1.6': { name: 'pbeWithSHAAnd40BitRC2-CBC', keyLength: 5, rc2Bits: 40 },
};

const PBES2 = '1.2.840.113549.1.5.13';
const PBKDF2 = '1.2.840.113549.1.5.12';

const PBES2_CIPHERS: Record<string, { cipher: string; keyLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { cipher: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { cipher: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { cipher: 'aes-256-cbc', keyLength: 32 },
  '1.2.840.113549.3.7': { cipher: 'des-ede3-cbc', keyLength: 24 },
};

/** PBKDF2 pseudo-random functions (RFC 8018 Appendix B.1.2); HMAC-SHA1 is the default. */
export const HMAC_PRFS: Record<string, Pkcs12Hash> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};

const KNOWN_NAMES: Record<string, string> = {
  '1.2.840.113549.1.5.3': 'pbeWithMD5AndDES-CBC',
  '1.2.840.113549.1.5.10': 'pbeWithSHA1AndDES-CBC',
  '1.2.840.113549.3.2': 'RC2-CBC (in PBES2)',
  '1.3.14.3.2.7': 'DES-CBC',
};

function unsupported(algorithm: string): UnsupportedAlgorithmError {
  const name = KNOWN_NAMES[algorithm] ?? PKCS12_PBE[algorithm]?.name ?? 'an unknown algorithm';
  return new UnsupportedAlgorithmError(`${name} (${algorithm})`);
}

export function checkedIterations(block: AsnBlock | undefined, what: string): number {
  const count = integer(block, what);
  if (count < 1 || count > MAX_ITERATIONS) {
    throw new StructureError(`${what} ${count} is outside 1..${MAX_ITERATIONS}`);
  }
  return count;
}

/**
 * Decrypts `data` with the scheme named by the AlgorithmIdentifier `algorithm`. Returns undefined
 * when the padding is wrong, which means a wrong password (or, rarely, a corrupt file).
 */
export function decryptWithPassword(
  algorithm: AsnBlock,
  data: Uint8Array,
  password: PasswordForms,
): Buffer | undefined {
  const id = oid(child(algorithm, 0, 'encryption algorithm'), 'encryption algorithm');
  const parameters = children(algorithm, 'encryption algorithm')[1];
  if (id === PBES2) return decryptPbes2(parameters, data, password.utf8);
  const scheme = PKCS12_PBE[id];
  if (!scheme || (!scheme.cipher && !scheme.rc2Bits)) throw unsupported(id);

  const salt = octets(child(parameters, 0, 'PBE parameters'), 'PBE salt');
  const iterations = checkedIterations(
    child(parameters, 1, 'PBE parameters'),
    'PBE iteration count',
  );
  const key = pkcs12Kdf('sha1', password.bmp, salt, iterations, KDF_PURPOSE.key, scheme.keyLength);
  const iv = pkcs12Kdf('sha1', password.bmp, salt, iterations, KDF_PURPOSE.iv, 8);
  if (scheme.rc2Bits) return rc2CbcDecrypt(key, scheme.rc2Bits, iv, data);
  return nodeDecrypt(scheme.cipher as string, key, iv, data);
}

function decryptPbes2(
  parameters: AsnBlock | undefined,
  data: Uint8Array,
  password: Uint8Array,
): Buffer | undefined {
  const kdf = child(parameters, 0, 'PBES2 parameters');
  const scheme = child(parameters, 1, 'PBES2 parameters');
  const kdfId = oid(child(kdf, 0, 'PBES2 key derivation'), 'PBES2 key derivation');
  if (kdfId !== PBKDF2) throw unsupported(kdfId);
  const schemeId = oid(child(scheme, 0, 'PBES2 encryption scheme'), 'PBES2 encryption scheme');
  const cipher = PBES2_CIPHERS[schemeId];
  if (!cipher) throw unsupported(schemeId);

  const [saltBlock, iterationBlock, ...rest] = children(
    child(kdf, 1, 'PBKDF2 parameters'),
    'PBKDF2 parameters',
  );
  const salt = octets(saltBlock, 'PBKDF2 salt'); // the "otherSource" choice is reserved and unused
  const iterations = checkedIterations(iterationBlock, 'PBKDF2 iteration count');
  // Optional keyLength INTEGER, then optional prf AlgorithmIdentifier (a SEQUENCE).
  const keyLengthBlock = rest[0]?.idBlock.tagNumber === 2 ? rest.shift() : undefined;
  const keyLength = keyLengthBlock
    ? integer(keyLengthBlock, 'PBKDF2 key length')
    : cipher.keyLength;
  if (keyLength !== cipher.keyLength)
    throw new StructureError('PBKDF2 key length does not fit the cipher');
  const prfId = rest[0] ? oid(child(rest[0], 0, 'PBKDF2 PRF'), 'PBKDF2 PRF') : '1.2.840.113549.2.7';
  const prf = HMAC_PRFS[prfId];
  if (!prf) throw unsupported(prfId);

  const iv = octets(child(scheme, 1, 'PBES2 encryption scheme'), 'PBES2 IV');
  const key = pbkdf2Sync(password, salt, iterations, keyLength, prf);
  return nodeDecrypt(cipher.cipher, key, iv, data);
}

function nodeDecrypt(
  cipher: string,
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
): Buffer | undefined {
  try {
    const decipher = createDecipheriv(cipher, key, iv);
    return Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    return undefined; // "bad decrypt": the padding check failed
  }
}
