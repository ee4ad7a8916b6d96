import { createPublicKey, type KeyObject } from 'node:crypto';
import { NupkgSigningError } from '../errors.js';
import { parseCertificate, type CertificateView } from '../signature/certificate.js';

/** The parts of a signing certificate that a SignerInfo and an ESSCertIDv2 refer to. */
export interface SignerCertificate {
  readonly der: Uint8Array;
  /** The issuer `Name` element, exactly as encoded in the certificate. */
  readonly issuer: Uint8Array;
  /** The content octets of the certificate's serialNumber INTEGER, exactly as encoded. */
  readonly serialNumber: Uint8Array;
  /** The Subject Key Identifier extension's keyIdentifier, when the extension is present. */
  readonly subjectKeyIdentifier: Uint8Array | undefined;
  readonly publicKey: KeyObject;
}

/**
 * The last certificate read: a run signs many packages with one certificate, and the parts read
 * depend on its bytes only. One entry, so memory stays flat whatever a run signs with.
 */
let lastRead: SignerCertificate | undefined;

/**
 * The signing certificate as the shared certificate model reads it (signature/certificate.ts), so
 * signing and verifying see the same issuer, serial number and key identifier bytes.
 */
export function readSignerCertificate(der: Uint8Array): SignerCertificate {
  if (lastRead !== undefined && Buffer.from(der).equals(lastRead.der)) return lastRead;
  lastRead = parseSignerCertificate(der);
  return lastRead;
}

function parseSignerCertificate(der: Uint8Array): SignerCertificate {
  let certificate: CertificateView;
  let publicKey: KeyObject;
  try {
    certificate = parseCertificate(der);
    publicKey = createPublicKey({
      key: Buffer.from(certificate.subjectPublicKeyInfoDer),
      format: 'der',
      type: 'spki',
    });
  } catch (error) {
    throw new NupkgSigningError(
      'NUPKG003',
      'The signing certificate is not a valid X.509 certificate.',
      {
        cause: error,
      },
    );
  }
  return {
    der: Uint8Array.from(der),
    issuer: Uint8Array.from(certificate.issuerDer),
    serialNumber: Uint8Array.from(certificate.serialNumber),
    subjectKeyIdentifier:
      certificate.subjectKeyIdentifier && Uint8Array.from(certificate.subjectKeyIdentifier),
    publicKey,
  };
}
