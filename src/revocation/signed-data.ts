import { createPublicKey, verify } from 'node:crypto';
import { SIGNATURE_ALGORITHM_HASHES } from '../hash-algorithms.js';

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
  // OCSP responses and CRLs: the algorithms whose hash the signature names.
  const hash = SIGNATURE_ALGORITHM_HASHES[algorithmOid];
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
