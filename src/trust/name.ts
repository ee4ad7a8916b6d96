import {
  childrenOf,
  decodeDer,
  encodedBytes,
  isUniversal,
  primitiveContent,
  TAG,
  type AsnBlock,
} from '../signature/der.js';

/**
 * A comparison key for a DER X.509 Name that matches names the way OpenSSL (the chain engine behind
 * .NET on Linux) does in X509_NAME_cmp: each string attribute value is decoded, trimmed, inner
 * whitespace collapsed and ASCII lower-cased, so an issuer written as PrintableString in one
 * certificate still matches a subject written as UTF8String in a cross-signed copy. Non-string
 * values compare by their exact DER. RDN grouping (multi-valued RDNs) is kept.
 */
export function canonicalNameKey(nameDer: Uint8Array): string {
  try {
    const name = decodeDer(nameDer, 'Name');
    if (!isUniversal(name, TAG.sequence)) throw new Error('a Name must be a SEQUENCE');
    return childrenOf(name)
      .map((rdn) =>
        childrenOf(rdn)
          .map((attribute) => attributeKey(childrenOf(attribute)))
          .join('+'),
      )
      .join(',');
  } catch {
    // Unparseable names never match anything but their own bytes.
    return `raw:${hex(nameDer)}`;
  }
}

function attributeKey([type, value]: AsnBlock[]): string {
  if (!type || !isUniversal(type, TAG.objectIdentifier) || !value) throw new Error('bad attribute');
  const oid = hex(primitiveContent(type));
  const text =
    value.idBlock.tagClass === UNIVERSAL && !value.idBlock.isConstructed
      ? decodeString(value.idBlock.tagNumber, primitiveContent(value))
      : undefined;
  return text === undefined
    ? `${oid}=raw:${hex(encodedBytes(value))}`
    : `${oid}=s:${JSON.stringify(canonicalText(text))}`;
}

const UNIVERSAL = 1;

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
