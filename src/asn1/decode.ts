import * as asn1js from 'asn1js';
import type { ErrorCode } from '../codes.js';
import { NupkgSigningError, describeError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { findMisnestedElement } from './der-reader.js';
import { TAG, tagNumber } from './tags.js';

/**
 * Decoding into asn1js objects, for reading CMS, certificates, CRLs, OCSP and PKCS#12 while
 * keeping the exact bytes of every element. asn1js records, for each decoded block, a view of the
 * bytes it was decoded from (`valueBeforeDecodeView`); we copy those views instead of re-encoding
 * (style guide habit 6). pkijs works on the same objects.
 *
 * Two entry points, by how strict the caller must be:
 * - `decodeDer`: what .NET's AsnReader accepts in BER mode, as SignedCms and NuGet decode
 *   (indefinite lengths allowed; a child overrunning its parent, an empty INTEGER or OID, or
 *   trailing bytes refused). Signatures, timestamps, certificates, CRLs and OCSP answers.
 * - `decodeBer`: whatever asn1js accepts, trailing bytes ignored. PKCS#12 files from Windows
 *   are often BER (indefinite lengths, constructed OCTET STRINGs).
 */

export type AsnBlock = asn1js.AsnType;

/**
 * asn1js 4 stops at a nesting depth itself; its element budget is raised from 10,000. It also
 * tries, by default, to decode the contents of every primitive OCTET STRING and BIT STRING as
 * nested ASN.1 (signature values, public keys, extension values, digests): no reader here uses
 * those guesses (`childrenOf` reads constructed elements only; nested values are decoded on
 * purpose where they are wanted), and they were most of the time spent verifying a batch.
 */
const DECODE_OPTIONS = {
  maxDepth: LIMITS.maxAsn1Depth,
  maxNodes: LIMITS.maxAsn1Elements,
  parseEmbedded: false,
} as const;

/** asn1js budgets for `decodeBer`, named by what is decoded. */
export const BER_BUDGET = {
  pkcs12: { maxDepth: LIMITS.maxAsn1Depth, maxNodes: LIMITS.maxPkcs12Asn1Elements },
  /** asn1js's own defaults, which the TimeStampResp reader has always had. */
  timestampResponse: { maxDepth: 100, maxNodes: 10_000 },
} as const;

/**
 * Decodes one complete element that must span all of `bytes` (see `decodeDer` above). Anything
 * else (empty input, a decoding error, trailing bytes, an exception from deep inside asn1js)
 * throws `code`.
 */
export function decodeDer(bytes: Uint8Array, what: string, code: ErrorCode = 'NU3003'): AsnBlock {
  const fail = (why: string, cause?: unknown) =>
    new NupkgSigningError(code, `The ${what} cannot be decoded: ${why}.`, { cause });
  if (bytes.byteLength === 0) throw fail('it is empty');
  // asn1js accepts a child element that runs past its parent's end, or an empty INTEGER or OID;
  // .NET's decoder refuses both.
  const misnested = findMisnestedElement(bytes, DECODE_OPTIONS.maxDepth);
  if (misnested !== undefined)
    throw fail(
      `the element at byte ${misnested} is malformed (it overruns its parent or has an impossible length)`,
    );
  let decoded: asn1js.FromBerResult;
  try {
    decoded = asn1js.fromBER(bytes, DECODE_OPTIONS);
  } catch (error) {
    throw fail(describeError(error), error);
  }
  // asn1js reports failure through offset -1 rather than by throwing.
  if (decoded.offset === -1) throw fail(decoded.result.error || 'malformed ASN.1');
  if (decoded.offset !== bytes.byteLength) {
    throw fail(`${bytes.byteLength - decoded.offset} bytes follow the encoded element`);
  }
  return decoded.result;
}

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

/** The exact bytes (tag, length and contents) the block was decoded from, as a fresh copy. */
export function encodedBytes(block: AsnBlock): Uint8Array {
  return Uint8Array.from(block.valueBeforeDecodeView);
}

/** The child elements of a constructed block (empty for primitives). */
export function childrenOf(block: AsnBlock): AsnBlock[] {
  const value = (block.valueBlock as { value?: unknown }).value;
  return Array.isArray(value) && block.idBlock.isConstructed ? (value as AsnBlock[]) : [];
}

/** asn1js numbers the classes 1 (universal) to 4 (private). */
export const ASN1JS_CLASS = { universal: 1, context: 3 } as const;

/**
 * Whether the block is universal with the tag number of `identifier` (a TAG value). The
 * constructed bit is not compared: BER allows constructed strings, and asn1js checks it for the
 * types it knows.
 */
export function isUniversal(block: AsnBlock | undefined, identifier: number): boolean {
  return (
    block?.idBlock.tagClass === ASN1JS_CLASS.universal &&
    block.idBlock.tagNumber === tagNumber(identifier)
  );
}

/** Whether the block is context-specific `[n]`, constructed or not. */
export function isContextTag(block: AsnBlock | undefined, n: number): boolean {
  return block?.idBlock.tagClass === ASN1JS_CLASS.context && block.idBlock.tagNumber === n;
}

/** Thrown by the readers below; callers catch it and rethrow with their own code and wording. */
export class StructureError extends Error {}

export function expectUniversal(block: AsnBlock | undefined, identifier: number, what: string) {
  if (!block || !isUniversal(block, identifier))
    throw new StructureError(`${what} is missing or has the wrong type`);
  return block;
}

export function readOid(block: AsnBlock | undefined, what: string): string {
  const oid = expectUniversal(block, TAG.objectIdentifier, what) as asn1js.ObjectIdentifier;
  return oid.valueBlock.toString();
}

/** INTEGER content octets exactly as encoded (serial numbers are compared byte for byte). */
export function readIntegerBytes(block: AsnBlock | undefined, what: string): Uint8Array {
  const integer = expectUniversal(block, TAG.integer, what) as asn1js.Integer;
  // X.690 §8.3.1: an INTEGER has at least one content octet. asn1js accepts `02 00`; .NET's
  // AsnReader does not, so NuGet fails such a token (e.g. an empty TSTInfo nonce) with NU3003.
  if (integer.valueBlock.valueHexView.byteLength === 0)
    throw new StructureError(`${what} is an INTEGER without content octets`);
  return Uint8Array.from(integer.valueBlock.valueHexView);
}

export function readSmallInteger(block: AsnBlock | undefined, what: string): number {
  const integer = expectUniversal(block, TAG.integer, what) as asn1js.Integer;
  if (integer.valueBlock.valueHexView.byteLength > 6)
    throw new StructureError(`${what} is too large`);
  return integer.valueBlock.valueDec;
}

/** OCTET STRING contents; a BER constructed string is concatenated. */
export function readOctetString(block: AsnBlock | undefined, what: string): Uint8Array {
  const octets = expectUniversal(block, TAG.octetString, what) as asn1js.OctetString;
  return new Uint8Array(octets.getValue());
}

/** BIT STRING contents without the leading unused-bits octet. */
export function readBitString(block: AsnBlock | undefined): Uint8Array {
  if (!isUniversal(block, TAG.bitString) || !block)
    throw new StructureError('expected a BIT STRING');
  return primitiveContent(block).subarray(1);
}

/**
 * An ENUMERATED of one content octet (OCSPResponseStatus, CRLReason); undefined for a longer
 * one, which no value we read needs.
 */
export function readSmallEnumerated(block: AsnBlock | undefined, what: string): number | undefined {
  if (!block || !isUniversal(block, TAG.enumerated))
    throw new StructureError(`${what} is not an ENUMERATED`);
  const content = primitiveContent(block);
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
export function readExtensions(list: AsnBlock | undefined): RawExtension[] {
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

/**
 * The content octets of a primitive element with any tag, cut from its original encoding
 * (asn1js's own value views differ per type: BIT STRING drops the unused-bits octet).
 */
export function primitiveContent(block: AsnBlock): Uint8Array {
  if (block.idBlock.isConstructed) throw new StructureError('expected a primitive element');
  const headerLength = block.idBlock.blockLength + block.lenBlock.blockLength;
  return Uint8Array.from(block.valueBeforeDecodeView.subarray(headerLength));
}

/** AlgorithmIdentifier parameters that are absent or an explicit NULL (`05 00`), as .NET requires. */
export function isNullOrAbsentParameters(parameters: Uint8Array | undefined): boolean {
  return (
    !parameters || (parameters.length === 2 && parameters[0] === 0x05 && parameters[1] === 0x00)
  );
}
