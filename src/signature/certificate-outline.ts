import { childElements, readElement } from '../asn1/der-reader.js';
import { contextTag, TAG } from '../asn1/tags.js';

/**
 * The few parts of a certificate a trust store indexes (subject Name and SubjectPublicKeyInfo),
 * found by walking DER headers without decoding anything else. Loading the SDK bundles (over 600
 * roots) this way takes milliseconds, where a full parse of each root takes over a second; roots
 * are parsed fully only when a chain reaches them.
 */
export interface CertificateOutline {
  readonly subjectDer: Uint8Array;
  readonly subjectPublicKeyInfoDer: Uint8Array;
}

/** Throws when `der` is not shaped like a Certificate (RFC 5280 §4.1). */
export function outlineCertificate(der: Uint8Array): CertificateOutline {
  const certificate = readElement(der, 0, der.length);
  const [tbs] = certificate?.tag === TAG.sequence ? childElements(der, certificate, 1) : [];
  if (tbs?.tag !== TAG.sequence) throw new Error('not a DER Certificate');
  // TBSCertificate: [0] version OPTIONAL, serialNumber, signature, issuer, validity, subject, spki.
  const fields = childElements(der, tbs, 7);
  const skip = fields[0]?.tag === contextTag(0, true) ? 1 : 0;
  const subject = fields[skip + 4];
  const spki = fields[skip + 5];
  if (subject?.tag !== TAG.sequence || spki?.tag !== TAG.sequence)
    throw new Error('TBSCertificate is incomplete');
  return {
    subjectDer: der.subarray(subject.offset, subject.end),
    subjectPublicKeyInfoDer: der.subarray(spki.offset, spki.end),
  };
}
