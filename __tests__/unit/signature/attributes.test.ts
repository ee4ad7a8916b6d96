import * as asn1js from 'asn1js';
import {
  attributesByOid,
  decodeCommitmentTypeIndication,
  decodeMessageDigest,
  decodeNuGetPackageOwners,
  decodeNuGetV3ServiceIndexUrl,
  decodeSigningCertificate,
  decodeSigningCertificateV2,
  decodeSigningTime,
} from '../../../src/signature/attributes.js';
import { OID } from '../../../src/asn1/oids.js';
import {
  commitment,
  context,
  encode,
  ia5,
  integer,
  octets,
  oid,
  sequence,
  utf8,
  utcTime,
} from './helpers/cms.js';
import { codeOf } from '../../helpers/codes.js';

const NAME = sequence(new asn1js.Set({ value: [sequence(oid('2.5.4.3'), utf8('CA'))] }));

describe('#attributesByOid', () => {
  it('returns every attribute with the OID, in document order', () => {
    const list = [
      { oid: OID.signingTime, values: [Uint8Array.of(1)] },
      { oid: OID.messageDigest, values: [] },
      { oid: OID.signingTime, values: [Uint8Array.of(2)] },
    ];
    expect(attributesByOid(list, OID.signingTime).map((a) => a.values[0]?.[0])).toEqual([1, 2]);
    expect(attributesByOid(list, OID.countersignature)).toEqual([]);
  });
});

describe('#decodeSigningTime', () => {
  describe('when the value is a UTCTime', () => {
    it('returns the date', () => {
      const date = new Date('2019-04-01T18:24:53Z');
      expect(decodeSigningTime(encode(utcTime(date)))).toEqual(date);
    });
  });

  describe('when the value is a GeneralizedTime after 2049', () => {
    it('returns the date', () => {
      const value = encode(new asn1js.GeneralizedTime({ value: '20510101000000Z' }));
      expect(decodeSigningTime(value).toISOString()).toBe('2051-01-01T00:00:00.000Z');
    });
  });

  describe('when the value is not a time', () => {
    it('reports the given code', () => {
      expect(codeOf(() => decodeSigningTime(encode(integer(5)), 'NU3011'))).toBe('NU3011');
    });
  });
});

describe('#decodeMessageDigest', () => {
  it('returns the OCTET STRING contents', () => {
    expect(decodeMessageDigest(encode(octets(Uint8Array.of(1, 2, 3))))).toEqual(
      Uint8Array.of(1, 2, 3),
    );
  });

  describe('when trailing bytes follow the value', () => {
    it('reports NU3000', () => {
      const value = Uint8Array.of(...encode(octets(Uint8Array.of(1))), 0);
      expect(codeOf(() => decodeMessageDigest(value))).toBe('NU3000');
    });
  });
});

describe('#decodeCommitmentTypeIndication', () => {
  it('reads the commitment type without qualifiers', () => {
    expect(decodeCommitmentTypeIndication(encode(commitment(OID.proofOfOrigin)))).toEqual({
      commitmentTypeId: OID.proofOfOrigin,
      hasQualifiers: false,
    });
  });

  describe('when the qualifier sequence is present but empty', () => {
    it('reports NU3000', () => {
      const value = encode(commitment(OID.proofOfReceipt, sequence()));
      expect(codeOf(() => decodeCommitmentTypeIndication(value))).toBe('NU3000');
    });
  });
});

