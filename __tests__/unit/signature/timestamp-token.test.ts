import { OID } from '../../../src/asn1/oids.js';
import { parseTimestampToken } from '../../../src/signature/timestamp-token.js';
import {
  contentInfo,
  contextPrimitive,
  encode,
  integer,
  octets,
  oid,
  sequence,
  signerInfo,
  timestampToken,
  tstInfo,
  utcTime,
} from './helpers/cms.js';
import { codeOf } from '../../helpers/codes.js';

const utcTstInfo = [
  integer(1),
  oid('1.2.3'),
  sequence(sequence(oid(OID.sha256)), octets(new Uint8Array(32))),
  integer(1),
  utcTime(new Date('2024-01-01T00:00:00Z')),
];

describe('#parseTimestampToken', () => {
  describe('when the token is well formed', () => {
    const info = tstInfo({
      genTime: '20240102030405.123Z',
      nonce: 77,
      hashedMessage: new Uint8Array(32).fill(3),
    });
    const subject = parseTimestampToken(timestampToken({ tstInfo: info }));

    it('reads the TSTInfo fields and keeps its DER', () => {
      expect(subject.eContentType).toBe(OID.tstInfo);
      expect(subject.tstInfoDer).toEqual(info);
      expect(subject.tstInfo.version).toBe(1);
      expect(subject.tstInfo.policy).toBe('1.2.3.4');
      expect(subject.tstInfo.messageImprint).toEqual({
        hashAlgorithmOid: OID.sha256,
        hashedMessage: new Uint8Array(32).fill(3),
      });
      expect(subject.tstInfo.nonce).toEqual(Uint8Array.of(77));
      expect(subject.tstInfo.ordering).toBe(false);
    });

    it('keeps the fractional seconds of genTime', () => {
      expect(subject.tstInfo.genTime.toISOString()).toBe('2024-01-02T03:04:05.123Z');
    });

    it('has one SignerInfo', () => {
      expect(subject.signer.version).toBe(3);
    });
  });

  describe('when evaluating accuracy (spec 5.5)', () => {
    it.each([
      [
        'seconds, millis and micros',
        sequence(
          integer(1),
          contextPrimitive(0, Uint8Array.of(0x01, 0xf4)),
          contextPrimitive(1, Uint8Array.of(7)),
        ),
        '1.2.3',
        1_500_007,
      ],
      ['millis only', sequence(contextPrimitive(0, Uint8Array.of(0x01, 0xf4))), '1.2.3', 500_000],
      ['an empty accuracy', sequence(), OID.etsiBaselineTimestampPolicy, 0],
      ['a negative seconds value', sequence(integer(-2)), '1.2.3', -2_000_000],
      [
        'no accuracy under the ETSI baseline policy',
        undefined,
        OID.etsiBaselineTimestampPolicy,
        1_000_000,
      ],
      ['no accuracy under another policy', undefined, '1.2.3', 0],
    ])('converts %s', (_label, accuracy, policy, micros) => {
      const subject = parseTimestampToken(
        timestampToken({ tstInfo: tstInfo({ accuracy, policy }) }),
      );
      expect(subject.tstInfo.accuracyMicroseconds).toBe(micros);
    });
  });

  describe('when the token does not hold exactly one SignerInfo', () => {
    it.each([0, 2])('reports NU3021 for %i', (count) => {
      const token = timestampToken({
        signerInfos: Array.from({ length: count }, () => signerInfo()),
      });
      expect(codeOf(() => parseTimestampToken(token))).toBe('NU3021');
    });
  });

  describe('when the content type is not id-ct-TSTInfo', () => {
    it('reports NU3021', () => {
      expect(codeOf(() => parseTimestampToken(timestampToken({ eContentType: OID.data })))).toBe(
        'NU3021',
      );
    });
  });

  describe('when the token has no content', () => {
    it('reports NU3021', () => {
      const token = contentInfo({ eContentType: OID.tstInfo });
      expect(codeOf(() => parseTimestampToken(token))).toBe('NU3021');
    });
  });

  describe('when the token or its TSTInfo does not decode', () => {
    it.each([
      ['garbage token', Uint8Array.of(1, 2, 3)],
      ['truncated token', timestampToken().subarray(0, 40)],
      ['TSTInfo that is not DER', timestampToken({ tstInfo: Uint8Array.of(0x30, 0x03, 0x02) })],
      ['TSTInfo without genTime', timestampToken({ tstInfo: encode(sequence(integer(1))) })],
      ['genTime as UTCTime', timestampToken({ tstInfo: encode(sequence(...utcTstInfo)) })],
    ])('reports NU3003 for a %s', (_label, token) => {
      expect(codeOf(() => parseTimestampToken(token))).toBe('NU3003');
    });
  });
});
