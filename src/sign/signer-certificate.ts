import * as asn1js from 'asn1js';
import { X509Certificate, type KeyObject } from 'node:crypto';
import { getPkijs, toArrayBuffer } from '../crypto.js';
import { NupkgSigningError } from '../errors.js';
import { OID } from '../asn1/oids.js';

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

export function readSignerCertificate(der: Uint8Array): SignerCertificate {
  if (lastRead !== undefined && Buffer.from(der).equals(lastRead.der)) return lastRead;
  lastRead = parseSignerCertificate(der);
  return lastRead;
}

function parseSignerCertificate(der: Uint8Array): SignerCertificate {
  const pkijs = getPkijs();
  let certificate: InstanceType<typeof pkijs.Certificate>;
  let publicKey: KeyObject;
  try {
    certificate = pkijs.Certificate.fromBER(toArrayBuffer(der));
    publicKey = new X509Certificate(der).publicKey;
  } catch (error) {
    throw new NupkgSigningError(
      'NUPKG003',
      'The signing certificate is not a valid X.509 certificate.',
      {
        cause: error,
      },
    );
  }
  const ski = certificate.extensions?.find((e) => e.extnID === OID.subjectKeyIdentifier);
  let subjectKeyIdentifier: Uint8Array | undefined;
  if (ski !== undefined) {
    // extnValue wraps `SubjectKeyIdentifier ::= KeyIdentifier ::= OCTET STRING` (RFC 5280 §4.2.1.2).
    const inner = asn1js.fromBER(ski.extnValue.valueBlock.valueHexView);
    if (inner.offset === -1 || !(inner.result instanceof asn1js.OctetString)) {
      throw new NupkgSigningError(
        'NUPKG003',
        'The signing certificate has a malformed Subject Key Identifier extension.',
      );
    }
    subjectKeyIdentifier = new Uint8Array(inner.result.valueBlock.valueHexView);
  }
  return {
    der: Uint8Array.from(der),
    issuer: new Uint8Array(certificate.issuer.valueBeforeDecode),
    serialNumber: new Uint8Array(certificate.serialNumber.valueBlock.valueHexView),
    subjectKeyIdentifier,
    publicKey,
  };
}
