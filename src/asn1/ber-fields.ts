import * as asn1js from 'asn1js';
import { ASN1JS_CLASS, decodeBer, StructureError, type AsnBlock } from './decode.js';
import { TAG } from './tags.js';

/**
 * Accessors for BER structures whose every field is required (PKCS#12, PKCS#8): each throws
 * StructureError naming the field, never echoing decoded bytes (which may be key material).
 * Decoding is BER-tolerant (`decodeBer`): PFX files from Windows are often BER (indefinite
 * lengths, constructed OCTET STRINGs).
 */

/** The first element of `bytes`; trailing bytes are ignored, as PKCS#12 readers do. */
export function decodeRequired(bytes: Uint8Array, what: string): AsnBlock {
  const decoded = decodeBer(bytes, 'pkcs12');
  if (!decoded) throw new StructureError(`${what} is not valid ASN.1`);
  return decoded.block;
}

/** The exact bytes (tag, length and contents) the block was decoded from, as a fresh copy. */
export function encoded(block: AsnBlock): Uint8Array {
  return Uint8Array.from(block.valueBeforeDecodeView);
}

/** Children of a SEQUENCE/SET or of a constructed context tag; `what` names it in errors. */
export function children(block: AsnBlock | undefined, what: string): AsnBlock[] {
  const value = (block?.valueBlock as { value?: unknown } | undefined)?.value;
  if (!block?.idBlock.isConstructed || !Array.isArray(value)) {
    throw new StructureError(`${what} is not a constructed element`);
  }
  return value as AsnBlock[];
}

export function child(block: AsnBlock | undefined, index: number, what: string): AsnBlock {
  const found = children(block, what)[index];
  if (!found) throw new StructureError(`${what} has no element ${index}`);
  return found;
}

export function oid(block: AsnBlock | undefined, what: string): string {
  if (!(block instanceof asn1js.ObjectIdentifier)) {
    throw new StructureError(`${what} is not an object identifier`);
  }
  return block.valueBlock.toString();
}

export function integer(block: AsnBlock | undefined, what: string): number {
  if (!(block instanceof asn1js.Integer)) throw new StructureError(`${what} is not an INTEGER`);
  const value = block.toBigInt();
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new StructureError(`${what} is out of range`);
  }
  return Number(value);
}

/**
 * The content octets of an OCTET STRING, or of an IMPLICIT-tagged one (`[0]` in EncryptedData),
 * concatenating the segments of a constructed (BER) encoding.
 */
export function octets(block: AsnBlock | undefined, what: string): Uint8Array {
  if (!block) throw new StructureError(`${what} is missing`);
  const { tagClass, tagNumber, isConstructed } = block.idBlock;
  const isOctetString = tagClass === ASN1JS_CLASS.universal && tagNumber === TAG.octetString;
  if (!isOctetString && tagClass !== ASN1JS_CLASS.context) {
    throw new StructureError(`${what} is not an OCTET STRING`);
  }
  if (!isConstructed) {
    return new Uint8Array(
      (block.valueBlock as unknown as { valueHexView: Uint8Array }).valueHexView,
    );
  }
  return Buffer.concat(children(block, what).map((segment) => octets(segment, what)));
}

/** The element inside an EXPLICIT context tag `[n]`. */
export function explicit(block: AsnBlock | undefined, tagNumber: number, what: string): AsnBlock {
  if (block?.idBlock.tagClass !== ASN1JS_CLASS.context || block.idBlock.tagNumber !== tagNumber) {
    throw new StructureError(`${what} is not tagged [${tagNumber}]`);
  }
  return child(block, 0, what);
}
