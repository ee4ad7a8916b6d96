import * as asn1js from 'asn1js';
import { LIMITS } from '../limits.js';
import { concat } from './bytes.js';
import { oidText } from './der-reader.js';
import type { DerNode } from './der-tree.js';
import { isConstructed, TAG, TAG_CLASS, tagClass, tagNumber } from './tags.js';

export { decodeDer, type DerNode } from './der-tree.js';

/**
 * Readers of decoded ASN.1, and `decodeBer`:
 * - the readers below take apart the `DerNode`s of `decodeDer` (der-tree.ts), for CMS,
 *   certificates, CRLs and OCSP;
 * - `decodeBer` gives whatever asn1js accepts, trailing bytes ignored: PKCS#12 files from Windows
 *   are often BER (indefinite lengths, constructed OCTET STRINGs); ber-fields.ts reads them.
 */

/** An asn1js block, as `decodeBer` gives it (PKCS#12, TimeStampResp). */
export type AsnBlock = asn1js.AsnType;

/** asn1js budgets for `decodeBer`, named by what is decoded. */
export const BER_BUDGET = {
  pkcs12: { maxDepth: LIMITS.maxAsn1Depth, maxNodes: LIMITS.maxPkcs12Asn1Elements },
  /** asn1js's own defaults, which the TimeStampResp reader has always had. */
  timestampResponse: { maxDepth: 100, maxNodes: 10_000 },
} as const;

/** The first element of `bytes` and the offset just past it, as asn1js reads BER. */
export interface BerDecoded {
  readonly block: AsnBlock;
  readonly end: number;
}

/** The first element of `bytes` as asn1js reads BER, or undefined when it does not decode. */
export function decodeBer(
  bytes: Uint8Array,
  budget: keyof typeof BER_BUDGET,
): BerDecoded | undefined {
  let decoded: asn1js.FromBerResult;
  try {
    decoded = asn1js.fromBER(bytes, BER_BUDGET[budget]);
  } catch {
    return undefined;
  }
  return decoded.offset === -1 ? undefined : { block: decoded.result, end: decoded.offset };
}

/** The exact bytes (tag, length and contents) the element was decoded from, as a fresh copy. */
export function encodedBytes(node: DerNode): Uint8Array {
  return node.source.slice(node.offset, node.end);
}

/** The child elements of a constructed element (empty for primitives). */
export function childrenOf(node: DerNode): readonly DerNode[] {
  return node.children;
}

/** asn1js numbers the classes 1 (universal) to 4 (private); `decodeBer` blocks carry them. */
export const ASN1JS_CLASS = { universal: 1, context: 3 } as const;

/**
 * Whether the element is universal with the tag number of `identifier` (a TAG value). The
 * constructed bit is not compared: BER allows constructed strings, and the decoder judges it for
 * the types it knows.
 */
export function isUniversal(node: DerNode | undefined, identifier: number): boolean {
  return (
    node !== undefined &&
    tagClass(node.tag) === TAG_CLASS.universal &&
    tagNumber(node.tag) === tagNumber(identifier)
  );
}

/** Whether the element is context-specific `[n]`, constructed or not. */
export function isContextTag(node: DerNode | undefined, n: number): boolean {
  return (
    node !== undefined && tagClass(node.tag) === TAG_CLASS.context && tagNumber(node.tag) === n
  );
}

/** Thrown by the readers below; callers catch it and rethrow with their own code and wording. */
export class StructureError extends Error {}

export function expectUniversal(node: DerNode | undefined, identifier: number, what: string) {
  if (!node || !isUniversal(node, identifier))
    throw new StructureError(`${what} is missing or has the wrong type`);
  return node;
}

/** OBJECT IDENTIFIER in dotted form; arcs wider than 49 bits are left to asn1js (see `oidText`). */
export function readOid(node: DerNode | undefined, what: string): string {
  const oid = expectUniversal(node, TAG.objectIdentifier, what);
  return oidText(oid.source.subarray(oid.start, oid.contentEnd)) ?? asn1jsOidText(oid);
}

