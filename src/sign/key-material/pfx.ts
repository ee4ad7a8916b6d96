import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  child,
  children,
  decodeRequired,
  encoded,
  explicit,
  octets,
  oid,
} from '../../asn1/ber-fields.js';
import { StructureError, type AsnBlock } from '../../asn1/decode.js';
import { readHeader } from '../../asn1/der-reader.js';
import { TAG } from '../../asn1/tags.js';
import {
  checkedIterations,
  decryptWithPassword,
  UnsupportedAlgorithmError,
  type PasswordForms,
} from './pbe.js';
import { KDF_PURPOSE, pkcs12Kdf, pkcs12Password, type Pkcs12Hash } from './pkcs12-kdf.js';

/**
 * Reads a PKCS#12 (PFX) file in password integrity and password privacy modes (RFC 7292 §4):
 * verifies the MAC, decrypts encrypted SafeContents and shrouded key bags, and returns the private
 * keys (PKCS#8 DER) and certificates (DER) it holds.
 */

/** The password does not open the file (MAC mismatch, or no MAC and decryption fails). */
export class WrongPasswordError extends Error {}

/**
 * What is visibly wrong with bytes given as a PFX before any parsing, for a message that says so:
 * nothing, PEM text (a key or certificate given as the PFX), or a DER SEQUENCE whose declared
 * length runs past the end of the file (a truncated copy or download).
 */
export function pfxShapeProblem(
  bytes: Uint8Array,
): 'empty' | 'pem' | { truncated: { declared: number; actual: number } } | undefined {
  if (bytes.length === 0) return 'empty';
  const head = Buffer.from(bytes.subarray(0, 64)).toString('latin1');
  if (/^(\xEF\xBB\xBF)?\s*-----BEGIN /.test(head)) return 'pem';
  if (bytes[0] !== TAG.sequence || bytes.length < 2) return undefined;
  // A BER indefinite length declares no size to compare; the decoder judges such files.
  const header = readHeader(bytes, 0, bytes.length, 'der');
  if (typeof header === 'string') return undefined;
  const declared = header.start + (header.length as number);
  return declared > bytes.length ? { truncated: { declared, actual: bytes.length } } : undefined;
}

export interface Pkcs12Contents {
  /** PKCS#8 PrivateKeyInfo DER, in file order. The caller should wipe them after use. */
  readonly privateKeys: Buffer[];
  /** X.509 certificates as stored, in file order. */
  readonly certificates: Uint8Array[];
}

const OIDS = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  envelopedData: '1.2.840.113549.1.7.3',
  signedData: '1.2.840.113549.1.7.2',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  pbmac1: '1.2.840.113549.1.5.14',
} as const;

const MAC_HASHES: Record<string, Pkcs12Hash> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** Nested SafeContents bags deeper than this are refused (real files use none). */
const MAX_NESTING = 4;

export function readPkcs12(pfx: Uint8Array, password: string): Pkcs12Contents {
  const root = decodeRequired(pfx, 'the PFX');
  const [version, authSafe, macData] = children(root, 'PFX');
  if (!version || !authSafe) throw new StructureError('PFX is incomplete');
  const authSafeType = oid(child(authSafe, 0, 'authSafe'), 'authSafe content type');
  if (authSafeType === OIDS.signedData) {
    throw new UnsupportedAlgorithmError('public-key integrity mode (signedData authSafe)');
  }
  if (authSafeType !== OIDS.data) throw new StructureError('authSafe is not a data ContentInfo');
  const authSafeBytes = octets(
    explicit(child(authSafe, 1, 'authSafe'), 0, 'authSafe content'),
    'authSafe content',
  );

  const candidates = passwordCandidates(password);
  const forms = macData ? [verifyMac(macData, authSafeBytes, candidates)] : candidates;
  // Without a MAC the password is only tested by decryption; try each form until one decrypts.
  let lastError: unknown;
  for (const form of forms) {
    try {
      return readAuthenticatedSafe(authSafeBytes, form, macData !== undefined);
    } catch (error) {
      if (!(error instanceof WrongPasswordError)) throw error;
      lastError = error;
    }
  }
  throw lastError instanceof Error ? lastError : new WrongPasswordError();
}

/** OpenSSL treats an empty password as either "" (two zero bytes) or absent (no bytes). */
function passwordCandidates(password: string): PasswordForms[] {
  const utf8 = Buffer.from(password, 'utf8');
  const forms: PasswordForms[] = [{ utf8, bmp: pkcs12Password(password) }];
  if (password === '') forms.push({ utf8, bmp: Buffer.alloc(0) });
  return forms;
}

