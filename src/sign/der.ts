import * as asn1js from 'asn1js';
import { NupkgSigningError } from '../errors.js';

/**
 * Minimal DER tag-length-value reading and writing (ITU-T X.690 §8.1, §10).
 *
 * Signing works on raw element bytes rather than on decoded object trees so that everything we do
 * not deliberately change (certificates, signed attributes, an existing primary signature when
 * countersigning) keeps its exact bytes: one re-encoded byte in a signed region breaks a signature.
 */

/** One element: its identifier octet, and where header and content sit inside `bytes`. */
export interface Tlv {
  /** The single identifier octet (all tags used in CMS are low-tag-number form). */
  readonly tag: number;
  /** The whole element, header included. */
  readonly bytes: Uint8Array;
  /** The content octets only. */
  readonly content: Uint8Array;
}

export const TAG = {
  integer: 0x02,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Tag of a context-specific element `[n]`, constructed or primitive. */
export function contextTag(n: number, constructed: boolean): number {
  return 0x80 | (constructed ? 0x20 : 0) | n;
}

function malformed(why: string): NupkgSigningError {
  return new NupkgSigningError('NU3003', `The signature is not valid DER: ${why}.`);
}

/** Reads the element starting at `offset`. Indefinite lengths are refused: we only splice DER. */
export function readTlv(bytes: Uint8Array, offset = 0): Tlv {
  if (offset + 2 > bytes.length) throw malformed('truncated element header');
  const tag = bytes[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw malformed('high tag numbers are not used in CMS');
  let length = bytes[offset + 1] as number;
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0) throw malformed('indefinite length');
    if (count > 4) throw malformed('length field too long');
    if (offset + 2 + count > bytes.length) throw malformed('truncated length field');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[offset + 2 + i] as number);
    header += count;
  }
  const end = offset + header + length;
  if (end > bytes.length) throw malformed('element runs past the end of its container');
  return {
    tag,
    bytes: bytes.subarray(offset, end),
    content: bytes.subarray(offset + header, end),
  };
}

/** Reads `bytes` as exactly one element, with nothing after it. */
export function readSingle(bytes: Uint8Array): Tlv {
  const tlv = readTlv(bytes);
  if (tlv.bytes.length !== bytes.length) throw malformed('trailing data after the element');
  return tlv;
}

/** The elements inside a constructed element's content. */
export function children(content: Uint8Array): Tlv[] {
  const result: Tlv[] = [];
  for (let offset = 0; offset < content.length;) {
    const tlv = readTlv(content, offset);
    result.push(tlv);
    offset += tlv.bytes.length;
  }
  return result;
}

/** Reads an element and checks its tag. */
export function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (tlv === undefined) throw malformed(`${what} is missing`);
  if (tlv.tag !== tag) {
    throw malformed(`${what} has tag 0x${tlv.tag.toString(16)}, expected 0x${tag.toString(16)}`);
  }
  return tlv;
}

export function encodeTlv(tag: number, content: Uint8Array): Uint8Array {
  const length = content.length;
  let header: number[];
  if (length < 0x80) {
    header = [tag, length];
  } else {
    const octets: number[] = [];
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest & 0xff);
    header = [tag, 0x80 | octets.length, ...octets];
  }
  const out = new Uint8Array(header.length + length);
  out.set(header, 0);
  out.set(content, header.length);
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

export function sequence(...items: Uint8Array[]): Uint8Array {
  return encodeTlv(TAG.sequence, concat(items));
}

/** `SET OF`: DER orders the elements by their encodings (X.690 §11.6). */
export function setOf(items: readonly Uint8Array[], tag: number = TAG.set): Uint8Array {
  return encodeTlv(tag, concat(sortDer(items)));
}

/** Orders encodings as DER `SET OF` requires: shorter one padded with zeros, byte by byte. */
export function sortDer(items: readonly Uint8Array[]): Uint8Array[] {
  return [...items].sort(compareDer);
}

function compareDer(a: Uint8Array, b: Uint8Array): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

export function objectIdentifier(oid: string): Uint8Array {
  return new Uint8Array(new asn1js.ObjectIdentifier({ value: oid }).toBER(false));
}

/** Decodes an OBJECT IDENTIFIER element to dotted form. */
export function readObjectIdentifier(tlv: Tlv): string {
  const decoded = asn1js.fromBER(Uint8Array.from(tlv.bytes));
  if (decoded.offset === -1 || !(decoded.result instanceof asn1js.ObjectIdentifier)) {
    throw malformed('an OBJECT IDENTIFIER does not decode');
  }
  return decoded.result.valueBlock.toString();
}

export function octetString(value: Uint8Array): Uint8Array {
  return encodeTlv(TAG.octetString, value);
}

/** A small non-negative INTEGER (versions). */
export function smallInteger(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 127) throw new RangeError('unsupported');
  return encodeTlv(TAG.integer, Uint8Array.of(value));
}

/** `AlgorithmIdentifier` with parameters absent, as the reference writes digest and RSA OIDs. */
export function algorithmIdentifier(oid: string): Uint8Array {
  return sequence(objectIdentifier(oid));
}
