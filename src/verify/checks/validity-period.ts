import type { CertificateView } from '../../signature/certificate.js';
import { describeCertificate } from '../../certificate-rules/describe-certificate.js';
import type { TimestampWindow } from './timestamp.js';

/**
 * Checks that the signing certificate was valid when the signature was made (spec §5.5): with a
 * valid timestamp, lower limit after NotBefore and upper limit before NotAfter (strictly);
 * without one, `now` for both. Returns the NU3037 message, or undefined.
 */
export function checkValidityPeriod(
  certificate: CertificateView,
  timestamp: TimestampWindow | undefined,
  now: Date,
): string | undefined {
  const lower = timestamp?.lower ?? now;
  const upper = timestamp?.upper ?? now;
  if (
    lower.getTime() > certificate.notBefore.getTime() &&
    upper.getTime() < certificate.notAfter.getTime()
  ) {
    return undefined;
  }
  const when = timestamp
    ? `at its timestamp ${timestamp.genTime.toISOString()}`
    : `now (${now.toISOString()}) and the signature has no valid timestamp`;
  return `The signature validity period has expired: the signing certificate ${describeCertificate(certificate)} was not valid ${when}.`;
}
