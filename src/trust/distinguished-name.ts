import { children, contentOf, elementOf, readTlv } from './der.js';
import { decodeString } from './name.js';

/**
 * Attribute names .NET's X500DistinguishedName.Name uses. Checked against .NET 10 on Linux: the
 * subjects of all 307 roots in codesignctl.pem render identically.
 */
const SHORT_NAMES: Readonly<Record<string, string>> = {
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
  '2.5.4.42': 'G',
  '2.5.4.43': 'I',
  '2.5.4.17': 'PostalCode',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'E',
  '0.9.2342.19200300.100.1.25': 'DC',
};

/**
 * Renders a DER Name the way .NET prints `X509Certificate2.Subject`, which NuGet puts in its
 * messages: RDNs most-specific first, `, ` between them, `+` inside multi-valued RDNs, and values
 * with special characters in double quotes (inner quotes doubled). Unknown attribute types are
 * written `OID.1.2.3=`.
 */
export function formatDistinguishedName(nameDer: Uint8Array): string {
  const name = readTlv(nameDer, 0);
  return children(nameDer, name)
    .map((rdn) =>
      children(nameDer, rdn)
        .map((attribute) => {
          const [type, value] = children(nameDer, attribute);
          if (!type || !value) throw new Error('DER: incomplete attribute');
          const oid = decodeOid(contentOf(nameDer, type));
          const label = SHORT_NAMES[oid] ?? `OID.${oid}`;
          const text =
            decodeString(value.tag, contentOf(nameDer, value)) ??
            `#${Buffer.from(elementOf(nameDer, value)).toString('hex')}`;
          return `${label}=${quote(text)}`;
        })
        .join(' + '),
    )
    .reverse()
    .join(', ');
}

function quote(text: string): string {
  const needsQuotes = text === '' || /^\s|\s$|[,+="\n\r<>#;]/.test(text);
  return needsQuotes ? `"${text.replace(/"/g, '""')}"` : text;
}

/** X.690 §8.19 OBJECT IDENTIFIER content octets to dotted form. */
export function decodeOid(content: Uint8Array): string {
  const arcs: bigint[] = [];
  let value = 0n;
  for (const byte of content) {
    value = (value << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(value);
      value = 0n;
    }
  }
  const first = arcs.shift() ?? 0n;
  const head = first < 80n ? [first / 40n, first % 40n] : [2n, first - 80n];
  return [...head, ...arcs].join('.');
}
