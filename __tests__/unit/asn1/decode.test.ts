import fc from 'fast-check';
import { bytesEqual, concat, toHex } from '../../../src/asn1/bytes.js';
import {
  childrenOf,
  decodeBer,
  decodeDer,
  encodedBytes,
  expectUniversal,
  isContextTag,
  isNullOrAbsentParameters,
  isUniversal,
  primitiveContent,
  readBitString,
  readExtensions,
  readIntegerBytes,
  readOctetString,
  readOid,
  readSmallEnumerated,
  readSmallInteger,
  StructureError,
} from '../../../src/asn1/decode.js';
import {
  encodeTlv,
  objectIdentifier,
  octetString,
  sequence,
  smallInteger,
} from '../../../src/asn1/encode.js';
import { contextTag, TAG } from '../../../src/asn1/tags.js';
import { readTime } from '../../../src/asn1/time.js';
import { LIMITS } from '../../../src/limits.js';
import { codeOf } from '../../helpers/codes.js';

const bytes = (...octets: number[]) => Uint8Array.from(octets);

describe('#decodeDer', () => {
  describe('when the input is one sound element', () => {
    it('decodes it and keeps its exact bytes', () => {
      const der = sequence(smallInteger(3), objectIdentifier('1.2.840.113549.1.7.2'));
      const block = decodeDer(der, 'test value');
      expect(encodedBytes(block)).toEqual(der);
      expect(childrenOf(block)).toHaveLength(2);
    });
  });

  describe('when the input uses BER indefinite lengths', () => {
    it('decodes it, as .NET AsnReader does in BER mode', () => {
      const ber = bytes(0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00);
      expect(readSmallInteger(childrenOf(decodeDer(ber, 'test value'))[0], 'n')).toBe(5);
    });
  });

  describe.each([
    ['it is empty', new Uint8Array(), 'it is empty'],
    [
      'bytes follow the element',
      bytes(0x05, 0x00, 0x05, 0x00),
      '2 bytes follow the encoded element',
    ],
    [
      'a child overruns its parent',
      bytes(0x30, 0x02, 0x04, 0x05, 0xaa),
      'the element at byte 2 is malformed',
    ],
    ['an INTEGER is empty', bytes(0x30, 0x02, 0x02, 0x00), 'the element at byte 2 is malformed'],
    ['it is cut short', bytes(0x30, 0x05, 0x02, 0x01), 'the element at byte 0 is malformed'],
  ])('when %s', (_, input, why) => {
    it('throws the coded error naming the value and the problem', () => {
      expect(codeOf(() => decodeDer(input, 'test value', 'NUPKG006'))).toBe('NUPKG006');
      expect(() => decodeDer(input, 'test value')).toThrow(
        `The test value cannot be decoded: ${why}`,
      );
    });
  });

  describe('when elements nest deeper than the limit', () => {
    it('refuses them with NU3003 instead of exhausting the stack', () => {
      let nested: Uint8Array = bytes(0x05, 0x00);
      for (let i = 0; i <= LIMITS.maxAsn1Depth + 1; i++) nested = sequence(nested);
      expect(codeOf(() => decodeDer(nested, 'test value'))).toBe('NU3003');
    });
  });
});

