/**
 * DER tag-length headers read straight from the bytes, without building any objects. Used where
 * asn1js is too slow or too lenient: indexing trust roots, counting certificates before a
 * decode, and checking that every element fits inside its parent (asn1js accepts a child that
 * runs past its parent's end, which .NET's decoder refuses).
 */
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

/** Nesting of indefinite lengths followed to find an end, like the decoder's depth limit. */
const MAX_INDEFINITE_DEPTH = 64;

/** The element at `offset`, which must end by `limit`; undefined when its header is malformed. */
export function readElement(
  bytes: Uint8Array,
  offset: number,
  limit: number,
  depth = 0,
): DerElement | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = bytes[offset] as number;
  if ((tag & 0x1f) === 0x1f) return undefined; // multi-byte tags appear in no structure we read
  const first = bytes[offset + 1] as number;
  let start = offset + 2;
  if (first === 0x80) {
    // BER indefinite length (constructed only): contents run to the end-of-contents octets.
    if ((tag & 0x20) === 0 || depth >= MAX_INDEFINITE_DEPTH) return undefined;
    const end = indefiniteEnd(bytes, start, limit, depth + 1);
    return end === undefined ? undefined : { tag, offset, start, end, indefinite: true };
  }
  let length = first;
  if (first & 0x80) {
    const octets = first & 0x7f;
    if (octets > 4 || start + octets > limit) return undefined;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + (bytes[start + i] as number);
    start += octets;
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
export function findMisnestedElement(bytes: Uint8Array, maxDepth = 64): number | undefined {
  const visit = (offset: number, limit: number, depth: number): number | undefined => {
    let at = offset;
    while (at < limit) {
      const element = readElement(bytes, at, limit);
      if (!element) return at;
      if (!hasValidLength(element)) return at;
      if (element.tag & 0x20 && depth < maxDepth) {
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
    case 0x01:
      return length === 1;
    case 0x02:
    case 0x06:
      return length >= 1;
    case 0x05:
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
