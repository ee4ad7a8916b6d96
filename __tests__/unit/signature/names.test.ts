import * as asn1js from 'asn1js';
import { decodeDer, type DerNode } from '../../../src/asn1/decode.js';
import {
  commonNameOf,
  formatDistinguishedName,
  readNameAttributes,
} from '../../../src/signature/names.js';
import { encode, oid, sequence, utf8 } from './helpers/cms.js';

/** Builds a Name from RDNs in encoding order; an inner array is a multi-valued RDN. */
function name(rdns: [string, asn1js.AsnType][][]): DerNode {
  const der = encode(
    sequence(
      ...rdns.map(
        (rdn) => new asn1js.Set({ value: rdn.map(([type, value]) => sequence(oid(type), value)) }),
      ),
    ),
  );
  return decodeDer(der, 'Name');
}

const format = (rdns: [string, asn1js.AsnType][][]) =>
  formatDistinguishedName(readNameAttributes(name(rdns)));

// Expected strings were printed by X500DistinguishedName.Name in the .NET 10 SDK on Linux for
// certificates with these names.
describe('#formatDistinguishedName', () => {
  describe('when values hold characters that need quoting', () => {
    it('quotes them and doubles inner quotes', () => {
      const subject = format([
        [['2.5.4.3', utf8('a,b')]],
        [['2.5.4.10', utf8('x+y')]],
        [['2.5.4.11', utf8('q"t')]],
        [['2.5.4.7', utf8(' lead')]],
        [['2.5.4.8', utf8('trail ')]],
        [['2.5.4.6', new asn1js.PrintableString({ value: 'US' })]],
      ]);
      expect(subject).toBe('C=US, S="trail ", L=" lead", OU="q""t", O="x+y", CN="a,b"');
    });

    it('quotes =, ;, #, <, > and empty values', () => {
      const subject = format([
        [['2.5.4.10', utf8('a=b')]],
        [['2.5.4.7', utf8('semi;colon')]],
        [['2.5.4.8', utf8('hash#')]],
        [['2.5.4.11', utf8('<lt>')]],
        [['2.5.4.3', utf8('')]],
      ]);
      expect(subject).toBe('CN="", OU="<lt>", S="hash#", L="semi;colon", O="a=b"');
    });
  });

  describe('when an RDN has several values', () => {
    it('joins them with " + " in encoding order', () => {
      const subject = format([
        [
          ['2.5.4.3', utf8('x')],
          ['2.5.4.11', utf8('y')],
        ],
        [['2.5.4.6', utf8('US')]],
      ]);
      expect(subject).toBe('C=US, CN=x + OU=y');
    });
  });

  describe('when attribute types are less common', () => {
    it.each([
      ['1.2.840.113549.1.9.1', 'E'],
      ['0.9.2342.19200300.100.1.25', 'DC'],
      ['2.5.4.5', 'SERIALNUMBER'],
      ['2.5.4.15', 'businessCategory'],
      ['1.3.6.1.4.1.311.60.2.1.3', 'jurisdictionCountryName'],
      ['2.5.4.97', 'organizationIdentifier'],
      ['1.2.3.4', 'OID.1.2.3.4'],
    ])('labels %s as %s', (type, label) => {
      expect(format([[[type, utf8('v')]]])).toBe(`${label}=v`);
    });
  });

  describe('when the value is a BMPString', () => {
    it('decodes UTF-16BE', () => {
      const value = new asn1js.BmpString({ value: 'Zürich' });
      expect(format([[['2.5.4.7', value]]])).toBe('L=Zürich');
    });
  });
});

describe('#commonNameOf', () => {
  it('returns the last CN in encoding order', () => {
    const rdns = readNameAttributes(
      name([[['2.5.4.3', utf8('first')]], [['2.5.4.3', utf8('last')]]]),
    );
    expect(commonNameOf(rdns)).toBe('last');
  });

  it('returns undefined without a CN', () => {
    expect(commonNameOf(readNameAttributes(name([[['2.5.4.6', utf8('US')]]])))).toBeUndefined();
  });
});
