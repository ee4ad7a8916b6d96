import * as asn1js from 'asn1js';

/**
 * The few asn1js readings PKCS#12 needs. PFX files from Windows are often BER (indefinite lengths,
 * constructed OCTET STRINGs), so everything here accepts BER.
 *
 * Readers throw `Pkcs12FormatError`; the caller turns it into one coded error (never echoing
 * decoded bytes, which may be key material).
 */
export type Block = asn1js.AsnType;

export class Pkcs12FormatError extends Error {}

const UNIVERSAL = 1;
const CONTEXT = 3;

export function decode(bytes: Uint8Array, what: string): Block {
  let decoded: asn1js.FromBerResult;
  try {
    decoded = asn1js.fromBER(bytes, { maxDepth: 64, maxNodes: 200_000 });
  } catch {
    throw new Pkcs12FormatError(`${what} is not valid ASN.1`);
  }
  if (decoded.offset === -1) throw new Pkcs12FormatError(`${what} is not valid ASN.1`);
  return decoded.result;
}

/** Children of a SEQUENCE/SET or of a constructed context tag; `what` names it in errors. */
export function children(block: Block | undefined, what: string): Block[] {
  const value = (block?.valueBlock as { value?: unknown } | undefined)?.value;
  if (!block?.idBlock.isConstructed || !Array.isArray(value)) {
    throw new Pkcs12FormatError(`${what} is not a constructed element`);
  }
  return value as Block[];
}

export function child(block: Block | undefined, index: number, what: string): Block {
  const found = children(block, what)[index];
  if (!found) throw new Pkcs12FormatError(`${what} has no element ${index}`);
  return found;
}

export function oid(block: Block | undefined, what: string): string {
  if (!(block instanceof asn1js.ObjectIdentifier)) {
    throw new Pkcs12FormatError(`${what} is not an object identifier`);
  }
  return block.valueBlock.toString();
}

export function integer(block: Block | undefined, what: string): number {
  if (!(block instanceof asn1js.Integer)) throw new Pkcs12FormatError(`${what} is not an INTEGER`);
  const value = block.toBigInt();
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new Pkcs12FormatError(`${what} is out of range`);
  }
  return Number(value);
}

/**
 * The content octets of an OCTET STRING, or of an IMPLICIT-tagged one (`[0]` in EncryptedData),
 * concatenating the segments of a constructed (BER) encoding.
 */
export function octets(block: Block | undefined, what: string): Uint8Array {
  if (!block) throw new Pkcs12FormatError(`${what} is missing`);
  const { tagClass, tagNumber, isConstructed } = block.idBlock;
  const isOctetString = tagClass === UNIVERSAL && tagNumber === 4;
  if (!isOctetString && tagClass !== CONTEXT) {
    throw new Pkcs12FormatError(`${what} is not an OCTET STRING`);
  }
  if (!isConstructed) {
    return new Uint8Array(
      (block.valueBlock as unknown as { valueHexView: Uint8Array }).valueHexView,
    );
  }
  return Buffer.concat(children(block, what).map((segment) => octets(segment, what)));
}

/** The element inside an EXPLICIT context tag `[n]`. */
export function explicit(block: Block | undefined, tagNumber: number, what: string): Block {
  if (block?.idBlock.tagClass !== CONTEXT || block.idBlock.tagNumber !== tagNumber) {
    throw new Pkcs12FormatError(`${what} is not tagged [${tagNumber}]`);
  }
  return child(block, 0, what);
}

/** The exact bytes an element was decoded from (certificates are kept as found, never re-encoded). */
export function encoded(block: Block): Uint8Array {
  return Uint8Array.from(block.valueBeforeDecodeView);
}
