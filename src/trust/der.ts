/**
 * A minimal DER TLV walker for the hot path of loading trust bundles: hundreds of roots must be
 * indexed by subject at start-up, and a full asn1js/pkijs parse of each costs milliseconds. Only
 * definite lengths are accepted (DER).
 */
export interface Tlv {
  /** The identifier octet (single-byte tags only; multi-byte tags are rejected). */
  readonly tag: number;
  /** Offset of the identifier octet. */
  readonly start: number;
  /** Offset of the first content octet. */
  readonly contentStart: number;
  /** Offset just past the content. */
  readonly end: number;
}

export function readTlv(bytes: Uint8Array, offset: number, limit = bytes.length): Tlv {
  const tag = bytes[offset];
  if (tag === undefined || offset >= limit) throw new Error(`DER: no element at offset ${offset}`);
  if ((tag & 0x1f) === 0x1f) throw new Error(`DER: multi-byte tag at offset ${offset}`);
  let position = offset + 1;
  const first = bytes[position++];
  if (first === undefined) throw new Error(`DER: truncated length at offset ${offset}`);
  let length = first;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4)
      throw new Error(`DER: unsupported length form at offset ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) {
      const byte = bytes[position++];
      if (byte === undefined) throw new Error(`DER: truncated length at offset ${offset}`);
      length = length * 256 + byte;
    }
  }
  const end = position + length;
  if (end > limit) throw new Error(`DER: element at offset ${offset} overruns its container`);
  return { tag, start: offset, contentStart: position, end };
}

/** The elements directly inside a constructed element. */
export function children(bytes: Uint8Array, parent: Tlv): Tlv[] {
  const result: Tlv[] = [];
  let offset = parent.contentStart;
  while (offset < parent.end) {
    const child = readTlv(bytes, offset, parent.end);
    result.push(child);
    offset = child.end;
  }
  return result;
}

export function contentOf(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  return bytes.subarray(tlv.contentStart, tlv.end);
}

export function elementOf(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  return bytes.subarray(tlv.start, tlv.end);
}

/** Raw issuer, subject and SubjectPublicKeyInfo of a certificate (RFC 5280 §4.1). */
export interface CertificateOutline {
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  readonly subjectPublicKeyInfo: Uint8Array;
}

const SEQUENCE = 0x30;
const VERSION_TAG = 0xa0;

export function outlineCertificate(der: Uint8Array): CertificateOutline {
  const certificate = readTlv(der, 0);
  if (certificate.tag !== SEQUENCE) throw new Error('DER: certificate is not a SEQUENCE');
  const tbs = children(der, certificate)[0];
  if (tbs?.tag !== SEQUENCE) throw new Error('DER: tbsCertificate is not a SEQUENCE');
  const fields = children(der, tbs);
  // version [0] EXPLICIT is absent in v1 certificates.
  const base = fields[0]?.tag === VERSION_TAG ? 1 : 0;
  const issuer = fields[base + 2];
  const subject = fields[base + 4];
  const spki = fields[base + 5];
  if (!issuer || !subject || !spki) throw new Error('DER: tbsCertificate is incomplete');
  return {
    issuer: elementOf(der, issuer),
    subject: elementOf(der, subject),
    subjectPublicKeyInfo: elementOf(der, spki),
  };
}
