/**
 * The few parts of a certificate a trust store indexes (subject Name and SubjectPublicKeyInfo),
 * found by walking DER tag-length headers without decoding anything else. Loading the SDK bundles
 * (over 600 roots) this way takes milliseconds, where a full parse of each root takes over a
 * second; roots are parsed fully only when a chain reaches them.
 */
export interface CertificateOutline {
  readonly subjectDer: Uint8Array;
  readonly subjectPublicKeyInfoDer: Uint8Array;
}

interface Header {
  readonly tag: number;
  /** Offset of the element's first byte. */
  readonly offset: number;
  /** Offset of the contents. */
  readonly start: number;
  /** Offset just past the element. */
  readonly end: number;
}

/** Throws when `der` is not shaped like a Certificate (RFC 5280 §4.1). */
export function outlineCertificate(der: Uint8Array): CertificateOutline {
  const certificate = header(der, 0, der.length);
  const tbs = header(der, certificate.start, certificate.end);
  if (certificate.tag !== 0x30 || tbs.tag !== 0x30) throw new Error('not a DER Certificate');
  // TBSCertificate: [0] version OPTIONAL, serialNumber, signature, issuer, validity, subject, spki.
  const fields: Header[] = [];
  for (let offset = tbs.start; offset < tbs.end && fields.length < 7;) {
    const field = header(der, offset, tbs.end);
    fields.push(field);
    offset = field.end;
  }
  const skip = fields[0]?.tag === 0xa0 ? 1 : 0;
  const subject = fields[skip + 4];
  const spki = fields[skip + 5];
  if (subject?.tag !== 0x30 || spki?.tag !== 0x30) throw new Error('TBSCertificate is incomplete');
  return {
    subjectDer: der.subarray(subject.offset, subject.end),
    subjectPublicKeyInfoDer: der.subarray(spki.offset, spki.end),
  };
}

/** The tag and extent of the element at `offset`; definite lengths only, as DER requires. */
function header(der: Uint8Array, offset: number, limit: number): Header {
  if (offset + 2 > limit) throw new Error('truncated DER');
  const tag = der[offset] as number;
  let length = der[offset + 1] as number;
  let start = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 4 || start + octets > limit)
      throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + (der[start + i] as number);
    start += octets;
  }
  const end = start + length;
  if (end > limit) throw new Error('DER element runs past its parent');
  return { tag, offset, start, end };
}