/** MacData (RFC 7292 §4): HMAC over the authSafe content with a key from the PKCS#12 KDF. */
function verifyMac(
  macData: AsnBlock,
  content: Uint8Array,
  candidates: PasswordForms[],
): PasswordForms {
  const [digestInfo, saltBlock, iterationBlock] = children(macData, 'MacData');
  const algorithm = oid(
    child(child(digestInfo, 0, 'MAC algorithm'), 0, 'MAC algorithm'),
    'MAC algorithm',
  );
  if (algorithm === OIDS.pbmac1) throw new UnsupportedAlgorithmError(`PBMAC1 (${algorithm})`);
  const hash = MAC_HASHES[algorithm];
  if (!hash) throw new UnsupportedAlgorithmError(`MAC digest ${algorithm}`);
  const expected = octets(child(digestInfo, 1, 'MAC'), 'MAC value');
  const salt = octets(saltBlock, 'MAC salt');
  const iterations = iterationBlock ? checkedIterations(iterationBlock, 'MAC iteration count') : 1;
  for (const candidate of candidates) {
    const key = pkcs12Kdf(hash, candidate.bmp, salt, iterations, KDF_PURPOSE.mac, expected.length);
    const actual = createHmac(hash, key).update(content).digest();
    if (actual.length === expected.length && timingSafeEqual(actual, expected)) return candidate;
  }
  throw new WrongPasswordError();
}

function readAuthenticatedSafe(
  bytes: Uint8Array,
  password: PasswordForms,
  macVerified: boolean,
): Pkcs12Contents {
  const contents: Pkcs12Contents = { privateKeys: [], certificates: [] };
  for (const info of children(
    decodeRequired(bytes, 'the AuthenticatedSafe'),
    'AuthenticatedSafe',
  )) {
    const type = oid(child(info, 0, 'ContentInfo'), 'ContentInfo type');
    const content = explicit(child(info, 1, 'ContentInfo'), 0, 'ContentInfo content');
    if (type === OIDS.data) {
      readSafeContents(octets(content, 'SafeContents'), password, contents, 0, macVerified);
    } else if (type === OIDS.encryptedData) {
      const encryptedContentInfo = child(content, 1, 'EncryptedData');
      const [, algorithm, encrypted] = children(encryptedContentInfo, 'EncryptedContentInfo');
      if (!algorithm || !encrypted) continue; // no encrypted content: nothing stored
      const plain = decrypt(algorithm, octets(encrypted, 'encrypted content'));
      readSafeContents(plain, password, contents, 0, macVerified);
    } else if (type === OIDS.envelopedData) {
      throw new UnsupportedAlgorithmError('public-key privacy mode (envelopedData)');
    }
  }
  return contents;

  function decrypt(algorithm: AsnBlock, data: Uint8Array): Buffer {
    const plain = decryptWithPassword(algorithm, data, password);
    if (!plain) throw new WrongPasswordError();
    return plain;
  }
}

function readSafeContents(
  bytes: Uint8Array,
  password: PasswordForms,
  contents: Pkcs12Contents,
  depth: number,
  macVerified: boolean,
): void {
  let safeContents: AsnBlock[];
  try {
    safeContents = children(decodeRequired(bytes, 'the SafeContents'), 'SafeContents');
  } catch (error) {
    // Without a MAC, a wrong password can decrypt to garbage with valid-looking padding.
    if (!macVerified && error instanceof StructureError) throw new WrongPasswordError();
    throw error;
  }
  for (const bag of safeContents) {
    const bagId = oid(child(bag, 0, 'SafeBag'), 'SafeBag type');
    const value = explicit(child(bag, 1, 'SafeBag'), 0, 'SafeBag value');
    if (bagId === OIDS.keyBag) {
      contents.privateKeys.push(Buffer.from(encoded(value)));
    } else if (bagId === OIDS.shroudedKeyBag) {
      const algorithm = child(value, 0, 'EncryptedPrivateKeyInfo');
      const encrypted = octets(child(value, 1, 'EncryptedPrivateKeyInfo'), 'encrypted key');
      const plain = decryptWithPassword(algorithm, encrypted, password);
      if (!plain) throw new WrongPasswordError();
      contents.privateKeys.push(plain);
    } else if (bagId === OIDS.certBag) {
      if (oid(child(value, 0, 'CertBag'), 'CertBag type') !== OIDS.x509Certificate) continue;
      contents.certificates.push(
        octets(explicit(child(value, 1, 'CertBag'), 0, 'CertBag value'), 'certificate'),
      );
    } else if (bagId === OIDS.safeContentsBag) {
      if (depth >= MAX_NESTING) throw new StructureError('SafeContents are nested too deeply');
      readSafeContents(encoded(value), password, contents, depth + 1, macVerified);
    }
    // CRL and secret bags carry nothing signing needs.
  }
}
