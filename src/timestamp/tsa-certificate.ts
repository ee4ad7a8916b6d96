import { X509Certificate } from 'node:crypto';
import type * as pkijsTypes from 'pkijs';
import { OID } from '../signature/oids.js';
import type { EmbeddedCertificate } from './timestamp-token.js';

/** NuGet's minimum RSA modulus for signing and timestamping certificates (NU3014/NU3023). */
export const MINIMUM_RSA_BITS = 2048;

const SHA2_RSA_SIGNATURES: readonly string[] = [
  OID.sha256WithRSAEncryption,
  OID.sha384WithRSAEncryption,
  OID.sha512WithRSAEncryption,
];

/** NU3022: the certificate itself must be signed with SHA-2 RSA (CertificateUtility.IsSignatureAlgorithmSupported). */
export function hasSupportedSignatureAlgorithm(certificate: pkijsTypes.Certificate): boolean {
  return SHA2_RSA_SIGNATURES.includes(certificate.signatureAlgorithm.algorithmId);
}

/** NU3023: an RSA key of at least 2048 bits; any other key type fails (CertificateUtility.IsCertificatePublicKeyValid). */
export function hasSupportedPublicKey(embedded: EmbeddedCertificate): boolean {
  const { publicKey } = new X509Certificate(embedded.der);
  const bits = publicKey.asymmetricKeyDetails?.modulusLength;
  return publicKey.asymmetricKeyType === 'rsa' && bits !== undefined && bits >= MINIMUM_RSA_BITS;
}

export function notBefore(certificate: pkijsTypes.Certificate): Date {
  return certificate.notBefore.value;
}

/** NuGet's IsDateInsideValidityPeriod: NotBefore ≤ date < NotAfter. */
export function isWithinValidity(certificate: pkijsTypes.Certificate, date: Date): boolean {
  const time = date.getTime();
  return (
    certificate.notBefore.value.getTime() <= time && time < certificate.notAfter.value.getTime()
  );
}

/**
 * RFC 3161 §2.3 as .NET enforces it when processing a response (nuget-signing-spec.md §5.4):
 * exactly one extendedKeyUsage extension, marked critical, listing id-kp-timeStamping. Returns
 * why the certificate fails, or undefined.
 */
export function timeStampingEkuProblem(certificate: pkijsTypes.Certificate): string | undefined {
  const ekus = (certificate.extensions ?? []).filter((e) => e.extnID === OID.extKeyUsage);
  const [eku, ...more] = ekus;
  if (eku === undefined) return 'it has no extended key usage extension';
  if (more.length > 0) return 'it has more than one extended key usage extension';
  if (!eku.critical) return 'its extended key usage extension is not marked critical';
  const purposes = (eku.parsedValue as pkijsTypes.ExtKeyUsage | undefined)?.keyPurposes ?? [];
  if (!purposes.includes(OID.timeStamping)) {
    return 'its extended key usage does not include time stamping (1.3.6.1.5.5.7.3.8)';
  }
  return undefined;
}
