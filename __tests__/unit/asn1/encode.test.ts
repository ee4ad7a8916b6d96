import fc from 'fast-check';
import { children, readSingle } from '../../../src/asn1/der-reader.js';
import {
  algorithmIdentifier,
  encodeTlv,
  objectIdentifier,
  octetString,
  setOf,
  smallInteger,
  sortDer,
} from '../../../src/asn1/encode.js';
import { TAG } from '../../../src/asn1/tags.js';

const bytes = (...octets: number[]) => Uint8Array.from(octets);

describe('#encodeTlv', () => {
  it.each([
    [0, bytes(0x04, 0x00)],
    [127, bytes(0x04, 0x7f)],
    [128, bytes(0x04, 0x81, 0x80)],
    [256, bytes(0x04, 0x82, 0x01, 0x00)],
    [65_536, bytes(0x04, 0x83, 0x01, 0x00, 0x00)],
  ])('writes a content length of %i in minimal DER form', (length, header) => {
    expect(encodeTlv(TAG.octetString, new Uint8Array(length)).subarray(0, header.length)).toEqual(
      header,
    );
  });
});

describe('#setOf', () => {
  it('orders elements by their encodings (X.690 §11.6), whatever the input order', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 4 }), { maxLength: 6 }), (contents) => {
        const items = contents.map(octetString);
        const set = readSingle(setOf(items));
        expect(set.tag).toBe(TAG.set);
        expect(children(set.content).map((child) => child.bytes)).toEqual(sortDer(items));
        expect(setOf([...items].reverse())).toEqual(setOf(items));
      }),
    );
  });
});

describe('small writers', () => {
  it('write versions, OIDs and AlgorithmIdentifiers as the reference does', () => {
    expect(smallInteger(1)).toEqual(bytes(0x02, 0x01, 0x01));
    expect(() => smallInteger(128)).toThrow(RangeError);
    expect(objectIdentifier('2.16.840.1.101.3.4.2.1')).toEqual(
      bytes(0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01),
    );
    expect(algorithmIdentifier('1.3.14.3.2.26')).toEqual(
      bytes(0x30, 0x07, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a),
    );
  });
});
