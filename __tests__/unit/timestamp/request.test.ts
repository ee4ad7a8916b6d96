import * as asn1js from 'asn1js';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { HASH_ALGORITHMS } from '../../../src/hash-algorithms.js';
import { buildTimeStampRequest, normalizeUnsignedInteger } from '../../../src/timestamp/request.js';

const HASH = createHash('sha256').update('signature').digest();

function decode(der: Uint8Array): asn1js.AsnType[] {
  const decoded = asn1js.fromBER(Uint8Array.from(der).buffer);
  expect(decoded.offset).toBe(der.byteLength);
  expect(decoded.result).toBeInstanceOf(asn1js.Sequence);
  return (decoded.result as asn1js.Sequence).valueBlock.value;
}

/** The request as asn1js writes it from an object tree: the oracle for the DER writer. */
function asn1jsRequest(oid: string, hash: Uint8Array, nonce: Uint8Array): Uint8Array {
  const sequence = (...value: asn1js.AsnType[]) => new asn1js.Sequence({ value });
  const request = sequence(
    new asn1js.Integer({ value: 1 }),
    sequence(
      sequence(new asn1js.ObjectIdentifier({ value: oid }), new asn1js.Null()),
      new asn1js.OctetString({ valueHex: Uint8Array.from(hash).buffer }),
    ),
    new asn1js.Integer({ valueHex: Uint8Array.from(nonce).buffer }),
    new asn1js.Boolean({ value: true }),
  );
  return new Uint8Array(request.toBER(false));
}

describe('#buildTimeStampRequest', () => {
  describe('for any hash algorithm, hash and nonce', () => {
    it('writes the bytes asn1js writes for the same request', () => {
      fc.assert(
        fc.property(
          fc.constantFrom('sha256', 'sha384', 'sha512' as const),
          fc.uint8Array({ minLength: 32, maxLength: 32 }),
          (algorithm, random) => {
            const hash = createHash(algorithm).update(random).digest();
            const subject = buildTimeStampRequest(algorithm, hash, () => random);
            expect(Buffer.from(subject.der)).toEqual(
              Buffer.from(asn1jsRequest(HASH_ALGORITHMS[algorithm].oid, hash, subject.nonce)),
            );
          },
        ),
        { numRuns: 50 },
      );
    });
  });

  describe('when given a SHA-256 hash', () => {
    const subject = buildTimeStampRequest('sha256', HASH, () => Buffer.alloc(32, 0xff));
    const fields = decode(subject.der);

    it('writes exactly version, messageImprint, nonce and certReq', () => {
      expect(fields).toHaveLength(4);
      expect((fields[0] as asn1js.Integer).valueBlock.valueDec).toBe(1);
      expect(fields[3]).toBeInstanceOf(asn1js.Boolean);
      expect((fields[3] as asn1js.Boolean).valueBlock.value).toBe(true);
    });

    it('writes the hash algorithm with explicit NULL parameters', () => {
      const [algorithm, hashedMessage] = (fields[1] as asn1js.Sequence).valueBlock.value as [
        asn1js.Sequence,
        asn1js.OctetString,
      ];
      const [oid, params] = algorithm.valueBlock.value;
      expect((oid as asn1js.ObjectIdentifier).valueBlock.toString()).toBe('2.16.840.1.101.3.4.2.1');
      expect(params).toBeInstanceOf(asn1js.Null);
      expect(Buffer.from(hashedMessage.valueBlock.valueHexView)).toEqual(HASH);
    });

    it('clears the top bit of the first nonce byte and encodes it as a positive INTEGER', () => {
      const nonce = (fields[2] as asn1js.Integer).valueBlock.valueHexView;
      expect(nonce).toHaveLength(32);
      expect(nonce[0]).toBe(0x7f);
      expect(Buffer.from(nonce)).toEqual(Buffer.from(subject.nonce));
    });
  });

  describe('when the random bytes start with zero bytes', () => {
    it('strips them so the INTEGER is minimally encoded', () => {
      const random = Buffer.alloc(32, 0x11);
      random[0] = 0x00;
      random[1] = 0x00;
      const subject = buildTimeStampRequest('sha384', Buffer.alloc(48), () => random);
      const nonce = (decode(subject.der)[2] as asn1js.Integer).valueBlock.valueHexView;
      expect(nonce).toHaveLength(30);
      expect(Buffer.from(subject.nonce)).toEqual(random.subarray(2));
    });
  });

  describe('when no randomness is injected', () => {
    it('uses a different nonce each time', () => {
      const a = buildTimeStampRequest('sha512', Buffer.alloc(64));
      const b = buildTimeStampRequest('sha512', Buffer.alloc(64));
      expect(Buffer.from(a.nonce).equals(Buffer.from(b.nonce))).toBe(false);
    });
  });
});

describe('#normalizeUnsignedInteger', () => {
  it.each([
    ['00 00 7f', '7f'],
    ['00 80', '00 80'],
    ['00 00 80', '00 80'],
    ['80', '00 80'],
    ['00', '00'],
    ['01 02', '01 02'],
  ])('turns %s into %s', (input, expected) => {
    const bytes = Buffer.from(input.replace(/ /g, ''), 'hex');
    expect(Buffer.from(normalizeUnsignedInteger(bytes)).toString('hex')).toBe(
      expected.replace(/ /g, ''),
    );
  });
});
