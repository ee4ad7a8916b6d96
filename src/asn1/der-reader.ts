import * as asn1js from 'asn1js';
import { NupkgSigningError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { isConstructed, isHighTagNumber, TAG } from './tags.js';

/**
 * The project's own tag-length walker (ITU-T X.690 §8.1), reading headers straight from the bytes
 * without building objects. Used where asn1js is too slow or too lenient (indexing trust roots,
 * counting certificates before a decode, checking that every element fits inside its parent) and
 * where signing splices raw element bytes so that nothing it does not change is re-encoded.
 *
 * One header reader serves two length rules, chosen by the caller:
 * - `'der'`: definite lengths only (X.690 §10.1). Signing splices only DER, and nuget.org
 *   registers only DER certificate files.
 * - `'ber'`: a constructed element may also have an indefinite length, followed to its
 *   end-of-contents octets, as .NET's AsnReader does in BER mode (SignedCms decodes BER, so NuGet
 *   accepts such signatures).
 * Neither rule refuses a non-minimal length encoding (`81 05`), and lengths take at most four
 * octets; both are what every caller did before the rules were merged.
 */
export type LengthRule = 'der' | 'ber';

export interface DerHeader {
  /** The identifier octet. */
  readonly tag: number;
  /** Offset of the element's first byte. */
  readonly offset: number;
  /** Offset of the contents. */
  readonly start: number;
  /** Content length; undefined for a BER indefinite length. */
  readonly length: number | undefined;
}

/** Why a header cannot be read (the signing path puts it in its NU3003 message). */
export type HeaderProblem =
  | 'truncated element header'
  | 'high tag numbers are not used in CMS'
  | 'indefinite length'
  | 'length field too long'
  | 'truncated length field';

/**
 * The header at `offset`, whose length octets must end by `limit`, or why it is malformed. The
 * contents are not checked against `limit`: callers word that problem themselves.
 */
export function readHeader(
  bytes: Uint8Array,
  offset: number,
  limit: number,
  rule: LengthRule,
): DerHeader | HeaderProblem {
  if (offset + 2 > limit) return 'truncated element header';
  const tag = bytes[offset] as number;
  if (isHighTagNumber(tag)) return 'high tag numbers are not used in CMS';
  const first = bytes[offset + 1] as number;
  const start = offset + 2;
  if (first === 0x80) {
    return rule === 'ber' ? { tag, offset, start, length: undefined } : 'indefinite length';
  }
  if ((first & 0x80) === 0) return { tag, offset, start, length: first };
  const count = first & 0x7f;
  if (count > 4) return 'length field too long';
  if (start + count > limit) return 'truncated length field';
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + (bytes[start + i] as number);
  return { tag, offset, start: start + count, length };
}

/** An element located by offsets, as the BER walker below finds it. */
export interface DerElement {
  readonly tag: number;
  /** Offset of the element's first byte. */
  readonly offset: number;
  /** Offset of the contents. */
  readonly start: number;
  /** Offset just past the element; for indefinite lengths, past the end-of-contents octets. */
  readonly end: number;
  readonly indefinite: boolean;
}

/**
 * The element at `offset`, which must end by `limit`, read with the `'ber'` rule; undefined when
 * its header is malformed. Indefinite lengths are followed `LIMITS.maxAsn1Depth` deep.
 */
export function readElement(
  bytes: Uint8Array,
  offset: number,
  limit: number,
  depth = 0,
): DerElement | undefined {
  const header = readHeader(bytes, offset, limit, 'ber');
  if (typeof header === 'string') return undefined;
  const { tag, start, length } = header;
  if (length === undefined) {
    // BER indefinite length (constructed only): contents run to the end-of-contents octets.
    if (!isConstructed(tag) || depth >= LIMITS.maxAsn1Depth) return undefined;
    const end = indefiniteEnd(bytes, start, limit, depth + 1);
    return end === undefined ? undefined : { tag, offset, start, end, indefinite: true };
  }
  const end = start + length;
  return end <= limit ? { tag, offset, start, end, indefinite: false } : undefined;
}

/** The children of a constructed element, stopping at the first malformed one. */
export function childElements(bytes: Uint8Array, parent: DerElement, max = Infinity): DerElement[] {
  const children: DerElement[] = [];
  const limit = parent.indefinite ? parent.end - 2 : parent.end;
  for (let at = parent.start; at < limit && children.length < max;) {
    const child = readElement(bytes, at, limit);
    if (!child) break;
    children.push(child);
    at = child.end;
  }
  return children;
}

/**
 * Checks that every constructed element is exactly filled by its children, down to `maxDepth`,
 * and that BOOLEAN, INTEGER, NULL and OBJECT IDENTIFIER elements have lengths DER allows.
 * Returns the offset of the first element that breaks a rule, or undefined when all are sound.
 */
export function findMisnestedElement(
  bytes: Uint8Array,
  maxDepth: number = LIMITS.maxAsn1Depth,
): number | undefined {
  const visit = (offset: number, limit: number, depth: number): number | undefined => {
    let at = offset;
    while (at < limit) {
      const element = readElement(bytes, at, limit);
      if (!element) return at;
      if (!hasValidLength(element)) return at;
      if (isConstructed(element.tag) && depth < maxDepth) {
        const bad = visit(
          element.start,
          element.indefinite ? element.end - 2 : element.end,
          depth + 1,
        );
        if (bad !== undefined) return bad;
      }
      at = element.end;
    }
    return at === limit ? undefined : at;
  };
  return visit(0, bytes.length, 0);
}

/**
 * Universal primitives whose DER length is fixed or must be positive: BOOLEAN (1), INTEGER (≥ 1),
 * NULL (0), OBJECT IDENTIFIER (≥ 1). asn1js accepts an empty INTEGER or OID; .NET's AsnReader,
 * and so NuGet, refuses the whole CMS (NU3003).
 */
function hasValidLength(element: DerElement): boolean {
  const length = element.end - element.start;
  switch (element.tag) {
    case TAG.boolean:
      return length === 1;
    case TAG.integer:
    case TAG.objectIdentifier:
      return length >= 1;
    case TAG.null:
      return length === 0;
    default:
      return true;
  }
}

/** End of an indefinite-length element whose contents start at `start`: after `00 00`. */
function indefiniteEnd(
  bytes: Uint8Array,
  start: number,
  limit: number,
  depth: number,
): number | undefined {
  let at = start;
  while (at + 2 <= limit) {
    if (bytes[at] === 0 && bytes[at + 1] === 0) return at + 2;
    const child = readElement(bytes, at, limit, depth);
    if (!child) return undefined;
    at = child.end;
  }
  return undefined;
}

/** One element read with the `'der'` rule, as slices of the bytes it was read from. */
export interface Tlv {
  /** The identifier octet (all tags used in CMS are low-tag-number form). */
  readonly tag: number;
  /** The whole element, header included. */
  readonly bytes: Uint8Array;
  /** The content octets only. */
  readonly content: Uint8Array;
}

function malformed(why: string): NupkgSigningError {
  return new NupkgSigningError('NU3003', `The signature is not valid DER: ${why}.`);
}

/** Reads the element starting at `offset` with the `'der'` rule; throws NU3003 when malformed. */
export function readTlv(bytes: Uint8Array, offset = 0): Tlv {
  const header = readHeader(bytes, offset, bytes.length, 'der');
  if (typeof header === 'string') throw malformed(header);
  const end = header.start + (header.length as number);
  if (end > bytes.length) throw malformed('element runs past the end of its container');
  return {
    tag: header.tag,
    bytes: bytes.subarray(offset, end),
    content: bytes.subarray(header.start, end),
  };
}

/** Reads `bytes` as exactly one element, with nothing after it. */
export function readSingle(bytes: Uint8Array): Tlv {
  const tlv = readTlv(bytes);
  if (tlv.bytes.length !== bytes.length) throw malformed('trailing data after the element');
  return tlv;
}

/** The elements inside a constructed element's content, read with the `'der'` rule. */
export function children(content: Uint8Array): Tlv[] {
  const result: Tlv[] = [];
  for (let offset = 0; offset < content.length;) {
    const tlv = readTlv(content, offset);
    result.push(tlv);
    offset += tlv.bytes.length;
  }
  return result;
}

/** Checks an element's identifier octet. */
export function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (tlv === undefined) throw malformed(`${what} is missing`);
  if (tlv.tag !== tag) {
    throw malformed(`${what} has tag 0x${tlv.tag.toString(16)}, expected 0x${tag.toString(16)}`);
  }
  return tlv;
}

