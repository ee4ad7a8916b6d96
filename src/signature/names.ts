import {
  childrenOf,
  encodedBytes,
  isUniversal,
  primitiveContent,
  readOid,
  type DerNode,
} from '../asn1/decode.js';
import { toHex } from '../asn1/bytes.js';
import { isConstructed, TAG, TAG_CLASS, tagClass, tagNumber } from '../asn1/tags.js';

/**
 * Formats an X.501 Name the way .NET's `X500DistinguishedName.Name` does on Linux, the string
 * NuGet prints and compares (nuget-signing-spec.md §4.3): RDNs in reverse encoding order (most
 * specific first), ", " between RDNs, " + " inside a multi-valued RDN, and values in double
 * quotes (inner quotes doubled) when they are empty, have edge whitespace or hold a special
 * character. The attribute labels below were taken from the .NET 10 SDK on Linux.
 */
const ATTRIBUTE_LABELS: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'S',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'T',
  '2.5.4.13': 'Description',
  '2.5.4.15': 'businessCategory',
  '2.5.4.16': 'postalAddress',
  '2.5.4.17': 'PostalCode',
  '2.5.4.18': 'POBox',
  '2.5.4.20': 'Phone',
  '2.5.4.42': 'G',
  '2.5.4.43': 'I',
  '2.5.4.44': 'generationQualifier',
  '2.5.4.46': 'dnQualifier',
  '2.5.4.51': 'houseIdentifier',
  '2.5.4.65': 'pseudonym',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'E',
  '0.9.2342.19200300.100.1.1': 'userId',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.3.6.1.4.1.311.60.2.1.1': 'jurisdictionLocalityName',
  '1.3.6.1.4.1.311.60.2.1.2': 'jurisdictionStateOrProvinceName',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionCountryName',
};

const COMMON_NAME = '2.5.4.3';

export interface NameAttribute {
  readonly oid: string;
  readonly value: string;
}

/** Name ::= SEQUENCE OF RelativeDistinguishedName (SET OF AttributeTypeAndValue), in encoding order. */
export function readNameAttributes(name: DerNode): NameAttribute[][] {
  if (!isUniversal(name, TAG.sequence)) throw new Error('a Name must be a SEQUENCE');
  return childrenOf(name).map((rdn) =>
    childrenOf(rdn).map((typeAndValue) => {
      const [type, value] = childrenOf(typeAndValue);
      return { oid: readOid(type, 'AttributeType'), value: attributeValueText(value) };
    }),
  );
}

export function formatDistinguishedName(rdns: readonly NameAttribute[][]): string {
  return [...rdns]
    .reverse()
    .map((rdn) => rdn.map((a) => `${labelOf(a.oid)}=${quoteIfNeeded(a.value)}`).join(' + '))
    .join(', ');
}

/** The last (most specific) common name, as .NET's `GetNameInfo(SimpleName)` prefers. */
export function commonNameOf(rdns: readonly NameAttribute[][]): string | undefined {
  const names = rdns.flat().filter((a) => a.oid === COMMON_NAME);
  return names[names.length - 1]?.value;
}

function labelOf(oid: string): string {
  return ATTRIBUTE_LABELS[oid] ?? `OID.${oid}`;
}

function quoteIfNeeded(value: string): string {
  const needsQuotes = value.length === 0 || /^\s|\s$/.test(value) || /[,+="\n<>#;]/.test(value);
  return needsQuotes ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Decodes the directory string types; anything else is shown as `#` + hex of its DER. */
function attributeValueText(value: DerNode | undefined): string {
  if (!value) return '';
  if (tagClass(value.tag) !== TAG_CLASS.universal || isConstructed(value.tag))
    return `#${toHex(encodedBytes(value))}`;
  const content = Buffer.from(primitiveContent(value));
  switch (tagNumber(value.tag)) {
    case 12: // UTF8String
      return content.toString('utf8');
    case 18: // NumericString
    case 19: // PrintableString
    case 22: // IA5String
    case 26: // VisibleString
      return content.toString('latin1');
    case 20: // TeletexString: treated as Latin-1, as most decoders do.
      return content.toString('latin1');
    case 28: // UniversalString (UTF-32BE)
      return decodeUtf32be(content);
    case 30: // BMPString (UTF-16BE)
      return content.length % 2 === 0
        ? Buffer.from(content).swap16().toString('utf16le')
        : `#${toHex(encodedBytes(value))}`;
    default:
      return `#${toHex(encodedBytes(value))}`;
  }
}

function decodeUtf32be(content: Buffer): string {
  let text = '';
  for (let i = 0; i + 4 <= content.length; i += 4) {
    // Invalid code points become U+FFFD rather than throwing on hostile input.
    const codePoint = content.readUInt32BE(i);
    text += String.fromCodePoint(codePoint <= 0x10ffff ? codePoint : 0xfffd);
  }
  return text;
}
