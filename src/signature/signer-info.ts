import { createHash } from 'node:crypto';
import { NupkgSigningError, describeError } from '../errors.js';
import {
  attributesByOid,
  decodeCommitmentTypeIndication,
  decodedAttributeValue,
  readAttributes,
  type AttributeView,
} from './attributes.js';
import type { CertificateView } from './certificate.js';
import {
  StructureError,
  childrenOf,
  decodeDer,
  encodedBytes,
  isContextTag,
  isUniversal,
  primitiveContent,
  readIntegerBytes,
  readOctetString,
  readOid,
  readSmallInteger,
  type DerNode,
} from '../asn1/decode.js';
import { bytesEqual } from '../asn1/bytes.js';
import { isConstructed, TAG } from '../asn1/tags.js';
import { OID } from '../asn1/oids.js';
import { formatDistinguishedName, readNameAttributes } from './names.js';
import type { SignatureType } from '../issues.js';

/** SignerIdentifier (RFC 5652 §5.3): the two ways a SignerInfo names its certificate. */
export type SignerIdentifier =
  | { readonly kind: 'subjectKeyIdentifier'; readonly keyIdentifier: Uint8Array }
  | {
      readonly kind: 'issuerAndSerialNumber';
      readonly issuerDer: Uint8Array;
      /** The issuer formatted like .NET's `X500DistinguishedName.Name`. */
      readonly issuer: string;
      readonly serialNumber: Uint8Array;
    };

/** From commitment-type-indication (nuget-signing-spec.md §4.1). */
export type { SignatureType } from '../issues.js';

export interface SignerInfoView {
  /** Exact encoding of the SignerInfo (for a countersignature: the attribute value). */
  readonly der: Uint8Array;
  readonly version: number;
  readonly sid: SignerIdentifier;
  readonly digestAlgorithmOid: string;
  readonly signatureAlgorithmOid: string;
  /** DER of the signatureAlgorithm parameters, when present (RSASSA-PSS needs them). */
  readonly signatureAlgorithmParameters?: Uint8Array;
  /** Contents of the `signature` OCTET STRING: what RSA verifies and timestamps imprint. */
  readonly signatureValue: Uint8Array;
  readonly signedAttributes: readonly AttributeView[];
  /**
   * The `[0] IMPLICIT` signed attributes exactly as in the file (tag byte 0xA0), undefined when
   * absent. The signature covers them re-tagged as SET (0x31), spec §4.4.
   */
  readonly signedAttributesDer: Uint8Array | undefined;
  readonly unsignedAttributes: readonly AttributeView[];
  readonly signatureType: SignatureType;
  /** The certificate `sid` names, or undefined (the checks report NU3010). */
  findSignerCertificate(certificates: readonly CertificateView[]): CertificateView | undefined;
}

/**
 * Parses a standalone SignerInfo (a countersignature value). Malformed input is NU3003. A value
 * read from a signature's attributes was decoded with it and is not decoded again.
 */
export function parseSignerInfo(der: Uint8Array): SignerInfoView {
  return signerInfoFromBlock(decodedAttributeValue(der) ?? decodeDer(der, 'SignerInfo'));
}

export function signerInfoFromBlock(block: DerNode): SignerInfoView {
  let view: Omit<SignerInfoView, 'signatureType'>;
  try {
    view = readSignerInfo(block);
  } catch (error) {
    if (error instanceof NupkgSigningError) throw error;
    throw new NupkgSigningError(
      'NU3003',
      `A SignerInfo cannot be decoded: ${describeError(error)}.`,
      {
        cause: error,
      },
    );
  }
  return { ...view, signatureType: signatureTypeOf(view.signedAttributes) };
}

/**
 * SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm, signedAttrs [0] IMPLICIT OPTIONAL,
 * signatureAlgorithm, signature OCTET STRING, unsignedAttrs [1] IMPLICIT OPTIONAL }
 */
function readSignerInfo(block: DerNode): Omit<SignerInfoView, 'signatureType'> {
  if (!isUniversal(block, TAG.sequence)) throw new StructureError('SignerInfo is not a SEQUENCE');
  const fields = [...childrenOf(block)];
  const next = () => fields.shift();
  const version = readSmallInteger(next(), 'version');
  const sid = readSignerIdentifier(next());
  const digestAlgorithm = readAlgorithm(next(), 'digestAlgorithm');
  const signedAttrs = isContextTag(fields[0], 0) ? next() : undefined;
  const signatureAlgorithm = readAlgorithm(next(), 'signatureAlgorithm');
  const signatureValue = readOctetString(next(), 'signature');
  const unsignedAttrs = isContextTag(fields[0], 1) ? next() : undefined;
  if (fields.length > 0) throw new StructureError('unexpected fields after the signature');

  return {
    der: encodedBytes(block),
    version,
    sid,
    digestAlgorithmOid: digestAlgorithm.oid,
    signatureAlgorithmOid: signatureAlgorithm.oid,
    signatureAlgorithmParameters: signatureAlgorithm.parameters,
    signatureValue,
    signedAttributes: signedAttrs ? readAttributes(signedAttrs) : [],
    signedAttributesDer: signedAttrs ? encodedBytes(signedAttrs) : undefined,
    unsignedAttributes: unsignedAttrs ? readAttributes(unsignedAttrs) : [],
    findSignerCertificate(certificates) {
      return certificates.find((certificate) => identifies(sid, certificate));
    },
  };
}