describe('#decodeSigningCertificateV2', () => {
  const certHash = new Uint8Array(32).fill(0xab);
  const issuerSerial = sequence(sequence(context(4, NAME)), integer(0x0102));

  describe('when written as the reference signer does', () => {
    it('reads the algorithm, hash, issuer name and serial bytes', () => {
      const value = encode(
        sequence(sequence(sequence(sequence(oid(OID.sha384)), octets(certHash), issuerSerial))),
      );
      const [subject] = decodeSigningCertificateV2(value);
      expect(subject?.hashAlgorithmOid).toBe(OID.sha384);
      expect(subject?.hashAlgorithmParameters).toBeUndefined();
      expect(subject?.certHash).toEqual(certHash);
      expect(subject?.issuerSerial?.serialNumber).toEqual(Uint8Array.of(0x01, 0x02));
      expect(subject?.issuerSerial?.generalNames.map((n) => n.tag)).toEqual([4]);
      expect(subject?.issuerSerial?.generalNames[0]?.nameDer).toEqual(encode(NAME));
    });
  });

  describe('when the hash algorithm is omitted', () => {
    it('defaults to SHA-256 and has no issuerSerial', () => {
      const [subject] = decodeSigningCertificateV2(
        encode(sequence(sequence(sequence(octets(certHash))))),
      );
      expect(subject?.hashAlgorithmOid).toBe(OID.sha256);
      expect(subject?.issuerSerial).toBeUndefined();
    });
  });

  describe('when the algorithm carries an explicit NULL', () => {
    it('keeps the parameter bytes for the check to judge', () => {
      const algorithm = sequence(oid(OID.sha256), new asn1js.Null());
      const [subject] = decodeSigningCertificateV2(
        encode(sequence(sequence(sequence(algorithm, octets(certHash))))),
      );
      expect(subject?.hashAlgorithmParameters).toEqual(Uint8Array.of(5, 0));
    });
  });

  describe('when the value is not SigningCertificateV2', () => {
    it.each([
      ['an INTEGER', encode(integer(1))],
      ['certs that is not a SEQUENCE', encode(sequence(integer(1)))],
      [
        'an ESSCertIDv2 without certHash',
        encode(sequence(sequence(sequence(sequence(oid(OID.sha256)))))),
      ],
      ['garbage', Uint8Array.of(0x30, 0x05, 0x01)],
    ])('reports NU3011 for %s by default and the given code otherwise', (_label, value) => {
      expect(codeOf(() => decodeSigningCertificateV2(value))).toBe('NU3011');
      expect(codeOf(() => decodeSigningCertificateV2(value, 'NU3031'))).toBe('NU3031');
    });
  });
});

describe('#decodeSigningCertificate', () => {
  it('reads the SHA-1 hash and the issuerSerial', () => {
    const hash = new Uint8Array(20).fill(1);
    const value = encode(
      sequence(sequence(sequence(octets(hash), sequence(sequence(context(4, NAME)), integer(7))))),
    );
    const [subject] = decodeSigningCertificate(value, 'NU3021');
    expect(subject?.certHash).toEqual(hash);
    expect(subject?.issuerSerial?.serialNumber).toEqual(Uint8Array.of(7));
  });

  describe('when an ESSCertID is malformed', () => {
    it('reports the given code', () => {
      const value = encode(sequence(sequence(sequence(integer(1)))));
      expect(codeOf(() => decodeSigningCertificate(value, 'NU3021'))).toBe('NU3021');
    });
  });
});

describe('#decodeNuGetV3ServiceIndexUrl', () => {
  it('returns an absolute https URL exactly as written', () => {
    const url = 'https://api.nuget.org/v3/index.json';
    expect(decodeNuGetV3ServiceIndexUrl(encode(ia5(url)))).toBe(url);
  });

  describe('when the value is not an absolute https URI', () => {
    it.each([
      ['http scheme', encode(ia5('http://api.nuget.org/v3/index.json'))],
      ['relative reference', encode(ia5('/v3/index.json'))],
      ['UTF8String instead of IA5String', encode(utf8('https://api.nuget.org/v3/index.json'))],
      ['trailing data', Uint8Array.of(...encode(ia5('https://a.test/')), 0x05, 0x00)],
    ])('reports NU3000 for a %s', (_label, value) => {
      expect(codeOf(() => decodeNuGetV3ServiceIndexUrl(value))).toBe('NU3000');
    });
  });
});

describe('#decodeNuGetPackageOwners', () => {
  it('returns the owners in order', () => {
    const value = encode(sequence(utf8('Microsoft'), utf8('nuget')));
    expect(decodeNuGetPackageOwners(value)).toEqual(['Microsoft', 'nuget']);
  });

  describe('when the list is empty, an owner is blank or not a UTF8String', () => {
    it.each([
      ['an empty list', encode(sequence())],
      ['an empty owner', encode(sequence(utf8('a'), utf8('')))],
      ['a whitespace-only owner', encode(sequence(utf8(' \t ')))],
      ['an IA5String owner', encode(sequence(ia5('a')))],
      ['a SET instead of a SEQUENCE', encode(new asn1js.Set({ value: [utf8('a')] }))],
    ])('reports NU3000 for %s', (_label, value) => {
      expect(codeOf(() => decodeNuGetPackageOwners(value))).toBe('NU3000');
    });
  });
});
