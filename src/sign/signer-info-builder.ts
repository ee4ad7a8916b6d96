import { constants, verify } from 'node:crypto';
import { NupkgSigningError } from '../errors.js';
import { HASH_ALGORITHMS, type HashAlgorithmName } from '../hash-algorithms.js';
import { OID } from '../asn1/oids.js';
import { TAG, contextTag } from '../asn1/tags.js';
import {
  algorithmIdentifier,
  encodeTlv,
  octetString,
  sequence,
  smallInteger,
} from '../asn1/encode.js';
import { concat } from '../asn1/bytes.js';
import type { Attribute } from './attribute.js';
import { encodeSignerInfo } from './cms-parts.js';
import { sortSignedAttributes, type SignedAttributes } from './signed-attributes.js';
import type { SignerCertificate } from './signer-certificate.js';
import type { Signer } from './signer.js';

/** RFC 5652 §5.3 SignerIdentifier choice. */
export type SignerIdentifierKind = 'subjectKeyIdentifier' | 'issuerAndSerialNumber';

export interface SignerInfoRequest {
  readonly signer: Signer;
  readonly certificate: SignerCertificate;
  readonly hashAlgorithm: HashAlgorithmName;
  /** All signed attributes, in any order; they are DER-sorted here. */
  readonly attributes: readonly Attribute[];
  /** Defaults to the reference's choice: the SKI when the certificate has one. */
  readonly sid?: SignerIdentifierKind;
}

export interface BuiltSignerInfo {
  readonly der: Uint8Array;
  /** The RSA signature: the content of the `signature` OCTET STRING. */
  readonly signatureValue: Uint8Array;
  /** 3 with a subjectKeyIdentifier sid, 1 with issuerAndSerialNumber (RFC 5652 §5.3). */
  readonly version: 1 | 3;
  readonly signedAttributes: SignedAttributes;
}

/**
 * Builds one SignerInfo the way the reference signer does (nuget-signing-spec.md §2.1, §4.4):
 * signed attributes DER-sorted, signed as the 0x31 `SET OF`, carried under `[0]` in that same order;
 * digestAlgorithm and signatureAlgorithm (rsaEncryption) with parameters absent.
 */
export async function buildSignerInfo(request: SignerInfoRequest): Promise<BuiltSignerInfo> {
  const { certificate, hashAlgorithm } = request;
  const kind =
    request.sid ??
    (certificate.subjectKeyIdentifier ? 'subjectKeyIdentifier' : 'issuerAndSerialNumber');
  if (certificate.publicKey.asymmetricKeyType !== 'rsa') {
    // The SignerInfo names rsaEncryption, and NuGet accepts only RSA signing keys (NU3014).
    throw new NupkgSigningError(
      'NU3014',
      'The signing certificate does not have an RSA public key.',
    );
  }
  const signedAttributes = sortSignedAttributes(request.attributes);
  const signatureValue = await request.signer.sign(signedAttributes.der, hashAlgorithm);
  checkSignature(certificate, hashAlgorithm, signedAttributes.der, signatureValue);

  const version = kind === 'subjectKeyIdentifier' ? 3 : 1;
  const der = encodeSignerInfo({
    version: smallInteger(version),
    sid: signerIdentifier(certificate, kind),
    digestAlgorithm: algorithmIdentifier(HASH_ALGORITHMS[hashAlgorithm].oid),
    signedAttrs: encodeTlv(contextTag(0, true), concat(signedAttributes.encoded)),
    signatureAlgorithm: algorithmIdentifier(OID.rsaEncryption),
    signature: octetString(signatureValue),
    unsignedAttrs: undefined,
  });
  return { der, signatureValue, version, signedAttributes };
}

function signerIdentifier(certificate: SignerCertificate, kind: SignerIdentifierKind): Uint8Array {
  if (kind === 'subjectKeyIdentifier') {
    if (!certificate.subjectKeyIdentifier) {
      throw new NupkgSigningError(
        'NUPKG003',
        'The signing certificate has no Subject Key Identifier to identify the signer by.',
      );
    }
    // subjectKeyIdentifier [0] IMPLICIT SubjectKeyIdentifier: a primitive context tag.
    return encodeTlv(contextTag(0, false), certificate.subjectKeyIdentifier);
  }
  return sequence(certificate.issuer, encodeTlv(TAG.integer, certificate.serialNumber));
}

/**
 * A remote signer can return anything; checking the result against the certificate here turns a
 * wrong key or a wrong padding scheme into a clear error instead of a package that fails NU3012.
 */
function checkSignature(
  certificate: SignerCertificate,
  hashAlgorithm: HashAlgorithmName,
  data: Uint8Array,
  signature: Uint8Array,
): void {
  let ok: boolean;
  try {
    ok = verify(
      hashAlgorithm,
      data,
      { key: certificate.publicKey, padding: constants.RSA_PKCS1_PADDING },
      signature,
    );
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new NupkgSigningError(
      'NUPKG003',
      'The signer returned a signature that does not verify with the signing certificate: the key does not match the certificate, or the signature is not RSA PKCS#1 v1.5.',
    );
  }
}