function readAlgorithm(block: DerNode | undefined, what: string) {
  if (!isUniversal(block, TAG.sequence) || !block)
    throw new StructureError(`${what} is not an AlgorithmIdentifier`);
  const [oid, parameters, extra] = childrenOf(block);
  // AlgorithmIdentifier ::= SEQUENCE { algorithm, parameters ANY OPTIONAL }: .NET's decoder
  // refuses anything after the parameters (NU3003); found by fuzzing, issue #8.
  if (extra) throw new StructureError(`${what} has elements after its parameters`);
  return { oid: readOid(oid, what), parameters: parameters ? encodedBytes(parameters) : undefined };
}

function readSignerIdentifier(block: DerNode | undefined): SignerIdentifier {
  // subjectKeyIdentifier [0] IMPLICIT OCTET STRING; BER may split it into a constructed string.
  if (isContextTag(block, 0) && block) {
    const keyIdentifier = isConstructed(block.tag)
      ? Buffer.concat(
          childrenOf(block).map((part) => readOctetString(part, 'subjectKeyIdentifier')),
        )
      : primitiveContent(block);
    return { kind: 'subjectKeyIdentifier', keyIdentifier: Uint8Array.from(keyIdentifier) };
  }
  if (isUniversal(block, TAG.sequence) && block) {
    const [issuer, serial] = childrenOf(block);
    if (!isUniversal(issuer, TAG.sequence) || !issuer)
      throw new StructureError('sid issuer is not a Name');
    return {
      kind: 'issuerAndSerialNumber',
      issuerDer: encodedBytes(issuer),
      issuer: formatDistinguishedName(readNameAttributes(issuer)),
      serialNumber: readIntegerBytes(serial, 'sid serialNumber'),
    };
  }
  throw new StructureError('sid is neither issuerAndSerialNumber nor subjectKeyIdentifier');
}

/**
 * How .NET's certificate finder matches a SignerIdentifier: by the SKI extension value, or (for
 * a certificate without one) by the SHA-1 of its public key bits, the value .NET computes in
 * that case; or by issuer name and serial bytes.
 */
function identifies(sid: SignerIdentifier, certificate: CertificateView): boolean {
  if (sid.kind === 'subjectKeyIdentifier') {
    const ski = certificate.subjectKeyIdentifier ?? computedKeyIdentifier(certificate);
    return bytesEqual(ski, sid.keyIdentifier);
  }
  const sameIssuer =
    bytesEqual(certificate.issuerDer, sid.issuerDer) || certificate.issuer === sid.issuer;
  return sameIssuer && bytesEqual(certificate.serialNumber, sid.serialNumber);
}

function computedKeyIdentifier(certificate: CertificateView): Uint8Array {
  const spki = decodeDer(certificate.subjectPublicKeyInfoDer, 'public key');
  const bits = childrenOf(spki)[1];
  const key = bits ? primitiveContent(bits).subarray(1) : new Uint8Array();
  return createHash('sha1').update(key).digest();
}

/**
 * Signature type from all values of all commitment-type-indication signed attributes
 * (nuget-signing-spec.md §4.1): unknown OIDs are ignored; author and repository together are
 * an error (NU3000).
 */
export function signatureTypeOf(signedAttributes: readonly AttributeView[]): SignatureType {
  const values = attributesByOid(signedAttributes, OID.commitmentTypeIndication).flatMap(
    (a) => a.values,
  );
  const kinds = new Set<SignatureType>();
  for (const value of values) {
    const { commitmentTypeId } = decodeCommitmentTypeIndication(value);
    if (commitmentTypeId === OID.proofOfOrigin) kinds.add('author');
    if (commitmentTypeId === OID.proofOfReceipt) kinds.add('repository');
  }
  if (kinds.size > 1) {
    throw new NupkgSigningError(
      'NU3000',
      'The commitment-type-indication attribute claims both an author (proof of origin) and a repository (proof of receipt) signature.',
    );
  }
  return kinds.values().next().value ?? 'unknown';
}
