import * as asn1js from 'asn1js';
import { parseCertificate } from '../../../src/signature/certificate.js';
import { OID } from '../../../src/asn1/oids.js';
import { parseSignerInfo } from '../../../src/signature/signer-info.js';
import {
  attribute,
  commitment,
  createCertificate,
  encode,
  integer,
  octets,
  oid,
  raw,
  sequence,
  signerInfo,
  SKI,
  utcTime,
} from './helpers/cms.js';
import { codeOf } from '../../helpers/codes.js';

const commitmentAttribute = (...types: string[]) =>
  attribute(OID.commitmentTypeIndication, ...types.map((t) => commitment(t)));

describe('#parseSignerInfo', () => {
  describe('when the signer uses a subject key identifier and signed attributes', () => {
    const signedAttributes = [
      attribute(OID.signingTime, utcTime(new Date('2020-01-01T00:00:00Z'))),
      commitmentAttribute(OID.proofOfOrigin),
      attribute(OID.messageDigest, octets(new Uint8Array(32))),
    ];
    const der = encode(signerInfo({ signedAttributes, signature: Uint8Array.of(9, 8, 7) }));
    const subject = parseSignerInfo(der);

    it('reads the version, sid, algorithms and signature value', () => {
      expect(subject.version).toBe(3);
      expect(subject.sid).toEqual({ kind: 'subjectKeyIdentifier', keyIdentifier: SKI });
      expect(subject.digestAlgorithmOid).toBe(OID.sha256);
      expect(subject.signatureAlgorithmOid).toBe(OID.rsaEncryption);
      expect(subject.signatureValue).toEqual(Uint8Array.of(9, 8, 7));
      expect(subject.der).toEqual(der);
    });

    it('keeps the attributes in document order with each value DER', () => {
      expect(subject.signedAttributes.map((a) => a.oid)).toEqual([
        OID.signingTime,
        OID.commitmentTypeIndication,
        OID.messageDigest,
      ]);
      expect(subject.signedAttributes[1]?.values[0]).toEqual(encode(commitment(OID.proofOfOrigin)));
      expect(subject.unsignedAttributes).toEqual([]);
    });

    it('keeps the [0] signed attributes exactly as encoded', () => {
      const expected = encode(
        new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: signedAttributes }),
      );
      expect(subject.signedAttributesDer).toEqual(expected);
      expect(subject.signedAttributesDer?.[0]).toBe(0xa0);
    });

    it('is an author signature', () => {
      expect(subject.signatureType).toBe('author');
    });
  });

  describe('when the signed attributes use a non-minimal length encoding', () => {
    it('returns the original bytes, not a re-encoding', () => {
      const inner = encode(attribute(OID.signingTime, utcTime(new Date('2020-01-01T00:00:00Z'))));
      // [0] with a long-form length where the short form would do (valid BER).
      const signedAttrs = Uint8Array.of(0xa0, 0x81, inner.length, ...inner);
      const der = encode(
        sequence(
          integer(3),
          raw(Uint8Array.of(0x80, SKI.length, ...SKI)),
          sequence(oid(OID.sha256)),
          raw(signedAttrs),
          sequence(oid(OID.rsaEncryption)),
          octets(Uint8Array.of(1)),
        ),
      );
      expect(parseSignerInfo(der).signedAttributesDer).toEqual(signedAttrs);
    });
  });

  describe('when there are no signed attributes', () => {
    it('has none, no signed-attributes bytes and an unknown type', () => {
      const subject = parseSignerInfo(encode(signerInfo()));
      expect(subject.signedAttributes).toEqual([]);
      expect(subject.signedAttributesDer).toBeUndefined();
      expect(subject.signatureType).toBe('unknown');
    });
  });

  describe('when commitment-type-indication values name types', () => {
    it.each([
      [[OID.proofOfReceipt], 'repository'],
      [['1.2.840.113549.1.9.16.6.3'], 'unknown'],
      [[OID.proofOfReceipt, '1.2.840.113549.1.9.16.6.5'], 'repository'],
      [[OID.proofOfOrigin, OID.proofOfOrigin], 'author'],
    ])('reads %j as %s', (types, expected) => {
      const der = encode(signerInfo({ signedAttributes: [commitmentAttribute(...types)] }));
      expect(parseSignerInfo(der).signatureType).toBe(expected);
    });
  });

  describe('when both author and repository commitment types are present', () => {
    it('reports NU3000 for two values of one attribute', () => {
      const der = encode(
        signerInfo({
          signedAttributes: [commitmentAttribute(OID.proofOfOrigin, OID.proofOfReceipt)],
        }),
      );
      expect(codeOf(() => parseSignerInfo(der))).toBe('NU3000');
    });

    it('reports NU3000 for two attributes', () => {
      const der = encode(
        signerInfo({
          signedAttributes: [
            commitmentAttribute(OID.proofOfReceipt),
            commitmentAttribute(OID.proofOfOrigin),
          ],
        }),
      );
      expect(codeOf(() => parseSignerInfo(der))).toBe('NU3000');
    });
  });

  describe('when the commitment qualifier list is present but empty', () => {
    it('reports NU3000', () => {
      const value = commitment(OID.proofOfOrigin, sequence());
      const der = encode(
        signerInfo({ signedAttributes: [attribute(OID.commitmentTypeIndication, value)] }),
      );
      expect(codeOf(() => parseSignerInfo(der))).toBe('NU3000');
    });
  });

  describe('when the SignerInfo is malformed', () => {
    it.each([
      ['an empty SEQUENCE', encode(sequence())],
      [
        'a missing signature',
        encode(sequence(integer(1), raw(Uint8Array.of(0x80, 1, 1)), sequence(oid(OID.sha256)))),
      ],
      ['an INTEGER', encode(integer(1))],
    ])('reports NU3003 for %s', (_label, der) => {
      expect(codeOf(() => parseSignerInfo(der))).toBe('NU3003');
    });
  });
});

describe('#findSignerCertificate', () => {
  describe('when the sid is a subject key identifier', () => {
    it('returns the certificate whose SKI extension matches', async () => {
      const other = parseCertificate(
        await createCertificate({ subjectKeyIdentifier: Uint8Array.of(1) }),
      );
      const signer = parseCertificate(await createCertificate({ subjectKeyIdentifier: SKI }));
      const subject = parseSignerInfo(encode(signerInfo()));
      expect(subject.findSignerCertificate([other, signer])).toBe(signer);
      expect(subject.findSignerCertificate([other])).toBeUndefined();
    });
  });

  describe('when the sid is issuer and serial number', () => {
    it('matches the issuer Name and the serial bytes exactly', async () => {
      const issuer: [string, string][] = [['2.5.4.3', 'Test CA']];
      const certificate = parseCertificate(
        await createCertificate({ issuer, serialNumber: Uint8Array.of(0x00, 0x80) }),
      );
      const sid = (serial: number[]) =>
        sequence(
          raw(certificate.issuerDer),
          new asn1js.Integer({ valueHex: Uint8Array.from(serial) }),
        );
      const matching = parseSignerInfo(encode(signerInfo({ sid: sid([0x00, 0x80]) })));
      const otherSerial = parseSignerInfo(encode(signerInfo({ sid: sid([0x80]) })));
      expect(matching.sid.kind).toBe('issuerAndSerialNumber');
      expect(matching.version).toBe(1);
      expect(matching.findSignerCertificate([certificate])).toBe(certificate);
      expect(otherSerial.findSignerCertificate([certificate])).toBeUndefined();
    });
  });
});
