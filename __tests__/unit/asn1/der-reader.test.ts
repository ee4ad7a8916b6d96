import fc from 'fast-check';
import {
  childElements,
  children,
  expectTag,
  findMisnestedElement,
  readElement,
  readHeader,
  readObjectIdentifier,
  readSingle,
  readTlv,
} from '../../../src/asn1/der-reader.js';
import { encodeTlv, objectIdentifier, sequence } from '../../../src/asn1/encode.js';
import { TAG } from '../../../src/asn1/tags.js';
import { LIMITS } from '../../../src/limits.js';
import { codeOf } from '../../helpers/codes.js';

const bytes = (...octets: number[]) => Uint8Array.from(octets);

/** `depth` SEQUENCEs nested inside each other around an empty one, all with indefinite lengths. */
function indefiniteNest(depth: number): Uint8Array {
  return bytes(
    ...Array<number>(depth)
      .fill(0)
      .flatMap(() => [0x30, 0x80]),
    ...Array<number>(depth)
      .fill(0)
      .flatMap(() => [0, 0]),
  );
}

/** `depth` SEQUENCEs nested inside each other with definite lengths. */
function definiteNest(depth: number): Uint8Array {
  let inner: Uint8Array = bytes(0x05, 0x00);
  for (let i = 0; i < depth; i++) inner = sequence(inner);
  return inner;
}

describe('#readHeader', () => {
  describe('when the length is short form', () => {
    it('gives the content offset and length', () => {
      expect(readHeader(bytes(0x04, 0x02, 0xaa, 0xbb), 0, 4, 'der')).toEqual({
        tag: 0x04,
        offset: 0,
        start: 2,
        length: 2,
      });
    });
  });

  describe('when the length is long form, even non-minimal', () => {
    it('reads it under both rules, as every caller did before', () => {
      const nonMinimal = bytes(0x04, 0x81, 0x01, 0xaa);
      expect(readHeader(nonMinimal, 0, 4, 'der')).toMatchObject({ start: 3, length: 1 });
      expect(readHeader(nonMinimal, 0, 4, 'ber')).toMatchObject({ start: 3, length: 1 });
    });
  });

  describe('when the length is indefinite', () => {
    it("is refused by the 'der' rule and announced by the 'ber' rule", () => {
      const indefinite = bytes(0x30, 0x80, 0x00, 0x00);
      expect(readHeader(indefinite, 0, 4, 'der')).toBe('indefinite length');
      expect(readHeader(indefinite, 0, 4, 'ber')).toMatchObject({ start: 2, length: undefined });
    });
  });

  describe('when the header is malformed', () => {
    it.each([
      ['a single octet', bytes(0x30), 'truncated element header'],
      ['a high tag number', bytes(0x1f, 0x01, 0x00), 'high tag numbers are not used in CMS'],
      ['five length octets', bytes(0x04, 0x85, 0, 0, 0, 0, 1), 'length field too long'],
      ['length octets cut off', bytes(0x04, 0x82, 0x01), 'truncated length field'],
    ])('names the problem for %s', (_, input, problem) => {
      expect(readHeader(input, 0, input.length, 'der')).toBe(problem);
      expect(readHeader(input, 0, input.length, 'ber')).toBe(problem);
    });
  });
});

describe('#readElement (BER walker)', () => {
  describe('when an indefinite-length SEQUENCE holds children', () => {
    it('ends after the end-of-contents octets and lists the children', () => {
      const der = bytes(0x30, 0x80, 0x02, 0x01, 0x05, 0x05, 0x00, 0x00, 0x00);
      const element = readElement(der, 0, der.length);
      expect(element).toEqual({ tag: 0x30, offset: 0, start: 2, end: 9, indefinite: true });
      expect(childElements(der, element!).map((child) => child.tag)).toEqual([0x02, 0x05]);
    });
  });

  describe('when a primitive element has an indefinite length', () => {
    it('is malformed', () => {
      expect(readElement(bytes(0x04, 0x80, 0x00, 0x00), 0, 4)).toBeUndefined();
    });
  });

  describe('when indefinite lengths nest deeper than the limit', () => {
    it('is malformed at the limit and sound just below it', () => {
      const ok = indefiniteNest(LIMITS.maxAsn1Depth);
      const deep = indefiniteNest(LIMITS.maxAsn1Depth + 1);
      expect(readElement(ok, 0, ok.length)?.end).toBe(ok.length);
      expect(readElement(deep, 0, deep.length)).toBeUndefined();
    });
  });

  describe('when the input is cut anywhere', () => {
    it('never reads past the end', () => {
      const der = sequence(
        sequence(objectIdentifier('1.2.840.113549.1.7.2')),
        encodeTlv(TAG.octetString, new Uint8Array(300)),
      );
      for (let cut = 0; cut < der.length; cut++) {
        expect(readElement(der.subarray(0, cut), 0, cut)).toBeUndefined();
      }
    });
  });
});