/**
 * OBJECT IDENTIFIER content octets in dotted form (X.690 §8.19); undefined when empty, when the
 * last subidentifier is cut, or when one is wider than 49 bits (no real OID is): callers then
 * ask asn1js, whose verdict and text (hex for such arcs) the checks have always used.
 */
export function oidText(content: Uint8Array): string | undefined {
  const arcs: string[] = [];
  let value = 0;
  let groups = 0;
  for (const octet of content) {
    value = value * 128 + (octet & 0x7f);
    if (++groups > 7) return undefined;
    if (octet & 0x80) continue;
    if (arcs.length > 0) arcs.push(String(value));
    else if (value < 40) arcs.push('0', String(value));
    else if (value < 80) arcs.push('1', String(value - 40));
    else arcs.push('2', String(value - 80));
    value = 0;
    groups = 0;
  }
  return groups === 0 && arcs.length > 0 ? arcs.join('.') : undefined;
}

/** Decodes an OBJECT IDENTIFIER element to dotted form. */
export function readObjectIdentifier(tlv: Tlv): string {
  const text = tlv.tag === TAG.objectIdentifier ? oidText(tlv.content) : undefined;
  if (text !== undefined) return text;
  const decoded = asn1js.fromBER(Uint8Array.from(tlv.bytes));
  if (decoded.offset === -1 || !(decoded.result instanceof asn1js.ObjectIdentifier)) {
    throw malformed('an OBJECT IDENTIFIER does not decode');
  }
  return decoded.result.valueBlock.toString();
}
