import { createPublicKey, verify as verifySignature, constants, type KeyObject } from 'node:crypto';
import { digest } from '../crypto.js';
import { attributesByOid, decodeMessageDigest } from '../signature/attributes.js';
import type { CertificateView } from '../signature/certificate.js';
import { bytesEqual, concat } from '../asn1/bytes.js';
import {
  childrenOf,
  decodeDer,
  encodedBytes,
  integerValue,
  isNullOrAbsentParameters,
  isUniversal,
  readOid,
} from '../asn1/decode.js';
import { encodeTlv } from '../asn1/encode.js';
import { OID } from '../asn1/oids.js';
import { TAG, tagNumber } from '../asn1/tags.js';
import { SIGNATURE_ALGORITHM_HASHES, type HashAlgorithmName } from '../hash-algorithms.js';
import type { SignerInfoView } from '../signature/signer-info.js';

/** Signature algorithms .NET's SignerInfo.CheckSignature understands, with the hash they imply. */
const SIGNATURE_HASHES: Readonly<Record<string, string | undefined>> = {
  [OID.rsaEncryption]: undefined, // the digest algorithm decides
  ...SIGNATURE_ALGORITHM_HASHES,
  [OID.rsassaPss]: undefined,
};

const DIGESTS: Readonly<Record<string, string>> = {
  [OID.sha1]: 'sha1',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

/**
 * Checks a SignerInfo's signature the way .NET's `CheckSignature(verifySignatureOnly: true)` does
 * (nuget-signing-spec.md §4.4): the message-digest attribute (exactly one value) equals the digest
 * of `signedContent` (the eContent, or the parent's signature value for a countersignature), and
 * the signature verifies over the signed attributes as a DER SET — first sorted, then in document
 * order. Returns why it failed, or undefined when it verifies.
 */
export function checkSignerSignature(
  signer: SignerInfoView,
  certificate: CertificateView,
  signedContent: Uint8Array,
): string | undefined {
  const digestName = DIGESTS[signer.digestAlgorithmOid];
  if (!digestName) return `the digest algorithm ${signer.digestAlgorithmOid} is not supported`;
  if (!(signer.signatureAlgorithmOid in SIGNATURE_HASHES)) {
    return `the signature algorithm ${signer.signatureAlgorithmOid} is not supported`;
  }
  if (
    signer.signatureAlgorithmOid !== OID.rsassaPss &&
    !isNullOrAbsentParameters(signer.signatureAlgorithmParameters)
  ) {
    // .NET refuses PKCS#1 and ECDSA algorithm identifiers with parameters other than NULL.
    return 'the signature algorithm has unexpected parameters';
  }
  const impliedHash = SIGNATURE_HASHES[signer.signatureAlgorithmOid];
  if (impliedHash && impliedHash !== digestName) {
    return `the signature algorithm does not agree with the digest algorithm ${digestName}`;
  }
  if (!signer.signedAttributesDer) return 'the signer has no signed attributes';

  const digests = attributesByOid(signer.signedAttributes, OID.messageDigest);
  if (digests.length !== 1 || digests[0]?.values.length !== 1) {
    return 'the message-digest attribute must be present exactly once with one value';
  }
  let expected: Uint8Array;
  try {
    expected = decodeMessageDigest(digests[0].values[0] as Uint8Array);
  } catch {
    return 'the message-digest attribute cannot be decoded';
  }
  const actual = digest(digestName as HashAlgorithmName, signedContent);
  if (!bytesEqual(actual, expected)) return 'the message digest does not match the signed content';

  let key: KeyObject;
  try {
    key = createPublicKey({
      key: Buffer.from(certificate.subjectPublicKeyInfoDer),
      format: 'der',
      type: 'spki',
    });
  } catch {
    return 'the signing certificate public key cannot be used';
  }
  const documentOrder = Uint8Array.from(signer.signedAttributesDer);
  documentOrder[0] = 0x31; // [0] IMPLICIT → SET OF, as RFC 5652 §5.4 requires
  for (const signedBytes of [sortedAttributeSet(documentOrder), documentOrder]) {
    if (signedBytes && verifyWith(key, digestName, signer, signedBytes)) return undefined;
  }
  return 'the signature does not verify with the signing certificate public key';
}

function verifyWith(
  key: KeyObject,
  digestName: string,
  signer: SignerInfoView,
  data: Uint8Array,
): boolean {
  try {
    if (signer.signatureAlgorithmOid === OID.rsassaPss) {
      const pss = pssParameters(signer.signatureAlgorithmParameters);
      if (!pss) return false;
      return verifySignature(
        pss.hash,
        data,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pss.saltLength },
        signer.signatureValue,
      );
    }
    const isEcdsa = signer.signatureAlgorithmOid.startsWith('1.2.840.10045.');
    return verifySignature(
      digestName,
      data,
      isEcdsa ? { key, dsaEncoding: 'der' } : { key, padding: constants.RSA_PKCS1_PADDING },
      signer.signatureValue,
    );
  } catch {
    return false;
  }
}

/** The signed attributes re-encoded as a DER SET OF: elements sorted by their encodings (X.690 §11.6). */
function sortedAttributeSet(set: Uint8Array): Uint8Array | undefined {
  try {
    const elements = childrenOf(decodeDer(set, 'signed attributes')).map(encodedBytes);
    elements.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return encodeTlv(TAG.set, concat(elements));
  } catch {
    return undefined;
  }
}

/** RSASSA-PSS-params (RFC 4055): hash (default SHA-1) and salt length (default 20). */
function pssParameters(
  parameters: Uint8Array | undefined,
): { hash: string; saltLength: number } | undefined {
  let hash = 'sha1';
  let saltLength = 20;
  if (!parameters) return { hash, saltLength };
  try {
    for (const field of childrenOf(decodeDer(parameters, 'RSASSA-PSS parameters'))) {
      const inner = childrenOf(field)[0];
      if (!inner) continue;
      if (tagNumber(field.tag) === 0) {
        hash = DIGESTS[readOid(childrenOf(inner)[0], 'PSS hash algorithm')] ?? '';
      } else if (tagNumber(field.tag) === 2) {
        // Only an INTEGER (or ENUMERATED) has a value; anything else is no salt length.
        const numeric = isUniversal(inner, TAG.integer) || isUniversal(inner, TAG.enumerated);
        saltLength = numeric ? integerValue(inner) : NaN;
      }
    }
  } catch {
    return undefined;
  }
  return hash ? { hash, saltLength } : undefined;
}