describe('#decodeDer, judging element contents as it always has', () => {
  const hex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));

  describe.each([
    [
      'a BIT STRING has 8 unused bits',
      '3004030208ff',
      'Unused bits for BitString must be in range 0-7',
    ],
    ['a GeneralizedTime is no time', '30051803616263', 'Wrong input string for conversion'],
    [
      'a BMPString has an odd length',
      '30051e03616263',
      'BMPString value length must be a multiple of 2',
    ],
    [
      'an OID ends inside a subidentifier',
      '3003060181',
      'End of input reached before message was fully decoded',
    ],
  ])('when %s', (_, input, why) => {
    it('refuses it with the coded error and the same words', () => {
      expect(() => decodeDer(hex(input), 'test value')).toThrow(
        `The test value cannot be decoded: ${why}.`,
      );
      expect(codeOf(() => decodeDer(hex(input), 'test value'))).toBe('NU3003');
    });
  });

  describe('when a BER constructed OCTET STRING sits inside a larger buffer', () => {
    it('accepts it, keeps exact bytes and concatenates the segments', () => {
      const der = hex('300a24800401aa0401bb0000');
      const framed = Buffer.concat([Buffer.alloc(7), der, Buffer.alloc(3)]).subarray(
        7,
        7 + der.length,
      );
      const root = decodeDer(framed, 'x');
      expect(encodedBytes(root)).toEqual(der);
      const [octets] = childrenOf(root);
      expect(readOctetString(octets, 'value')).toEqual(bytes(0xaa, 0xbb));
      expect(encodedBytes(octets!)).toEqual(der.subarray(2));
    });
  });

  describe('when elements nest exactly to the depth limit', () => {
    it("accepts them, and refuses one level more in asn1js's words", () => {
      let nested: Uint8Array = bytes(0x05, 0x00);
      for (let i = 0; i < LIMITS.maxAsn1Depth; i++) nested = sequence(nested);
      expect(encodedBytes(decodeDer(nested, 'x'))).toEqual(nested);
      expect(() => decodeDer(sequence(nested), 'x')).toThrow(
        'Maximum ASN.1 nesting depth exceeded',
      );
    });
  });
});

describe('#decodeBer', () => {
  describe('when bytes follow the element', () => {
    it('decodes the first element and says where it ends, for the caller to judge', () => {
      expect(decodeBer(bytes(0x05, 0x00, 0xff), 'pkcs12')?.end).toBe(2);
    });
  });

  describe('when the input is not ASN.1', () => {
    it('gives undefined', () => {
      expect(decodeBer(bytes(0x30, 0x05, 0x02), 'pkcs12')).toBeUndefined();
      expect(decodeBer(new Uint8Array(), 'timestampResponse')).toBeUndefined();
    });
  });

  describe('when elements nest past the budget', () => {
    it('gives undefined: PKCS#12 at the shared depth limit, TimeStampResp at the asn1js default of 100', () => {
      let nested: Uint8Array = bytes(0x05, 0x00);
      for (let i = 0; i < 80; i++) nested = sequence(nested);
      expect(decodeBer(nested, 'pkcs12')).toBeUndefined();
      expect(decodeBer(nested, 'timestampResponse')?.end).toBe(nested.length);
    });
  });
});

describe('tag tests', () => {
  it('matches universal blocks by tag number and context blocks by [n]', () => {
    const [integer, tagged] = childrenOf(
      decodeDer(sequence(smallInteger(1), encodeTlv(contextTag(2, true), smallInteger(1))), 'x'),
    );
    expect(isUniversal(integer, TAG.integer)).toBe(true);
    expect(isUniversal(integer, TAG.sequence)).toBe(false);
    expect(isContextTag(tagged, 2)).toBe(true);
    expect(isContextTag(integer, 2)).toBe(false);
    expect(() => expectUniversal(tagged, TAG.integer, 'version')).toThrow(StructureError);
  });
});

describe('value readers', () => {
  it('read INTEGER, OID, OCTET STRING, BIT STRING and ENUMERATED contents', () => {
    const der = sequence(
      encodeTlv(TAG.integer, bytes(0x00, 0x80)),
      objectIdentifier('2.5.29.37'),
      octetString(bytes(1, 2)),
      encodeTlv(TAG.bitString, bytes(0x07, 0x80)),
      encodeTlv(TAG.enumerated, bytes(0x06)),
      encodeTlv(TAG.enumerated, bytes(0x01, 0x00)),
    );
    const [integer, oid, octets, bits, enumerated, longEnumerated] = childrenOf(
      decodeDer(der, 'x'),
    );
    expect(readIntegerBytes(integer, 'serial')).toEqual(bytes(0x00, 0x80));
    expect(readOid(oid, 'type')).toBe('2.5.29.37');
    expect(readOctetString(octets, 'value')).toEqual(bytes(1, 2));
    expect(readBitString(bits)).toEqual(bytes(0x80));
    expect(readSmallEnumerated(enumerated, 'status')).toBe(6);
    expect(readSmallEnumerated(longEnumerated, 'status')).toBeUndefined();
    expect(primitiveContent(bits!)).toEqual(bytes(0x07, 0x80));
  });

  it('name the field when the type is wrong', () => {
    const [integer] = childrenOf(decodeDer(sequence(smallInteger(1)), 'x'));
    expect(() => readOid(integer, 'extnID')).toThrow('extnID is missing or has the wrong type');
    expect(() => readBitString(integer)).toThrow('expected a BIT STRING');
    expect(() => readSmallEnumerated(integer, 'responseStatus')).toThrow(
      'responseStatus is not an ENUMERATED',
    );
  });

  it('refuse a SMALL INTEGER wider than six octets', () => {
    const [wide] = childrenOf(
      decodeDer(sequence(encodeTlv(TAG.integer, bytes(1, 0, 0, 0, 0, 0, 0))), 'x'),
    );
    expect(() => readSmallInteger(wide, 'pathLenConstraint')).toThrow(
      'pathLenConstraint is too large',
    );
  });
});

