import type { ErrorCode } from '../codes.js';
import { NupkgSigningError, describeError } from '../errors.js';
import {
  StructureError,
  childrenOf,
  decodeDer,
  encodedBytes,
  isUniversal,
  primitiveContent,
  readOctetString,
  readOid,
  type DerNode,
} from '../asn1/decode.js';
import { readTime } from '../asn1/time.js';
import { TAG } from '../asn1/tags.js';

export {
  decodeSigningCertificate,
  decodeSigningCertificateV2,
  type EssCertId,
  type EssCertIdV2,
  type GeneralNameView,
  type IssuerSerialView,
} from './ess-cert-id.js';

/** Attribute ::= SEQUENCE { attrType OID, attrValues SET OF AttributeValue } (RFC 5652 §5.3). */
export interface AttributeView {
  readonly oid: string;
  /** DER of each value, in encoding order. */
  readonly values: readonly Uint8Array[];
}

/**
 * The decoded element each attribute value was cut from, by the value's bytes (a fresh copy per
 * value, so identity is unambiguous). A timestamp token or countersignature inside a signature was
 * decoded with the signature: its readers take the element instead of decoding the bytes again.
 */
const decodedValues = new WeakMap<Uint8Array, DerNode>();

/** The decoded element of a value from `readAttributes`, or undefined for other bytes. */
export function decodedAttributeValue(value: Uint8Array): DerNode | undefined {
  return decodedValues.get(value);
}

/** Reads a `[0]`/`[1] IMPLICIT SET OF Attribute` element into views, in document order. */
export function readAttributes(block: DerNode): AttributeView[] {
  return childrenOf(block).map((attribute) => {
    const [type, values] = childrenOf(attribute);
    if (!isUniversal(attribute, TAG.sequence) || !isUniversal(values, TAG.set) || !values) {
      throw new StructureError('an Attribute is not SEQUENCE { OID, SET }');
    }
    return {
      oid: readOid(type, 'attrType'),
      values: childrenOf(values).map((value) => {
        const bytes = encodedBytes(value);
        decodedValues.set(bytes, value);
        return bytes;
      }),
    };
  });
}

export function attributesByOid(list: readonly AttributeView[], oid: string): AttributeView[] {
  return list.filter((attribute) => attribute.oid === oid);
}

/** Runs a value decoder, turning structural problems into `code`. */
function decodeValue<T>(
  value: Uint8Array,
  what: string,
  code: ErrorCode,
  read: (b: DerNode) => T,
): T {
  const root = decodeDer(value, `${what} attribute`, code);
  try {
    return read(root);
  } catch (error) {
    if (error instanceof NupkgSigningError) throw error;
    throw new NupkgSigningError(
      code,
      `The ${what} attribute is invalid: ${describeError(error)}.`,
      {
        cause: error,
      },
    );
  }
}

/** signing-time (RFC 5652 §11.3): the client only checks presence, but the value must decode. */
export function decodeSigningTime(value: Uint8Array, code: ErrorCode = 'NU3000'): Date {
  return decodeValue(value, 'signing-time', code, (root) => readTime(root, 'SigningTime'));
}

/** message-digest (RFC 5652 §11.2): the digest octets. */
export function decodeMessageDigest(value: Uint8Array, code: ErrorCode = 'NU3000'): Uint8Array {
  return decodeValue(value, 'message-digest', code, (root) =>
    readOctetString(root, 'MessageDigest'),
  );
}

export interface CommitmentTypeIndication {
  readonly commitmentTypeId: string;
  readonly hasQualifiers: boolean;
}

/**
 * CommitmentTypeIndication (RFC 5126 §5.11.1): SEQUENCE { commitmentTypeId OID,
 * commitmentTypeQualifier SEQUENCE SIZE (1..MAX) OF ... OPTIONAL }. A present but empty
 * qualifier list is an error for NuGet (nuget-signing-spec.md §4.1).
 */
export function decodeCommitmentTypeIndication(
  value: Uint8Array,
  code: ErrorCode = 'NU3000',
): CommitmentTypeIndication {
  return decodeValue(value, 'commitment-type-indication', code, (root) => {
    const [id, qualifiers, extra] = childrenOf(root);
    if (!isUniversal(root, TAG.sequence) || extra)
      throw new StructureError('the value is not SEQUENCE { OID, ... }');
    if (
      qualifiers &&
      (!isUniversal(qualifiers, TAG.sequence) || childrenOf(qualifiers).length === 0)
    ) {
      throw new StructureError('commitmentTypeQualifier is present but empty');
    }
    return {
      commitmentTypeId: readOid(id, 'commitmentTypeId'),
      hasQualifiers: qualifiers !== undefined,
    };
  });
}

/**
 * nuget-v3-service-index-url: an IA5String that must be an absolute `https` URI
 * (nuget-signing-spec.md §4.2).
 */
export function decodeNuGetV3ServiceIndexUrl(
  value: Uint8Array,
  code: ErrorCode = 'NU3000',
): string {
  return decodeValue(value, 'nuget-v3-service-index-url', code, (root) => {
    if (!isUniversal(root, TAG.ia5String))
      throw new StructureError('the value is not an IA5String');
    const text = Buffer.from(primitiveContent(root)).toString('latin1');
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new StructureError(`'${text}' is not an absolute URI`);
    }
    if (url.protocol !== 'https:')
      throw new StructureError(`'${text}' does not use the https scheme`);
    return text;
  });
}

/** nuget-package-owners: SEQUENCE SIZE (1..MAX) OF UTF8String, each owner not blank. */
export function decodeNuGetPackageOwners(value: Uint8Array, code: ErrorCode = 'NU3000'): string[] {
  return decodeValue(value, 'nuget-package-owners', code, (root) => {
    if (!isUniversal(root, TAG.sequence)) throw new StructureError('the value is not a SEQUENCE');
    const owners = childrenOf(root).map((owner) => {
      if (!isUniversal(owner, TAG.utf8String))
        throw new StructureError('an owner is not a UTF8String');
      const text = Buffer.from(primitiveContent(owner)).toString('utf8');
      if (text.trim().length === 0) throw new StructureError('an owner is empty or blank');
      return text;
    });
    if (owners.length === 0) throw new StructureError('the owner list is empty');
    return owners;
  });
}
