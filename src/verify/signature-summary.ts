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
  /**
   * The certificate's validity in one phrase when it decides or nearly decides the verdict, e.g.
   * "certificate expired 2021-10-29; valid because timestamped 2019-11-09".
   */
  readonly validity?: string;
  /** The signing certificate's chain, leaf first, as built (the leaf alone when none was). */
  readonly chain?: readonly ChainCertificate[];
  readonly timestamp?: {
    readonly time: string;
    readonly tsaSubject: string;
    /** The TSA certificate's chain, leaf first, when it was built. */
    readonly chain?: readonly ChainCertificate[];
  };
}

/** One certificate of a chain, as reports name it. */
export interface ChainCertificate {
  readonly subject: string;
  readonly fingerprintSha256: string;
}

export function summarizeSignature(
  placement: SignatureSummary['placement'],
  type: SignatureSummary['type'],
  certificate: CertificateView,
  timestamp: TimestampWindow | undefined,
  chain?: readonly CertificateView[],
): SignatureSummary {
  const signerChain = chain && chain.length > 0 ? chainOf(chain) : [named(certificate)];
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
    chain: signerChain,
    ...(timestamp
      ? {
          timestamp: {
            time: timestamp.genTime.toISOString(),
            tsaSubject: timestamp.tsa.subject,
            ...(timestamp.chain && timestamp.chain.length > 0
              ? { chain: chainOf(timestamp.chain) }
              : {}),
          },
        }
      : {}),
  };
}

function chainOf(chain: readonly CertificateView[]): ChainCertificate[] {
  return chain.map(named);
}

function named(certificate: CertificateView): ChainCertificate {
  return { subject: certificate.subject, fingerprintSha256: certificate.fingerprintSha256 };
}
