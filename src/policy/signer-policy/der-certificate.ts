import { readHeader } from '../../asn1/der-reader.js';
import { TAG } from '../../asn1/tags.js';
import { parseCertificate, type CertificateView } from '../../signature/certificate.js';
import { loadPemCertificates } from '../../trust/pem.js';

/**
 * A certificate file as nuget.org's "Register new certificate" page takes it (nuget-signing-spec.md
 * §9.1): a `.cer` of at most 10,000 bytes holding one DER X.509 certificate. We also take PEM for
 * convenience and check the DER inside, because that is what the user must upload.
 */

export const MAX_REGISTERED_CERTIFICATE_BYTES = 10_000;

export interface CertificateFileInfo {
  readonly fingerprintSha256: string;
  readonly subject: string;
  readonly notAfter: Date;
  readonly wasPem: boolean;
  /** The certificate itself, for nuget.org's certificate rules in `policy check`. */
  readonly der: Uint8Array;
}

/** DER bytes of a `.cer` (DER) or PEM file; throws Error with a short reason. */
export function certificateDer(bytes: Uint8Array): { der: Uint8Array; wasPem: boolean } {
  const head = Buffer.from(bytes.subarray(0, 64)).toString('latin1');
  if (!head.includes('-----BEGIN')) return { der: bytes, wasPem: false };
  const [der] = loadPemCertificates(Buffer.from(bytes).toString('latin1'));
  if (!der) throw new Error('PEM file has no CERTIFICATE block');
  return { der, wasPem: true };
}

/**
 * Why nuget.org would refuse to register `der`, or undefined. Mirrors the gallery's checks: outer
 * SEQUENCE, definite length that covers the whole file exactly, first inner element a SEQUENCE
 * (the TBSCertificate), size limit.
 */
export function registrationProblem(der: Uint8Array): string | undefined {
  if (der.length > MAX_REGISTERED_CERTIFICATE_BYTES) {
    return `is ${der.length} bytes; nuget.org registers certificate files of at most ${MAX_REGISTERED_CERTIFICATE_BYTES} bytes`;
  }
  if (der.length < 2 || der[0] !== TAG.sequence)
    return 'is not a DER certificate (must start with a SEQUENCE, byte 0x30)';
  const outer = readHeader(der, 0, der.length, 'der');
  if (typeof outer === 'string') return 'is not a DER certificate (bad outer length)';
  const outerEnd = outer.start + (outer.length as number);
  if (outerEnd !== der.length) {
    return `is not a single DER certificate (outer length ${outerEnd} bytes, file ${der.length} bytes)`;
  }
  if (der[outer.start] !== TAG.sequence)
    return 'is not a DER certificate (first inner element is not a SEQUENCE)';
  return undefined;
}

/** Fingerprint, subject and expiry of a certificate file; throws Error with a short reason. */
export function inspectCertificateFile(bytes: Uint8Array): CertificateFileInfo {
  const { der, wasPem } = certificateDer(bytes);
  const problem = registrationProblem(der);
  if (problem !== undefined) throw new Error(problem);
  let parsed: CertificateView;
  try {
    parsed = parseCertificate(der);
  } catch (error) {
    throw new Error('is not a parsable X.509 certificate', { cause: error });
  }
  return {
    fingerprintSha256: parsed.fingerprintSha256,
    // The shared certificate model's subject: .NET's formatting, as every other message prints it.
    subject: parsed.subject,
    notAfter: parsed.notAfter,
    wasPem,
    der,
  };
}
