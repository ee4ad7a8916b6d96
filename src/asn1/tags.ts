/**
 * ASN.1 identifier octets (ITU-T X.690 §8.1.2), the one tag table of the project. Every structure
 * we read or write uses low-tag-number form, so one octet names a tag: class (top two bits),
 * constructed bit, tag number (low five bits). SEQUENCE and SET carry the constructed bit, as DER
 * always encodes them.
 */
export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  objectIdentifier: 0x06,
  enumerated: 0x0a,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** The class bits of an identifier octet. */
export const TAG_CLASS = {
  universal: 0x00,
  application: 0x40,
  context: 0x80,
  private: 0xc0,
} as const;
const CLASS_MASK = 0xc0;

/** The constructed bit of an identifier octet. */
export const CONSTRUCTED = 0x20;

/** The low five bits; all ones announces a multi-octet tag number, which no structure we read uses. */
const NUMBER_MASK = 0x1f;

/** Tag number of an identifier octet (`0x30` → 16). */
export function tagNumber(identifier: number): number {
  return identifier & NUMBER_MASK;
}

export function tagClass(identifier: number): number {
  return identifier & CLASS_MASK;
}

export function isConstructed(identifier: number): boolean {
  return (identifier & CONSTRUCTED) !== 0;
}

/** Whether the octet announces a multi-octet (high) tag number. */
export function isHighTagNumber(identifier: number): boolean {
  return (identifier & NUMBER_MASK) === NUMBER_MASK;
}

/** Identifier octet of a context-specific element `[n]`, constructed or primitive. */
export function contextTag(n: number, constructed: boolean): number {
  return TAG_CLASS.context | (constructed ? CONSTRUCTED : 0) | n;
}
