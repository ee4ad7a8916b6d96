import { childElements, readElement, type DerElement } from '../asn1/der-reader.js';
import { TAG } from '../asn1/tags.js';

/**
 * A comparison key for a DER X.509 Name that matches names the way OpenSSL (the chain engine behind
 * .NET on Linux) does in X509_NAME_cmp: each string attribute value is decoded, trimmed, inner
 * whitespace collapsed and ASCII lower-cased, so an issuer written as PrintableString in one
 * certificate still matches a subject written as UTF8String in a cross-signed copy. Non-string
 * values compare by their exact DER. RDN grouping (multi-valued RDNs) is kept.
 *
 * It walks DER headers rather than decoding with asn1js: trust stores key every root this way
 * when they load, and hundreds of asn1js decodes would dominate a short CLI run.
 */
export function canonicalNameKey(nameDer: Uint8Array): string {
  const name = readElement(nameDer, 0, nameDer.length);
  // Unparseable names never match anything but their own bytes.
  const raw = `raw:${hex(nameDer)}`;
  if (name?.tag !== TAG.sequence || name.end !== nameDer.length) return raw;
  const rdns: string[] = [];
  for (const rdn of childElements(nameDer, name)) {
    if (rdn.tag !== TAG.set) return raw;
    const attributes: string[] = [];
    for (const attribute of childElements(nameDer, rdn)) {
      const key =
        attribute.tag === TAG.sequence
          ? attributeKey(nameDer, childElements(nameDer, attribute))
          : undefined;
      if (key === undefined) return raw;
      attributes.push(key);
    }
    rdns.push(attributes.join('+'));
  }
  return rdns.join(',');
}

function attributeKey(der: Uint8Array, [type, value, ...rest]: DerElement[]): string | undefined {
  if (type?.tag !== TAG.objectIdentifier || !value || rest.length > 0) return undefined;
  const oid = hex(der.subarray(type.start, type.end));
  // Universal, primitive tags only: bits 6-7 clear (universal) and bit 5 clear (primitive).
  const text =
    (value.tag & 0xe0) === 0
      ? decodeString(value.tag, der.subarray(value.start, value.end))
      : undefined;
  return text === undefined
    ? `${oid}=raw:${hex(der.subarray(value.offset, value.end))}`
    : `${oid}=s:${JSON.stringify(canonicalText(text))}`;
}

/**
 * Decodes the string types OpenSSL canonicalises (ASN1_MASK_CANON; NumericString is not one of
 * them, unlike in .NET's name formatting); undefined for anything else.
 */
function decodeString(tag: number, content: Uint8Array): string | undefined {
  switch (tag) {
    case 0x0c: // UTF8String
      return Buffer.from(content).toString('utf8');
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x1a: // VisibleString
    case 0x14: // TeletexString (treated as Latin-1, as OpenSSL does)
      return Buffer.from(content).toString('latin1');
    case 0x1e: // BMPString, UTF-16BE
      return Buffer.from(content).swap16().toString('utf16le');
    case 0x1c: // UniversalString, UTF-32BE
      return decodeUtf32(content);
    default:
      return undefined;
  }
}

function decodeUtf32(content: Uint8Array): string {
  const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
  let text = '';
  for (let i = 0; i + 4 <= content.length; i += 4) text += String.fromCodePoint(view.getUint32(i));
  return text;
}

function canonicalText(text: string): string {
  return text
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
