import * as asn1js from 'asn1js';
import type { ErrorCode } from '../codes.js';
import { NupkgSigningError, describeError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { findMisnestedElement, readElement } from './der-reader.js';
import { contextTag, isConstructed, TAG, TAG_CLASS, tagClass } from './tags.js';

/**
 * `decodeDer`: decoding as .NET's AsnReader does in BER mode, as SignedCms and NuGet decode
 * (indefinite lengths allowed; a child overrunning its parent, an empty INTEGER or OID, or
 * trailing bytes refused). Signatures, timestamps, certificates, CRLs and OCSP answers. It builds
 * `DerNode`s with the project's own walker (der-reader.ts): offsets into the input, so every
 * element keeps its exact bytes (style guide habit 6) without an object per field; the readers
 * in decode.ts take them apart.
 *
 * It accepts and refuses exactly what it did when it was asn1js's `fromBER` behind the walker's
 * nesting check (verdicts must not move): the types whose contents asn1js judges (strings,
 * times, BIT STRINGs …) are judged by it one element at a time, and anything unusual (another
 * constructed universal type, application or private tags, the element or depth limit) sends the
 * whole input through asn1js, whose verdict, wording and reading are kept.
 */

/** One element found by `decodeDer`: offsets into the decoded bytes, children when constructed. */
export interface DerNode {
  /** The identifier octet (high tag numbers never pass the walker). */
  readonly tag: number;
  /** The bytes the element was decoded from (the caller's buffer, not a copy). */
  readonly source: Uint8Array;
  /** Offset of the element's first byte, of its contents, and just past its contents. */
  readonly offset: number;
  readonly start: number;
  readonly contentEnd: number;
  /** Offset just past the element (past the end-of-contents octets of an indefinite length). */
  readonly end: number;
  /** Child elements as asn1js listed them; empty for primitives. */
  readonly children: readonly DerNode[];
}

/**
 * asn1js's limits as `decodeDer` always set them: its nesting depth and element budget, and no
 * guessing at ASN.1 inside primitive OCTET STRINGs and BIT STRINGs (nested values are decoded on
 * purpose where they are wanted).
 */
const DECODE_OPTIONS = {
  maxDepth: LIMITS.maxAsn1Depth,
  maxNodes: LIMITS.maxAsn1Elements,
  parseEmbedded: false,
} as const;

/** asn1js's default limit on one element's content length, which `decodeDer` never raised. */
const ASN1JS_MAX_CONTENT_LENGTH = 16 * 1024 * 1024;

/**
 * Decodes one complete element that must span all of `bytes` (see above). Anything else (empty
 * input, a malformed element, trailing bytes) throws `code`.
 */
export function decodeDer(bytes: Uint8Array, what: string, code: ErrorCode = 'NU3003'): DerNode {
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
  const walk: Walk = { bytes, nodes: 0, unusual: bytes.byteLength > ASN1JS_MAX_CONTENT_LENGTH };
  const [walked] = buildNodes(walk, 0, bytes.byteLength, 0, 1);
  const root = walk.unusual ? decodeWithAsn1js(bytes, fail) : (walked as DerNode);
  if (root.end !== bytes.byteLength)
    throw fail(`${bytes.byteLength - root.end} bytes follow the encoded element`);
  return root;
}

interface Walk {
  readonly bytes: Uint8Array;
  /** Elements read so far, counted as asn1js counts them (end-of-contents octets included). */
  nodes: number;
  /** Whether asn1js must judge the whole input (see `decodeDer`). */
  unusual: boolean;
}

/**
 * Up to `max` elements from `at` to `limit`, at nesting `depth` (the root is 0). The walker's
 * nesting check has passed, so every element down to the depth limit reads.
 */
function buildNodes(walk: Walk, at: number, limit: number, depth: number, max: number): DerNode[] {
  const { bytes } = walk;
  const nodes: DerNode[] = [];
  while (at < limit && nodes.length < max && !walk.unusual) {
    const element = readElement(bytes, at, limit);
    if (!element) {
      walk.unusual = true;
      break;
    }
    walk.nodes += element.indefinite ? 2 : 1;
    if (walk.nodes > DECODE_OPTIONS.maxNodes) walk.unusual = true;
    const contentEnd = element.indefinite ? element.end - 2 : element.end;
    let children: DerNode[] = [];
    if (isConstructed(element.tag)) {
      if (!CONSTRUCTED_NATIVE.has(element.tag)) walk.unusual = true;
      // asn1js refuses children past its depth limit (the walker checked no deeper).
      if (element.start < element.end && depth >= DECODE_OPTIONS.maxDepth) walk.unusual = true;
      if (!walk.unusual)
        children = buildNodes(walk, element.start, contentEnd, depth + 1, Infinity);
    } else if (!primitiveJudgedHere(bytes, element.tag, element.start, contentEnd)) {
      if (!asn1jsAcceptsLeaf(bytes.subarray(element.offset, element.end))) walk.unusual = true;
    }
    nodes.push({
      tag: element.tag,
      source: bytes,
      offset: element.offset,
      start: element.start,
      contentEnd,
      end: element.end,
      children,
    });
    at = element.end;
  }
  return nodes;
}

/** Constructed identifiers asn1js reads as a plain list of children: SEQUENCE, SET, `[n]`. */
const CONSTRUCTED_NATIVE = new Set([
  TAG.sequence,
  TAG.set,
  ...Array.from({ length: 31 }, (_, n) => contextTag(n, true)),
]);

/**
 * asn1js turns string and UTCTime contents into text with one `String.fromCharCode` call, which
 * throws past some hundred thousand octets; below this length it never fails.
 */
const SHORT_TEXT = 1024;

/**
 * Whether a primitive is one asn1js accepts, known without asking it: contents it never refuses
 * (given the walker's length rules: BOOLEAN of one octet, INTEGER of at least one, NULL of none;
 * short text, including a UTCTime it cannot parse), an OID whose last subidentifier is complete
 * (X.690 §8.19.2), a BIT STRING with at most 7 unused bits. False means: ask asn1js.
 */
function primitiveJudgedHere(bytes: Uint8Array, identifier: number, start: number, end: number) {
  if (tagClass(identifier) === TAG_CLASS.context) return true;
  switch (identifier) {
    case TAG.boolean:
    case TAG.integer:
    case TAG.octetString:
    case TAG.null:
      return true;
    case TAG.objectIdentifier:
      return ((bytes[end - 1] as number) & 0x80) === 0 && end > start;
    case TAG.bitString:
      return end === start || (bytes[start] as number) <= 7;
    case TAG.utf8String:
    case TAG.printableString:
    case TAG.ia5String:
    case TAG.utcTime:
      return end - start <= SHORT_TEXT;
    default:
      return false;
  }
}

/** Whether asn1js decodes one primitive element (strings, times, BIT STRING …) without error. */
function asn1jsAcceptsLeaf(element: Uint8Array): boolean {
  if (tagClass(element[0] as number) !== TAG_CLASS.universal) return false;
  try {
    const decoded = asn1js.fromBER(element, DECODE_OPTIONS);
    return decoded.offset === element.byteLength;
  } catch {
    return false;
  }
}

/**
 * The whole input as asn1js reads it, refused in the words `decodeDer` has always used, its
 * elements turned into `DerNode`s over the same bytes.
 */
function decodeWithAsn1js(
  bytes: Uint8Array,
  fail: (why: string, cause?: unknown) => Error,
): DerNode {
  let decoded: asn1js.FromBerResult;
  try {
    decoded = asn1js.fromBER(bytes, DECODE_OPTIONS);
  } catch (error) {
    throw fail(describeError(error), error);
  }
  // asn1js reports failure through offset -1 rather than by throwing.
  if (decoded.offset === -1) throw fail(decoded.result.error || 'malformed ASN.1');
  // asn1js decodes a copy whose first byte is the root's: offsets are relative to the root.
  const base = decoded.result.valueBeforeDecodeView.byteOffset;
  return nodeOfBlock(bytes, base, decoded.result);
}

/** A DerNode over the bytes an asn1js block was decoded from, children as asn1js lists them. */
function nodeOfBlock(bytes: Uint8Array, base: number, block: asn1js.AsnType): DerNode {
  const view = block.valueBeforeDecodeView;
  const offset = view.byteOffset - base;
  const end = offset + view.byteLength;
  const start = offset + block.idBlock.blockLength + block.lenBlock.blockLength;
  const value = (block.valueBlock as { value?: unknown }).value;
  const children =
    Array.isArray(value) && block.idBlock.isConstructed
      ? (value as asn1js.AsnType[]).map((child) => nodeOfBlock(bytes, base, child))
      : [];
  return {
    tag: bytes[offset] as number,
    source: bytes,
    offset,
    start,
    contentEnd: block.lenBlock.isIndefiniteForm ? end - 2 : end,
    end,
    children,
  };
}
