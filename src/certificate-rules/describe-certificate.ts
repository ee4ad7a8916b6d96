import type { CertificateView } from '../signature/certificate.js';

/** How messages name a certificate: subject, SHA-256 fingerprint and validity, as NuGet prints them. */
export function describeCertificate(certificate: CertificateView): string {
  return `'${certificate.subject}' (SHA-256 ${certificate.fingerprintSha256}, valid ${isoDate(certificate.notBefore)} to ${isoDate(certificate.notAfter)})`;
}

function isoDate(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}
