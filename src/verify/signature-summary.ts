import type { CertificateView } from '../signature/certificate.js';
import type { TimestampWindow } from './checks/timestamp.js';
import type { SignatureType } from '../issues.js';

/** What the JSON result says about each signature (added fields; the base contract is unchanged). */
export interface SignatureSummary {
  readonly placement: 'primary' | 'countersignature';
  readonly type: SignatureType;
  readonly signer: {
    readonly subject: string;
    readonly fingerprintSha256: string;
    readonly issuer: string;
    readonly notBefore: string;
    readonly notAfter: string;
  };
  readonly timestamp?: { readonly time: string; readonly tsaSubject: string };
}

export function summarizeSignature(
  placement: SignatureSummary['placement'],
  type: SignatureSummary['type'],
  certificate: CertificateView,
  timestamp: TimestampWindow | undefined,
): SignatureSummary {
  return {
    placement,
    type,
    signer: {
      subject: certificate.subject,
      fingerprintSha256: certificate.fingerprintSha256,
      issuer: certificate.issuer,
      notBefore: certificate.notBefore.toISOString(),
      notAfter: certificate.notAfter.toISOString(),
    },
    ...(timestamp
      ? { timestamp: { time: timestamp.genTime.toISOString(), tsaSubject: timestamp.tsa.subject } }
      : {}),
  };
}
