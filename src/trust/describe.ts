import { toPem } from '../signature/certificate.js';
import { certificateFacts } from './certificate-facts.js';

/** What NuGet prints about a root it does not trust (NU3042, nuget-signing-spec.md §8.2). */
export interface UntrustedRootDescription {
  /** Subject as .NET prints it (most-specific first): `CN=Example Root, O=Example, C=US`. */
  readonly subject: string;
  /** Uppercase hex SHA-256 of the DER, the form `trustedSigners` and NuGet messages use. */
  readonly sha256Fingerprint: string;
  readonly pem: string;
}

export function describeUntrustedRoot(rootDer: Uint8Array): UntrustedRootDescription {
  const facts = certificateFacts(rootDer, 'The untrusted root certificate');
  return {
    subject: facts.certificate.subject,
    sha256Fingerprint: facts.fingerprint,
    pem: toPem(rootDer),
  };
}
