import type { CertificateView } from '../../signature/certificate.js';
import { describeCertificate } from '../../certificate-rules/describe-certificate.js';
import type { TimestampWindow } from './timestamp.js';

/** A certificate that expires within this many days of the verdict's time nearly decides it. */
export const EXPIRY_NOTICE_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

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
  if (isValidAt(certificate, timestamp, now)) return undefined;
  const phrase = describeValidity(certificate, timestamp, now) ?? 'certificate not valid';
  const when = timestamp
    ? `at its timestamp ${timestamp.genTime.toISOString()}`
    : `now (${now.toISOString()})`;
  return `The signature validity period has expired: ${phrase}. The signing certificate ${describeCertificate(certificate)} was not valid ${when}.`;
}

function isValidAt(
  certificate: CertificateView,
  timestamp: TimestampWindow | undefined,
  now: Date,
): boolean {
  const lower = timestamp?.lower ?? now;
  const upper = timestamp?.upper ?? now;
  return (
    lower.getTime() > certificate.notBefore.getTime() &&
    upper.getTime() < certificate.notAfter.getTime()
  );
}

/**
 * The certificate's validity in one phrase when it decides or nearly decides the verdict, for the
 * reports: expired or not yet valid (and whether a timestamp inside the validity keeps the
 * signature valid), or expiring within EXPIRY_NOTICE_DAYS. Undefined when it does not matter.
 * `stamp` names what vouches for the time ("timestamped", or "countersigned" for the repository
 * countersignature's timestamp). Each phrase fits an 80-column line indented by four.
 */
export function describeValidity(
  certificate: CertificateView,
  timestamp: TimestampWindow | undefined,
  now: Date,
  stamp = 'timestamped',
): string | undefined {
  const notBefore = day(certificate.notBefore);
  const notAfter = day(certificate.notAfter);
  if (timestamp) {
    const at = day(timestamp.genTime);
    if (timestamp.lower.getTime() <= certificate.notBefore.getTime())
      return `certificate not yet valid until ${notBefore}, after its timestamp ${at}`;
    if (timestamp.upper.getTime() >= certificate.notAfter.getTime())
      return `certificate expired ${notAfter}, before its timestamp ${at}`;
    if (now.getTime() >= certificate.notAfter.getTime())
      return `certificate expired ${notAfter}; valid because ${stamp} ${at}`;
    if (certificate.notAfter.getTime() - now.getTime() < EXPIRY_NOTICE_DAYS * DAY_MS)
      return `certificate expires ${notAfter}; ${stamp} ${at}, so stays valid`;
    return undefined;
  }
  if (now.getTime() <= certificate.notBefore.getTime())
    return `certificate not yet valid until ${notBefore}, and no valid timestamp`;
  if (now.getTime() >= certificate.notAfter.getTime())
    return `certificate expired ${notAfter} and the signature has no valid timestamp`;
  if (certificate.notAfter.getTime() - now.getTime() < EXPIRY_NOTICE_DAYS * DAY_MS)
    return `certificate expires ${notAfter} and the signature has no valid timestamp`;
  return undefined;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}
