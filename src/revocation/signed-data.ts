import { createPublicKey, verify } from 'node:crypto';
import { OID } from '../asn1/oids.js';

/** Signature algorithms of OCSP responses and CRLs we can check, with their hash. */
const HASHES: Readonly<Record<string, string>> = {
  [OID.sha256WithRSAEncryption]: 'sha256',
  [OID.sha384WithRSAEncryption]: 'sha384',
  [OID.sha512WithRSAEncryption]: 'sha512',
  [OID.sha1WithRSAEncryption]: 'sha1',
  '1.2.840.10045.4.3.2': 'sha256', // ecdsa-with-SHA256
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

/**
 * Checks a signature over `data` (a TBSCertList or ResponseData, exactly as encoded) with the
 * signer's SubjectPublicKeyInfo. Unsupported algorithms (RSASSA-PSS among them) count as not
 * verified: the status is then unknown, never good.
 */
export function verifySignedData(
  algorithmOid: string,
  signerPublicKeyInfo: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  const hash = HASHES[algorithmOid];
  if (!hash) return false;
  try {
    const key = createPublicKey({
      key: Buffer.from(signerPublicKeyInfo),
      format: 'der',
      type: 'spki',
    });
    return verify(hash, data, key, signature);
  } catch {
    return false;
  }
}
