import * as asn1js from 'asn1js';
import type { ErrorCode } from '../codes.js';
import { NupkgSigningError, describeError } from '../errors.js';
import { findMisnestedElement } from './der-headers.js';

/**
 * Small helpers over asn1js for reading CMS structures while keeping the exact bytes of every
 * element. asn1js records, for each decoded block, a view of the bytes it was decoded from
 * (`valueBeforeDecodeView`); we copy those views instead of re-encoding (style guide habit 6).
 */

export type AsnBlock = asn1js.AsnType;

/**
 * Decoder limits. asn1js 4 already stops at a nesting depth (protecting the stack), but its node
 * budget (10,000) is close to what a signature with a dozen certificates and two timestamp
 * tokens uses once embedded OCTET/BIT STRING contents are explored, so it is raised.
 */
const DECODE_OPTIONS = { maxDepth: 64, maxNodes: 500_000 } as const;

/**
 * Decodes one complete BER/DER element that must span all of `bytes`. Anything else (empty
 * input, a decoding error, trailing bytes, an exception from deep inside asn1js) throws `code`.
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

/** The exact bytes (tag, length and contents) the block was decoded from, as a fresh copy. */
export function encodedBytes(block: AsnBlock): Uint8Array {
  return Uint8Array.from(block.valueBeforeDecodeView);
}

/** The child elements of a constructed block (empty for primitives). */
export function childrenOf(block: AsnBlock): AsnBlock[] {
  const value = (block.valueBlock as { value?: unknown }).value;
  return Array.isArray(value) && block.idBlock.isConstructed ? (value as AsnBlock[]) : [];
}

const UNIVERSAL = 1;
const CONTEXT = 3;

export const TAG = {
  boolean: 1,
  integer: 2,
  bitString: 3,
  octetString: 4,
  null: 5,
  objectIdentifier: 6,
  utf8String: 12,
  sequence: 16,
  set: 17,
  ia5String: 22,
  utcTime: 23,
  generalizedTime: 24,
} as const;

export function isUniversal(block: AsnBlock | undefined, tagNumber: number): boolean {
  return block?.idBlock.tagClass === UNIVERSAL && block.idBlock.tagNumber === tagNumber;
}

export function isContextTag(block: AsnBlock | undefined, tagNumber: number): boolean {
  return block?.idBlock.tagClass === CONTEXT && block.idBlock.tagNumber === tagNumber;
}

/** Thrown by the readers below; callers catch it and rethrow with their own code and wording. */
export class StructureError extends Error {}

export function expectUniversal(block: AsnBlock | undefined, tagNumber: number, what: string) {
  if (!block || !isUniversal(block, tagNumber))
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

/**
 * The content octets of a primitive element with any tag, cut from its original encoding
 * (asn1js's own value views differ per type: BIT STRING drops the unused-bits octet).
 */
export function primitiveContent(block: AsnBlock): Uint8Array {
  if (block.idBlock.isConstructed) throw new StructureError('expected a primitive element');
  const headerLength = block.idBlock.blockLength + block.lenBlock.blockLength;
  return Uint8Array.from(block.valueBeforeDecodeView.subarray(headerLength));
}

const UTC_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})$/;
const GENERALIZED_TIME =
  /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{4})?$/;

/**
 * RFC 5652 `Time`: UTCTime (two-digit years, 1950–2049 per RFC 5280 §4.1.2.5.1) or
 * GeneralizedTime, which may carry fractional seconds (RFC 3161 genTime keeps them).
 */
export function readTime(block: AsnBlock | undefined, what: string): Date {
  const utc = isUniversal(block, TAG.utcTime);
  if (!block || (!utc && !isUniversal(block, TAG.generalizedTime))) {
    throw new StructureError(`${what} is not a UTCTime or GeneralizedTime`);
  }
  const text = Buffer.from(primitiveContent(block)).toString('latin1');
  const match = (utc ? UTC_TIME : GENERALIZED_TIME).exec(text);
  if (!match) throw new StructureError(`${what} '${text}' is not a valid time`);
  // Align both forms on [year, month, day, hour, minute, second, fraction, zone].
  const [y, mo, d, h, mi, s, fraction, zone] = utc
    ? [...match.slice(1, 7), undefined, match[7]]
    : match.slice(1);
  let year = Number(y);
  if (utc) year += year < 50 ? 2000 : 1900;
  const milliseconds = fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0;
  let time = Date.UTC(
    year,
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s ?? 0),
    milliseconds,
  );
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    time -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000;
  }
  const date = new Date(time);
  if (Number.isNaN(date.getTime()))
    throw new StructureError(`${what} '${text}' is not a valid time`);
  return date;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('hex')
    .toUpperCase();
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a).equals(Buffer.from(b));
}

/** AlgorithmIdentifier parameters that are absent or an explicit NULL (`05 00`), as .NET requires. */
export function isNullOrAbsentParameters(parameters: Uint8Array | undefined): boolean {
  return (
    !parameters || (parameters.length === 2 && parameters[0] === 0x05 && parameters[1] === 0x00)
  );
}
