import { X509Certificate } from 'node:crypto';
import { NupkgSigningError } from '../../errors.js';
import { loadPemCertificates } from '../../trust/pem.js';

/** The signing certificate and its intermediates, for a key service that holds no certificate. */
export interface CertificateChain {
  readonly certificate: Uint8Array;
  readonly chain: readonly Uint8Array[];
}

/**
 * Reads the PEM chain given with a cloud key (signing certificate first, then intermediates).
 * `provider` names the key source in messages: "AWS KMS".
 */
export function certificateChainFor(pem: string | undefined, provider: string): CertificateChain {
  let certificates: Uint8Array[];
  try {
    certificates = pem === undefined ? [] : loadPemCertificates(pem);
  } catch {
    throw new NupkgSigningError(
      'NUPKG003',
      `The certificate chain given with the ${provider} key is not valid PEM.`,
    );
  }
  const [certificate, ...chain] = certificates;
  if (certificate === undefined) {
    throw new NupkgSigningError(
      'NUPKG003',
      `${provider} holds no certificates: give the signing certificate of the key, then its intermediates, with --certificate-chain (the action's certificate-chain input), PEM or DER.`,
    );
  }
  return { certificate, chain };
}

/**
 * Compares the key service's public key (SubjectPublicKeyInfo DER) with the certificate's, so a
 * key that does not belong to the certificate is refused before any package is touched.
 */
export function checkPublicKeyMatches(
  publicKeySpki: Uint8Array,
  certificate: Uint8Array,
  keyName: string,
  provider: string,
): void {
  const parsed = new X509Certificate(certificate);
  const expected = parsed.publicKey.export({ type: 'spki', format: 'der' });
  if (!Buffer.from(publicKeySpki).equals(expected)) {
    throw new NupkgSigningError(
      'NUPKG003',
      `The public key of ${provider} key ${keyName} does not match the signing certificate (${parsed.subject.replace(/\n/g, ', ')}, serial ${parsed.serialNumber}): give the certificate issued for this key (first in the certificate chain), or the key the certificate was issued for.`,
    );
  }
}
