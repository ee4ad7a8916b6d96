import type { CertificateView } from '../signature/certificate.js';
import { OID } from '../asn1/oids.js';
import { describeCertificate } from './describe-certificate.js';

const SHA2_RSA_SIGNATURES: ReadonlySet<string> = new Set([
  OID.sha256WithRSAEncryption,
  OID.sha384WithRSAEncryption,
  OID.sha512WithRSAEncryption,
]);

export type CertificateRole = 'signing' | 'timestamping';

/** One failed requirement: the code for the role, and what is wrong. */
export interface CertificateProblem {
  readonly code: 'NU3013' | 'NU3014' | 'NU3015' | 'NU3017' | 'NU3022' | 'NU3023' | 'NU3025';
  readonly message: string;
}

const CODES = {
  signing: { algorithm: 'NU3013', key: 'NU3014', notYetValid: 'NU3017' },
  timestamping: { algorithm: 'NU3022', key: 'NU3023', notYetValid: 'NU3025' },
} as const;

/**
 * The certificate properties NuGet requires of a signing certificate (nuget-signing-spec.md §4.5:
 * NU3013, NU3014, NU3015, NU3017) or of a timestamping certificate (§5.4: NU3022, NU3023,
 * NU3025). `now` is the verification time.
 */
export function checkCertificateRequirements(
  certificate: CertificateView,
  role: CertificateRole,
  now: Date,
): CertificateProblem[] {
  const codes = CODES[role];
  const who = `The ${role === 'signing' ? 'signing' : 'timestamp'} certificate ${describeCertificate(certificate)}`;
  const problems: CertificateProblem[] = [];
  if (!SHA2_RSA_SIGNATURES.has(certificate.signatureAlgorithmOid)) {
    problems.push({
      code: codes.algorithm,
      message: `${who} is signed with an unsupported algorithm (${certificate.signatureAlgorithmOid}); NuGet requires SHA-256, SHA-384 or SHA-512 with RSA.`,
    });
  }
  const bits = certificate.publicKey.rsaModulusBits;
  if (
    certificate.publicKey.algorithmOid !== OID.rsaEncryption ||
    bits === undefined ||
    bits < 2048
  ) {
    problems.push({
      code: codes.key,
      message:
        certificate.publicKey.algorithmOid === OID.rsaEncryption
          ? `${who} has a ${bits ?? 0}-bit RSA key; NuGet requires RSA with at least 2048 bits.`
          : `${who} does not have an RSA key; NuGet requires RSA with at least 2048 bits.`,
    });
  }
  if (role === 'signing' && certificate.extendedKeyUsage?.oids.includes(OID.lifetimeSigning)) {
    problems.push({
      code: 'NU3015',
      message: `${who} has the lifetime signing EKU (1.3.6.1.4.1.311.10.3.13), which NuGet does not support.`,
    });
  }
  if (certificate.notBefore.getTime() > now.getTime()) {
    problems.push({
      code: codes.notYetValid,
      message: `${who} is not yet valid: certificate not yet valid until ${certificate.notBefore.toISOString().slice(0, 10)}.`,
    });
  }
  return problems;
}
