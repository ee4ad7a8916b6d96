import { NupkgSigningError } from '../errors.js';
import { OID } from '../asn1/oids.js';
import { TAG, contextTag } from '../asn1/tags.js';
import {
  children,
  expectTag,
  readObjectIdentifier,
  readSingle,
  type Tlv,
} from '../asn1/der-reader.js';
import { concat } from '../asn1/bytes.js';
import { encodeTlv, objectIdentifier, sequence } from '../asn1/encode.js';

/**
 * RFC 5652 `SignedData` (§5.1) and `SignerInfo` (§5.3) split into their fields, each field kept as
 * its exact DER element. Editing a signature (adding a countersignature or a timestamp) replaces
 * only the fields that change and re-wraps the lengths around them; all other bytes, in
 * particular the signed attributes and the certificates, survive untouched.
 */

const CERTIFICATES = contextTag(0, true); // certificates [0] IMPLICIT CertificateSet
const CRLS = contextTag(1, true); // crls [1] IMPLICIT RevocationInfoChoices
const SIGNED_ATTRS = contextTag(0, true); // signedAttrs [0] IMPLICIT SignedAttributes
const UNSIGNED_ATTRS = contextTag(1, true); // unsignedAttrs [1] IMPLICIT UnsignedAttributes

export interface SignedDataParts {
  readonly version: Uint8Array;
  readonly digestAlgorithms: Uint8Array;
  readonly encapContentInfo: Uint8Array;
  /** Each `Certificate` element, in document order; empty when the field is absent. */
  readonly certificates: readonly Uint8Array[];
  readonly crls: Uint8Array | undefined;
  /** Each `SignerInfo` element, in document order. */
  readonly signerInfos: readonly Uint8Array[];
}

export interface SignerInfoParts {
  readonly version: Uint8Array;
  readonly sid: Uint8Array;
  readonly digestAlgorithm: Uint8Array;
  /** The whole `[0]` element (tag 0xA0) when present. */
  readonly signedAttrs: Uint8Array | undefined;
  readonly signatureAlgorithm: Uint8Array;
  /** The `signature` OCTET STRING element. */
  readonly signature: Uint8Array;
  /** Each unsigned `Attribute` element in document order; undefined when the field is absent. */
  readonly unsignedAttrs: readonly Uint8Array[] | undefined;
}

function malformed(why: string): NupkgSigningError {
  return new NupkgSigningError('NU3003', `The package signature is not a valid CMS: ${why}.`);
}

/** Splits a `ContentInfo` of type id-signedData. */
export function decodeSignedData(contentInfoDer: Uint8Array): SignedDataParts {
  const [contentType, content, ...rest] = children(
    expectTag(readSingle(contentInfoDer), TAG.sequence, 'ContentInfo').content,
  );
  if (
    readObjectIdentifier(expectTag(contentType, TAG.objectIdentifier, 'contentType')) !==
    OID.signedData
  ) {
    throw malformed('the content type is not id-signedData');
  }
  if (rest.length > 0) throw malformed('ContentInfo has extra fields');
  const [signedData, ...extra] = children(
    expectTag(content, contextTag(0, true), 'content').content,
  );
  if (extra.length > 0) throw malformed('content [0] holds more than one element');

  const fields = children(expectTag(signedData, TAG.sequence, 'SignedData').content);
  let index = 0;
  const next = (): Tlv | undefined => fields[index];
  const version = expectTag(fields[index++], TAG.integer, 'SignedData.version');
  const digestAlgorithms = expectTag(fields[index++], TAG.set, 'digestAlgorithms');
  const encapContentInfo = expectTag(fields[index++], TAG.sequence, 'encapContentInfo');
  let certificates: Uint8Array[] = [];
  if (next()?.tag === CERTIFICATES) {
    certificates = children((fields[index++] as Tlv).content).map(
      (certificate) => certificate.bytes,
    );
  }
  const crls = next()?.tag === CRLS ? (fields[index++] as Tlv).bytes : undefined;
  const signerInfos = expectTag(fields[index++], TAG.set, 'signerInfos');
  if (index !== fields.length) throw malformed('SignedData has extra fields');
  return {
    version: version.bytes,
    digestAlgorithms: digestAlgorithms.bytes,
    encapContentInfo: encapContentInfo.bytes,
    certificates,
    crls,
    signerInfos: children(signerInfos.content).map((signerInfo) => signerInfo.bytes),
  };
}

/** Rebuilds the `ContentInfo`. Certificates and SignerInfos keep the order given. */
export function encodeSignedData(parts: SignedDataParts): Uint8Array {
  const fields = [parts.version, parts.digestAlgorithms, parts.encapContentInfo];
  if (parts.certificates.length > 0)
    fields.push(encodeTlv(CERTIFICATES, concat(parts.certificates)));
  if (parts.crls !== undefined) fields.push(parts.crls);
  fields.push(encodeTlv(TAG.set, concat(parts.signerInfos)));
  return sequence(
    objectIdentifier(OID.signedData),
    encodeTlv(contextTag(0, true), sequence(...fields)),
  );
}

export function decodeSignerInfo(der: Uint8Array): SignerInfoParts {
  const fields = children(expectTag(readSingle(der), TAG.sequence, 'SignerInfo').content);
  let index = 0;
  const version = expectTag(fields[index++], TAG.integer, 'SignerInfo.version');
  const sid = fields[index++];
  if (sid === undefined) throw malformed('SignerInfo.sid is missing');
  const digestAlgorithm = expectTag(fields[index++], TAG.sequence, 'digestAlgorithm');
  const signedAttrs = fields[index]?.tag === SIGNED_ATTRS ? fields[index++] : undefined;
  const signatureAlgorithm = expectTag(fields[index++], TAG.sequence, 'signatureAlgorithm');
  const signature = expectTag(fields[index++], TAG.octetString, 'signature');
  const unsignedAttrs = fields[index]?.tag === UNSIGNED_ATTRS ? fields[index++] : undefined;
  if (index !== fields.length) throw malformed('SignerInfo has extra fields');
  return {
    version: version.bytes,
    sid: sid.bytes,
    digestAlgorithm: digestAlgorithm.bytes,
    signedAttrs: signedAttrs?.bytes,
    signatureAlgorithm: signatureAlgorithm.bytes,
    signature: signature.bytes,
    unsignedAttrs: unsignedAttrs && children(unsignedAttrs.content).map((attr) => attr.bytes),
  };
}

export function encodeSignerInfo(parts: SignerInfoParts): Uint8Array {
  const fields = [parts.version, parts.sid, parts.digestAlgorithm];
  if (parts.signedAttrs !== undefined) fields.push(parts.signedAttrs);
  fields.push(parts.signatureAlgorithm, parts.signature);
  if (parts.unsignedAttrs !== undefined) {
    fields.push(encodeTlv(UNSIGNED_ATTRS, concat(parts.unsignedAttrs)));
  }
  return sequence(...fields);
}

/**
 * The content octets of the `signature` OCTET STRING: what a countersignature's message-digest
 * and a timestamp's message imprint are computed over (RFC 5652 §11.4, RFC 3161 §2.5 and
 * nuget-signing-spec.md §5.3).
 */
export function signatureValueOfParts(parts: SignerInfoParts): Uint8Array {
  return readSingle(parts.signature).content;
}

/** The `[0]` signed attributes re-tagged as the `SET OF` that was signed (RFC 5652 §5.4). */
export function signedAttributesAsSigned(parts: SignerInfoParts): Uint8Array | undefined {
  if (parts.signedAttrs === undefined) return undefined;
  return encodeTlv(TAG.set, readSingle(parts.signedAttrs).content);
}
