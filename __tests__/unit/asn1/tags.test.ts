import {
  CONSTRUCTED,
  contextTag,
  isConstructed,
  isHighTagNumber,
  TAG,
  TAG_CLASS,
  tagClass,
  tagNumber,
} from '../../../src/asn1/tags.js';

describe('TAG', () => {
  it.each([
    ['boolean', 1, false],
    ['integer', 2, false],
    ['bitString', 3, false],
    ['octetString', 4, false],
    ['null', 5, false],
    ['objectIdentifier', 6, false],
    ['enumerated', 10, false],
    ['utf8String', 12, false],
    ['ia5String', 22, false],
    ['utcTime', 23, false],
    ['generalizedTime', 24, false],
    ['sequence', 16, true],
    ['set', 17, true],
  ] as const)(
    'gives %s as universal tag number %i (constructed: %s)',
    (name, number, constructed) => {
      const identifier = TAG[name];
      expect(tagClass(identifier)).toBe(TAG_CLASS.universal);
      expect(tagNumber(identifier)).toBe(number);
      expect(isConstructed(identifier)).toBe(constructed);
    },
  );
});

describe('#contextTag', () => {
  it('builds context-specific identifiers as CMS writes them', () => {
    expect(contextTag(0, true)).toBe(0xa0);
    expect(contextTag(1, false)).toBe(0x81);
    expect(tagClass(contextTag(3, true))).toBe(TAG_CLASS.context);
    expect(contextTag(2, true) & CONSTRUCTED).toBe(CONSTRUCTED);
  });
});

describe('#isHighTagNumber', () => {
  it('spots the multi-octet tag escape in any class', () => {
    expect(isHighTagNumber(0x1f)).toBe(true);
    expect(isHighTagNumber(0xbf)).toBe(true);
    expect(isHighTagNumber(0x1e)).toBe(false);
  });
});
