import { OID } from '../../../src/asn1/oids.js';
import { parsePrimarySignature } from '../../../src/signature/primary-signature.js';
import {
  attribute,
  commitment,
  contentInfo,
  createCertificate,
  encode,
  integer,
  oid,
  raw,
  sequence,
  signerInfo,
  SKI,
  timestampToken,
} from './helpers/cms.js';
import { codeOf } from '../../helpers/codes.js';

const CONTENT = new TextEncoder().encode('Version:1\n\n2.16.840.1.101.3.4.2.1-Hash:x\n\n');
const typed = (type: string) => [attribute(OID.commitmentTypeIndication, commitment(type))];

describe('#parsePrimarySignature', () => {
  describe('when given an author signature with a timestamp and two countersignatures', () => {
    let subject: ReturnType<typeof parsePrimarySignature>;
    let certificate: Uint8Array;

    beforeAll(async () => {
      certificate = await createCertificate({ subjectKeyIdentifier: SKI });
      const repository = signerInfo({
        signedAttributes: typed(OID.proofOfReceipt),
        unsignedAttributes: [attribute(OID.signatureTimeStampToken, raw(timestampToken()))],
      });
      const unknown = signerInfo();
      subject = parsePrimarySignature(
        contentInfo({
          eContent: CONTENT,
          certificates: [certificate],
          signerInfos: [
            signerInfo({
              signedAttributes: typed(OID.proofOfOrigin),
              unsignedAttributes: [
                attribute(
                  OID.signatureTimeStampToken,
                  raw(timestampToken()),
                  raw(timestampToken()),
                ),
                attribute(OID.countersignature, unknown, repository),
              ],
            }),
          ],
        }),
      );
    });

    it('reads the content, certificates and signer', () => {
      expect(subject.contentType).toBe(OID.signedData);
      expect(subject.eContentType).toBe(OID.data);
      expect(subject.content).toEqual(CONTENT);
      expect(subject.certificates.map((c) => c.der)).toEqual([certificate]);
      expect(subject.signerInfoCount).toBe(1);
      expect(subject.signatureType).toBe('author');
      expect(subject.signer.findSignerCertificate(subject.certificates)?.der).toEqual(certificate);
    });

    it('collects every timestamp value in order', () => {
      expect(subject.timestamps).toHaveLength(2);
      expect(subject.timestamps[0]?.tstInfo.genTime.toISOString()).toBe('2024-01-02T03:04:05.000Z');
    });

    it('collects every countersignature and picks out the repository one', () => {
      expect(subject.countersignatures.map((c) => c.signer.signatureType)).toEqual([
        'unknown',
        'repository',
      ]);
      expect(subject.countersignatures.map((c) => c.timestamps.length)).toEqual([0, 1]);
      expect(subject.repositoryCountersignatures).toEqual([subject.countersignatures[1]]);
    });
  });

  describe('when two countersignatures are of type Repository', () => {
    it('keeps both for the checks to report NU3032', () => {
      const repository = signerInfo({ signedAttributes: typed(OID.proofOfReceipt) });
      const subject = parsePrimarySignature(
        contentInfo({
          eContent: CONTENT,
          signerInfos: [
            signerInfo({
              signedAttributes: typed(OID.proofOfOrigin),
              unsignedAttributes: [
                attribute(OID.countersignature, repository),
                attribute(OID.countersignature, repository),
              ],
            }),
          ],
        }),
      );
      expect(subject.repositoryCountersignatures).toHaveLength(2);
    });
  });

  describe('when the content is detached', () => {
    it('has no content', () => {
      expect(parsePrimarySignature(contentInfo()).content).toBeUndefined();
    });
  });

  describe('when the SignedData does not hold exactly one SignerInfo', () => {
    it.each([0, 2])('reports NU3009 for %i SignerInfos', (count) => {
      const bytes = contentInfo({
        eContent: CONTENT,
        signerInfos: Array.from({ length: count }, () => signerInfo()),
      });
      expect(codeOf(() => parsePrimarySignature(bytes))).toBe('NU3009');
    });
  });

  describe('when the signer claims both author and repository', () => {
    it('reports NU3000', () => {
      const signedAttributes = [
        attribute(
          OID.commitmentTypeIndication,
          commitment(OID.proofOfOrigin),
          commitment(OID.proofOfReceipt),
        ),
      ];
      const bytes = contentInfo({
        eContent: CONTENT,
        signerInfos: [signerInfo({ signedAttributes })],
      });
      expect(codeOf(() => parsePrimarySignature(bytes))).toBe('NU3000');
    });
  });

  describe('when the input is not a CMS SignedData', () => {
    const valid = contentInfo({ eContent: CONTENT });
    let nested = Uint8Array.of(0x05, 0x00);
    for (let i = 0; i < 5000; i++)
      nested = Uint8Array.of(0x30, 0x80, ...nested, 0x00, 0x00).subarray(0);
    it.each([
      ['empty input', new Uint8Array()],
      ['ASCII text', new TextEncoder().encode('this is not a signature')],
      ['a truncated signature', valid.subarray(0, valid.length - 10)],
      ['a ContentInfo of type data', contentInfo({ contentType: OID.data })],
      ['a bare SEQUENCE', encode(sequence(integer(1)))],
      ['a SignedData without signerInfos', encode(sequence(oid(OID.signedData)))],
      ['5,000 nested indefinite-length SEQUENCEs', nested],
      ['a malformed certificate', contentInfo({ certificates: [encode(sequence(integer(1)))] })],
    ])('reports NU3003 for %s', (_label, bytes) => {
      expect(codeOf(() => parsePrimarySignature(bytes))).toBe('NU3003');
    });
  });

  describe('when bytes follow the ContentInfo', () => {
    const valid = contentInfo({ eContent: CONTENT });
    // SignedCms.Decode reads one ContentInfo and ignores the rest: dotnet nuget verify accepts such
    // a signature (verify-dotnet-differential.test.ts, cms-trailing-* and lfh-sizes-both-plus-1).
    it.each([
      ['a zero byte', Uint8Array.of(0)],
      ['garbage', new TextEncoder().encode('PK not DER')],
      ['a second copy of the signature', valid],
    ])('reads the signature and ignores %s', (_label, tail) => {
      const subject = parsePrimarySignature(Uint8Array.of(...valid, ...tail));
      expect(subject.der).toEqual(Uint8Array.from(valid));
      expect(subject.signerInfoCount).toBe(1);
    });
  });
});