function asn1jsOidText(oid: DerNode): string {
  const decoded = asn1js.fromBER(encodedBytes(oid));
  if (!(decoded.result instanceof asn1js.ObjectIdentifier))
    throw new StructureError('an OBJECT IDENTIFIER does not decode');
  return decoded.result.valueBlock.toString();
}

/** INTEGER content octets exactly as encoded (serial numbers are compared byte for byte). */
export function readIntegerBytes(node: DerNode | undefined, what: string): Uint8Array {
  const integer = expectUniversal(node, TAG.integer, what);
  // X.690 §8.3.1: an INTEGER has at least one content octet. .NET's AsnReader refuses `02 00`,
  // so NuGet fails such a token (e.g. an empty TSTInfo nonce) with NU3003.
  if (integer.contentEnd === integer.start)
    throw new StructureError(`${what} is an INTEGER without content octets`);
  return primitiveContent(integer);
}

export function readSmallInteger(node: DerNode | undefined, what: string): number {
  const integer = expectUniversal(node, TAG.integer, what);
  if (integer.contentEnd - integer.start > 6) throw new StructureError(`${what} is too large`);
  return integerValue(integer);
}

/**
 * The number an INTEGER or ENUMERATED holds as the checks have always read it (asn1js's
 * `valueDec`): two's complement up to three octets, and 0 from four octets on.
 */
export function integerValue(node: DerNode): number {
  const content = primitiveContent(node);
  if (content.length === 0 || content.length >= 4) return 0;
  let value = (content[0] as number) >= 0x80 ? -1 : 0;
  for (const octet of content) value = value * 256 + octet;
  return value;
}

/** OCTET STRING contents; a BER constructed string is concatenated. */
export function readOctetString(node: DerNode | undefined, what: string): Uint8Array {
  const octets = expectUniversal(node, TAG.octetString, what);
  if (!isConstructed(octets.tag)) return primitiveContent(octets);
  return concat(octets.children.map((segment) => readOctetString(segment, what)));
}

/** BIT STRING contents without the leading unused-bits octet. */
export function readBitString(node: DerNode | undefined): Uint8Array {
  if (!isUniversal(node, TAG.bitString) || !node) throw new StructureError('expected a BIT STRING');
  return primitiveContent(node).subarray(1);
}

/**
 * An ENUMERATED of one content octet (OCSPResponseStatus, CRLReason); undefined for a longer
 * one, which no value we read needs.
 */
export function readSmallEnumerated(node: DerNode | undefined, what: string): number | undefined {
  if (!node || !isUniversal(node, TAG.enumerated))
    throw new StructureError(`${what} is not an ENUMERATED`);
  const content = primitiveContent(node);
  return content.length === 1 ? (content[0] as number) : undefined;
}

/** One extension (RFC 5280 §4.1), value kept as the extnValue OCTET STRING contents. */
export interface RawExtension {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Uint8Array;
}

/**
 * Extensions ::= SEQUENCE OF Extension { extnID, critical BOOLEAN DEFAULT FALSE, extnValue }
 * (certificates, CRLs, CRL entries, OCSP responses).
 */
export function readExtensions(list: DerNode | undefined): RawExtension[] {
  if (!list) return [];
  return childrenOf(list).map((extension) => {
    const [id, second, third] = childrenOf(extension);
    const hasCritical = isUniversal(second, TAG.boolean);
    const critical = hasCritical && second !== undefined && primitiveContent(second)[0] !== 0;
    return {
      oid: readOid(id, 'extnID'),
      critical,
      value: readOctetString(hasCritical ? third : second, 'extnValue'),
    };
  });
}

/** The content octets of a primitive element with any tag, as a fresh copy. */
export function primitiveContent(node: DerNode): Uint8Array {
  if (isConstructed(node.tag)) throw new StructureError('expected a primitive element');
  return node.source.slice(node.start, node.contentEnd);
}

/** AlgorithmIdentifier parameters that are absent or an explicit NULL (`05 00`), as .NET requires. */
export function isNullOrAbsentParameters(parameters: Uint8Array | undefined): boolean {
  return (
    !parameters || (parameters.length === 2 && parameters[0] === 0x05 && parameters[1] === 0x00)
  );
}
