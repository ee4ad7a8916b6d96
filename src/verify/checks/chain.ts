import type { NuGetCode } from '../../codes.js';
import type { CertificateView } from '../../signature/certificate.js';
import { OID } from '../../asn1/oids.js';
import { buildChain } from '../../trust/chain-builder.js';
import { describeUntrustedRoot, describeUsageProblem } from '../../trust/describe.js';
import type { TrustStore } from '../../trust/trust-store.js';
import { describeCertificate } from '../../certificate-rules/describe-certificate.js';

export interface ChainFinding {
  readonly code: NuGetCode;
  readonly message: string;
  /** The chain ends at a root that is not trusted (NuGet's UntrustedRoot status). */
  readonly untrustedRoot?: boolean;
}

const PURPOSE = {
  signing: {
    policy: OID.codeSigning,
    untrusted: 'NU3018',
    broken: 'NU3012',
    label: 'code signing',
  },
  timestamping: {
    policy: OID.timeStamping,
    untrusted: 'NU3028',
    broken: 'NU3028',
    label: 'timestamping',
  },
} as const;

/**
 * Builds the certificate's chain to the trust roots for its purpose, as NuGet does on Linux with
 * the SDK bundles (spec §4.5, §5.4, §8.3): application policy code signing or time stamping,
 * validity periods ignored (the caller checks the leaf against the timestamp). An untrusted root
 * is NU3018 (NU3028 for a TSA) with an NU3042 note naming the root; any other chain problem is
 * NU3012 (NU3028 for a TSA). Also returns the chain built, leaf first, as DER and parsed.
 */
export function checkChain(
  certificate: CertificateView,
  extraCertificates: readonly CertificateView[],
  options: {
    readonly roots: TrustStore;
    readonly purpose: 'signing' | 'timestamping';
    readonly verificationTime: Date;
    /** nuget.org's rules apply: trusting a root locally does not help, so do not advise it. */
    readonly nugetOrg?: boolean;
  },
): { findings: ChainFinding[]; chain: Uint8Array[]; certificates: CertificateView[] } {
  const purpose = PURPOSE[options.purpose];
  const result = buildChain(certificate.der, {
    anchors: options.roots,
    intermediates: extraCertificates.map((c) => c.der),
    applicationPolicy: purpose.policy,
    verificationTime: options.verificationTime,
    ignoreNotTimeValid: true,
  });
  const findings: ChainFinding[] = [];
  const who = `${options.purpose === 'signing' ? 'signing' : 'timestamp'} certificate ${describeCertificate(certificate)}`;
  // Every status but UntrustedRoot is a chain building failure, fatal in every mode (spec §6.4).
  const problems = result.statuses.filter((s) => s !== 'UntrustedRoot');
  if (problems.length > 0) {
    const missing = problems.includes('PartialChain')
      ? ' (an issuing certificate is missing from the signature)'
      : '';
    findings.push({
      code: purpose.broken,
      message: `The ${who} failed chain validation for ${purpose.label}: ${problems.map((status) => (status === 'NotValidForUsage' ? `NotValidForUsage (${describeUsageProblem(result.chain, purpose.policy)})` : status)).join(', ')}${missing}.`,
    });
  }
  if (result.statuses.includes('UntrustedRoot')) {
    findings.push({
      code: purpose.untrusted,
      untrustedRoot: true,
      message: `The ${who} chains to a root that is not trusted for ${purpose.label}. ${options.nugetOrg ? `nuget.org accepts only certificates that chain to a root Windows trusts by default, whatever this machine trusts: sign with a ${purpose.label} certificate from a public certificate authority.` : 'Trust it with --trusted-roots if you expect it, or sign with a certificate from a trusted CA.'}`,
    });
    const root = describeUntrustedRoot(result.chain[result.chain.length - 1] as Uint8Array);
    findings.push({
      code: 'NU3042',
      message: `The root certificate '${root.subject}' (SHA-256 ${root.sha256Fingerprint}) is not in the trusted ${purpose.label} root bundle.`,
    });
  }
  return { findings, chain: result.chain, certificates: result.certificates };
}