describe('#readExtensions', () => {
  it('reads critical and non-critical extensions', () => {
    const list = sequence(
      sequence(
        objectIdentifier('2.5.29.15'),
        encodeTlv(TAG.boolean, bytes(0xff)),
        octetString(bytes(3, 2, 1, 6)),
      ),
      sequence(objectIdentifier('2.5.29.14'), octetString(octetString(bytes(9)))),
    );
    expect(readExtensions(decodeDer(list, 'extensions'))).toEqual([
      { oid: '2.5.29.15', critical: true, value: bytes(3, 2, 1, 6) },
      { oid: '2.5.29.14', critical: false, value: octetString(bytes(9)) },
    ]);
    expect(readExtensions(undefined)).toEqual([]);
  });
});

describe('#readTime', () => {
  it.each([
    ['UTCTime before 2050', TAG.utcTime, '491231235959Z', '2049-12-31T23:59:59.000Z'],
    ['UTCTime from 1950', TAG.utcTime, '500101000000Z', '1950-01-01T00:00:00.000Z'],
    [
      'GeneralizedTime with a fraction',
      TAG.generalizedTime,
      '20240229120000.123Z',
      '2024-02-29T12:00:00.123Z',
    ],
    [
      'GeneralizedTime with an offset',
      TAG.generalizedTime,
      '20240101120000+0130',
      '2024-01-01T10:30:00.000Z',
    ],
  ])('reads %s', (_, tag, text, iso) => {
    const [time] = childrenOf(
      decodeDer(sequence(encodeTlv(tag, Buffer.from(text, 'latin1'))), 'x'),
    );
    expect(readTime(time, 'genTime').toISOString()).toBe(iso);
  });

  it('refuses text that is no time', () => {
    const [time] = childrenOf(
      decodeDer(sequence(encodeTlv(TAG.utcTime, Buffer.from('yesterday'))), 'x'),
    );
    expect(() => readTime(time, 'thisUpdate')).toThrow(
      "thisUpdate 'yesterday' is not a valid time",
    );
  });
});

describe('byte helpers', () => {
  it('compare, join and print bytes', () => {
    expect(bytesEqual(bytes(1, 2), bytes(1, 2))).toBe(true);
    expect(bytesEqual(bytes(1, 2), bytes(1))).toBe(false);
    expect(concat([bytes(1), bytes(2, 3)])).toEqual(bytes(1, 2, 3));
    expect(toHex(bytes(0xab, 0x01))).toBe('AB01');
    expect(isNullOrAbsentParameters(undefined)).toBe(true);
    expect(isNullOrAbsentParameters(bytes(0x05, 0x00))).toBe(true);
    expect(isNullOrAbsentParameters(bytes(0x05, 0x01, 0x00))).toBe(false);
  });
});

describe('encoding then decoding', () => {
  it('round-trips OIDs and OCTET STRINGs of any size', () => {
    const arc = fc.integer({ min: 0, max: 2 ** 31 });
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1, 2),
        fc.integer({ min: 0, max: 39 }),
        fc.array(arc, { maxLength: 8 }),
        fc.uint8Array({ maxLength: 2000 }),
        (first, second, rest, content) => {
          const oid = [first, second, ...rest].join('.');
          const [decodedOid, decodedOctets] = childrenOf(
            decodeDer(sequence(objectIdentifier(oid), octetString(content)), 'x'),
          );
          expect(readOid(decodedOid, 'oid')).toBe(oid);
          expect(readOctetString(decodedOctets, 'octets')).toEqual(content);
        },
      ),
      { numRuns: 100 },
    );
  });
});
