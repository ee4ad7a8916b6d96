import * as asn1js from 'asn1js';
import { canonicalNameKey } from '../../../src/trust/name.js';

type StringType = new (parameters: { value: string }) => asn1js.BaseBlock;

/** A Name with one single-valued RDN per [oid, type, value]. */
function name(...rdns: [string, StringType, string][]): Uint8Array {
  const sequence = new asn1js.Sequence({
    value: rdns.map(
      ([oid, Type, value]) =>
        new asn1js.Set({
          value: [
            new asn1js.Sequence({
              value: [new asn1js.ObjectIdentifier({ value: oid }), new Type({ value })],
            }),
          ],
        }),
    ),
  });
  return new Uint8Array(sequence.toBER());
}

const CN = '2.5.4.3';
const O = '2.5.4.10';

describe('#canonicalNameKey', () => {
  it('matches PrintableString and UTF8String spellings that differ in case and spacing', () => {
    const a = name(
      [O, asn1js.PrintableString, 'DigiCert Inc'],
      [CN, asn1js.PrintableString, 'Root  G4'],
    );
    const b = name([O, asn1js.Utf8String, ' digicert inc '], [CN, asn1js.Utf8String, 'ROOT G4']);
    expect(canonicalNameKey(a)).toBe(canonicalNameKey(b));
  });

  it('matches a BMPString value with the same text', () => {
    const a = name([CN, asn1js.BmpString, 'Root']);
    const b = name([CN, asn1js.Utf8String, 'root']);
    expect(canonicalNameKey(a)).toBe(canonicalNameKey(b));
  });

  it('distinguishes names whose attributes are in a different order', () => {
    const a = name([O, asn1js.Utf8String, 'X'], [CN, asn1js.Utf8String, 'Y']);
    const b = name([CN, asn1js.Utf8String, 'Y'], [O, asn1js.Utf8String, 'X']);
    expect(canonicalNameKey(a)).not.toBe(canonicalNameKey(b));
  });

  it('distinguishes different values', () => {
    expect(canonicalNameKey(name([CN, asn1js.Utf8String, 'A']))).not.toBe(
      canonicalNameKey(name([CN, asn1js.Utf8String, 'B'])),
    );
  });

  it('falls back to the raw bytes for an unparseable name', () => {
    expect(canonicalNameKey(new Uint8Array([0x30, 0x05, 0x31]))).toBe('raw:300531');
  });
});
