import { createPrivateKey, type KeyObject } from 'node:crypto';
import { child, decodeRequired, octets } from '../../asn1/ber-fields.js';
import { StructureError } from '../../asn1/decode.js';
import { decryptWithPassword, UnsupportedAlgorithmError } from './pbe.js';
import { pkcs12Password } from './pkcs12-kdf.js';
import { isCertificateBlock, readPemBlocks } from '../../trust/pem.js';

/**
 * The certificates of a signing chain given as PEM. Decoded leniently (as before the PEM readers
 * were merged): a damaged block surfaces as a certificate that does not parse, with its own error.
 */
export function pemCertificates(text: string): Buffer[] {
  return readPemBlocks(text)
    .filter(isCertificateBlock)
    .map((block) => Buffer.from(block.base64, 'base64'));
}

/** Why a PEM private key could not be loaded; the caller words the user-facing error. */
export type PemKeyProblem = 'none' | 'needs-password' | 'wrong-password' | 'invalid';

export class PemKeyError extends Error {
  constructor(readonly problem: PemKeyProblem) {
    super(problem);
  }
}

/**
 * Loads the first private key block: PKCS#8 (`PRIVATE KEY`), encrypted PKCS#8 (`ENCRYPTED PRIVATE
 * KEY`, decrypted here so the legacy PKCS#12 PBE schemes work too), or the traditional
 * `RSA/EC PRIVATE KEY` forms, optionally with OpenSSL's Proc-Type encryption.
 */
export function loadPemPrivateKey(text: string, password: string | undefined): KeyObject {
  const block = readPemBlocks(text).find((b) => b.label.endsWith('PRIVATE KEY'));
  if (!block) throw new PemKeyError('none');

  if (block.label === 'ENCRYPTED PRIVATE KEY') {
    if (password === undefined) throw new PemKeyError('needs-password');
    const plain = decryptPkcs8(Buffer.from(block.base64, 'base64'), password);
    try {
      return createPrivateKey({ key: plain, format: 'der', type: 'pkcs8' });
    } catch {
      throw new PemKeyError('invalid');
    } finally {
      plain.fill(0);
    }
  }

  const encrypted = /Proc-Type:\s*4,ENCRYPTED/.test(block.text);
  if (encrypted && password === undefined) throw new PemKeyError('needs-password');
  try {
    return createPrivateKey({ key: block.text, format: 'pem', passphrase: password ?? '' });
  } catch (error) {
    const reason = error instanceof Error ? error.message : '';
    if (encrypted && /bad decrypt|bad password/i.test(reason))
      throw new PemKeyError('wrong-password');
    if (/unsupported/i.test(reason)) throw new UnsupportedAlgorithmError('the PEM key encryption');
    throw new PemKeyError(encrypted ? 'wrong-password' : 'invalid');
  }
}

/** EncryptedPrivateKeyInfo (RFC 5958): password-decrypted to PKCS#8 DER. */
function decryptPkcs8(der: Uint8Array, password: string): Buffer {
  let plain: Buffer | undefined;
  try {
    const info = decodeRequired(der, 'the encrypted private key');
    const algorithm = child(info, 0, 'EncryptedPrivateKeyInfo');
    const data = octets(child(info, 1, 'EncryptedPrivateKeyInfo'), 'encrypted key');
    plain = decryptWithPassword(algorithm, data, {
      utf8: Buffer.from(password, 'utf8'),
      bmp: pkcs12Password(password),
    });
  } catch (error) {
    if (error instanceof StructureError) throw new PemKeyError('invalid');
    throw error;
  }
  if (!plain) throw new PemKeyError('wrong-password');
  return plain;
}
