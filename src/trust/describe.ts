import { toPem } from '../signature/certificate.js';
import { describeExtendedKeyUsage, describeMissingUsage } from '../asn1/oids.js';
import { chainLink } from './chain-link.js';

/** What NuGet prints about a root it does not trust (NU3042, nuget-signing-spec.md §8.2). */
export interface UntrustedRootDescription {
  /** Subject as .NET prints it (most-specific first): `CN=Example Root, O=Example, C=US`. */
  readonly subject: string;
  /** Uppercase hex SHA-256 of the DER, the form `trustedSigners` and NuGet messages use. */
  readonly sha256Fingerprint: string;
  readonly pem: string;
}

export function describeUntrustedRoot(rootDer: Uint8Array): UntrustedRootDescription {
  const facts = chainLink(rootDer, 'The untrusted root certificate');
  return {
    subject: facts.certificate.subject,
    sha256Fingerprint: facts.fingerprint,
    pem: toPem(rootDer),
  };
}

/**
 * Which certificates of a chain make it NotValidForUsage for `policy`, for messages: "'CN=Leaf'
 * is not valid for code signing (1.3.6.1.5.5.7.3.3): its extended key usage extension lists only
 * server authentication (1.3.6.1.5.5.7.3.1)". .NET marks every element when one lacks the usage.
 */
export function describeUsageProblem(chain: readonly Uint8Array[], policy: string): string {
  const lacking = chain
    .map((der) => chainLink(der))
    .filter((c) => c.applicationPolicies !== undefined && !c.applicationPolicies.has(policy));
  if (lacking.length === 0) return `the chain is not valid for ${describeExtendedKeyUsage(policy)}`;
  return lacking
    .map(
      (c) =>
        `'${c.certificate.subject}' ${describeMissingUsage([...(c.applicationPolicies ?? [])], policy)}`,
    )
    .join('; ');
}
