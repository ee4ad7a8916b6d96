import type { CertificateView } from '../signature/certificate.js';
import { OID } from '../asn1/oids.js';
import { buildChain } from '../trust/chain-builder.js';
import type { TrustStore } from '../trust/trust-store.js';
import { assessRevocation, type RevocationAssessment, type RevocationPolicy } from './assess.js';
import type { RevocationChecker } from './types.js';

/**
 * Checks the revocation of a valid timestamp's TSA chain (spec §5.4, §8.3): the chain is built
 * as for the NU3028 check (time stamping, at `now`, expiry ignored), and the TSA certificate's
 * revocation is weighed against the token's own time.
 */
export function checkTimestampChainRevocation(
  checker: RevocationChecker,
  token: {
    readonly tsa: CertificateView;
    readonly certificates: readonly CertificateView[];
    readonly genTime: Date;
    readonly upper: Date;
  },
  options: { readonly roots: TrustStore; readonly now: Date; readonly policy: RevocationPolicy },
): Promise<RevocationAssessment> {
  const { certificates } = buildChain(token.tsa.der, {
    anchors: options.roots,
    intermediates: token.certificates.map((c) => c.der),
    applicationPolicy: OID.timeStamping,
    verificationTime: options.now,
    ignoreNotTimeValid: true,
  });
  return assessRevocation(checker, certificates, {
    purpose: 'timestamping',
    policy: options.policy,
    timestamp: { genTime: token.genTime, upper: token.upper },
  });
}