describe('#findMisnestedElement', () => {
  describe('when every element fits its parent', () => {
    it('finds nothing', () => {
      expect(
        findMisnestedElement(sequence(encodeTlv(TAG.integer, bytes(1)), bytes(0x05, 0x00))),
      ).toBeUndefined();
    });
  });

  describe('when a child runs past its parent', () => {
    it('gives the offset of the child', () => {
      // SEQUENCE of 3 content octets holding an OCTET STRING that claims 5.
      expect(findMisnestedElement(bytes(0x30, 0x03, 0x04, 0x05, 0xaa, 0xbb, 0xcc))).toBe(2);
    });
  });

  describe.each([
    ['an empty INTEGER', bytes(0x30, 0x02, 0x02, 0x00)],
    ['an empty OBJECT IDENTIFIER', bytes(0x30, 0x02, 0x06, 0x00)],
    ['a two-octet BOOLEAN', bytes(0x30, 0x04, 0x01, 0x02, 0xff, 0xff)],
    ['a NULL with content', bytes(0x30, 0x03, 0x05, 0x01, 0x00)],
  ])('when it holds %s', (_, input) => {
    it('points at that element, as .NET refuses it', () => {
      expect(findMisnestedElement(input)).toBe(2);
    });
  });

  describe('when elements nest deeper than the limit', () => {
    it('stops checking below the limit instead of recursing further', () => {
      const nested = definiteNest(LIMITS.maxAsn1Depth + 10);
      expect(findMisnestedElement(nested)).toBeUndefined();
    });
  });
});

describe('#readTlv (DER rule, signing path)', () => {
  describe.each([
    ['an indefinite length', bytes(0x30, 0x80, 0x00, 0x00), 'indefinite length'],
    ['a truncated header', bytes(0x30), 'truncated element header'],
    [
      'contents past the end',
      bytes(0x04, 0x03, 0xaa),
      'element runs past the end of its container',
    ],
  ])('when the element has %s', (_, input, why) => {
    it('throws NU3003 naming the problem', () => {
      expect(codeOf(() => readTlv(input))).toBe('NU3003');
      expect(() => readTlv(input)).toThrow(`The signature is not valid DER: ${why}.`);
    });
  });

  describe('when one element is followed by more bytes', () => {
    it('reads it, but readSingle refuses the trailing data', () => {
      const input = bytes(0x05, 0x00, 0x00);
      expect(readTlv(input).bytes).toEqual(bytes(0x05, 0x00));
      expect(() => readSingle(input)).toThrow('trailing data after the element');
    });
  });

  describe('when a SEQUENCE holds several elements', () => {
    it('lists them and checks their tags', () => {
      const der = sequence(encodeTlv(TAG.integer, bytes(7)), objectIdentifier('2.5.29.15'));
      const [integer, oid] = children(readSingle(der).content);
      expect(expectTag(integer, TAG.integer, 'version').content).toEqual(bytes(7));
      expect(readObjectIdentifier(expectTag(oid, TAG.objectIdentifier, 'type'))).toBe('2.5.29.15');
      expect(() => expectTag(oid, TAG.integer, 'version')).toThrow(
        'version has tag 0x6, expected 0x2',
      );
      expect(() => expectTag(undefined, TAG.integer, 'version')).toThrow('version is missing');
    });
  });
});

describe('encoding then reading', () => {
  it('gives back tag and content for any content length', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.values(TAG)),
        fc.uint8Array({ maxLength: 70_000 }),
        (tag, content) => {
          const encoded = encodeTlv(tag, content);
          const tlv = readSingle(encoded);
          expect(tlv.tag).toBe(tag);
          expect(tlv.content).toEqual(content);
          const element = readElement(encoded, 0, encoded.length);
          expect(element?.end).toBe(encoded.length);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('#readObjectIdentifier', () => {
  it('reads each arc form, and leaves arcs wider than 49 bits to asn1js', () => {
    for (const oid of ['0.9.2342', '1.2.840.113549.1.9.16.2.47', '2.999.3', '2.5.4.3']) {
      expect(readObjectIdentifier(readSingle(objectIdentifier(oid)))).toBe(oid);
    }
    const wide = bytes(0x06, 0x09, 0x2a, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01);
    expect(readObjectIdentifier(readSingle(wide))).toBe('1.2.562949953421313');
  });

  it('refuses a cut last subidentifier with NU3003', () => {
    expect(codeOf(() => readObjectIdentifier(readSingle(bytes(0x06, 0x02, 0x2a, 0x81))))).toBe(
      'NU3003',
    );
  });
});
