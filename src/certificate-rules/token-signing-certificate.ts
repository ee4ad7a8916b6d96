import { digest } from '../crypto.js';
import {
  attributesByOid,
  decodeSigningCertificate,
  decodeSigningCertificateV2,
} from '../signature/attributes.js';
import type { CertificateView } from '../signature/certificate.js';
import { bytesEqual } from '../asn1/bytes.js';
import { OID } from '../asn1/oids.js';
import { hashAlgorithmFromOid } from '../hash-algorithms.js';
import type { TimestampTokenView } from '../signature/timestamp-token.js';

/**
 * RFC 5816 as .NET reads it (spec §5.2): signing-certificate and/or -v2, each at most once with
 * one value; v2 hashes must be SHA-2 and the first must match the TSA certificate; for v1 only
 * the hash length (and issuerSerial when present) is checked.
 */
export function tokenSigningCertificateProblem(
  token: TimestampTokenView,
  tsa: CertificateView,
): string | undefined {
  const v1 = attributesByOid(token.signer.signedAttributes, OID.signingCertificate);
  const v2 = attributesByOid(token.signer.signedAttributes, OID.signingCertificateV2);
  if (v1.length === 0 && v2.length === 0)
    return 'it has neither a signing-certificate nor a signing-certificate-v2 attribute';
  if (v1.length > 1 || v2.length > 1 || [...v1, ...v2].some((a) => a.values.length !== 1)) {
    return 'a signing-certificate attribute appears more than once';
  }
  try {
    if (v2[0]) {
      const ids = decodeSigningCertificateV2(v2[0].values[0] as Uint8Array, 'NU3021');
      if (ids.some((id) => !hashAlgorithmFromOid(id.hashAlgorithmOid)))
        return 'signing-certificate-v2 uses a hash other than SHA-2';
      const first = ids[0];
      const algorithm = first && hashAlgorithmFromOid(first.hashAlgorithmOid);
      if (!first || !algorithm || !bytesEqual(digest(algorithm, tsa.der), first.certHash)) {
        return 'signing-certificate-v2 does not match the TSA certificate';
      }
      if (first.issuerSerial && !bytesEqual(first.issuerSerial.serialNumber, tsa.serialNumber)) {
        return 'signing-certificate-v2 names another TSA certificate';
      }
    }
    if (v1[0]) {
      const first = decodeSigningCertificate(v1[0].values[0] as Uint8Array, 'NU3021')[0];
      if (!first || first.certHash.length !== 20)
        return 'signing-certificate does not hold a SHA-1 hash';
      if (first.issuerSerial && !bytesEqual(first.issuerSerial.serialNumber, tsa.serialNumber)) {
        return 'signing-certificate names another TSA certificate';
      }
    }
  } catch {
    return 'a signing-certificate attribute cannot be decoded';
  }
  return undefined;
}
