import { digest } from '../crypto.js';
import type { HashAlgorithmName } from '../hash-algorithms.js';
import { OID } from '../asn1/oids.js';
import { readSingle } from '../asn1/der-reader.js';
import { signatureValueOfParts } from './cms-parts.js';
import {
  editSignerInfo,
  encodeAttributeKeepingOrder,
  targetSignerInfo,
  type SignerInfoTarget,
} from './cms-signers.js';

export type { SignerInfoTarget } from './cms-signers.js';

/**
 * The signature value of the primary SignerInfo or of the repository countersigner: the content
 * octets of its `signature` OCTET STRING (nuget-signing-spec.md §5.3).
 */
export function signatureValueOf(
  signatureDer: Uint8Array,
  target: SignerInfoTarget = 'primary',
): Uint8Array {
  return signatureValueOfParts(targetSignerInfo(signatureDer, target));
}

/**
 * The RFC 3161 `MessageImprint.hashedMessage` to request for the targeted SignerInfo: the
 * timestamp hash algorithm over its signature value (§5.3, §10.3 step 4, §10.4).
 */
export function timestampImprintOf(
  signatureDer: Uint8Array,
  target: SignerInfoTarget,
  timestampHashAlgorithm: HashAlgorithmName,
): Uint8Array {
  return digest(timestampHashAlgorithm, signatureValueOf(signatureDer, target));
}

/**
 * Adds an unsigned attribute with one value (`valueDer`, a complete DER element) to the targeted
 * SignerInfo and returns the re-encoded ContentInfo. Unsigned attributes are outside the
 * signature, so appending leaves every signature in the document valid.
 */
export function addUnsignedAttribute(
  signatureDer: Uint8Array,
  target: SignerInfoTarget,
  oid: string,
  valueDer: Uint8Array,
): Uint8Array {
  readSingle(valueDer); // refuse a value that is not exactly one DER element
  const attribute = encodeAttributeKeepingOrder(oid, [valueDer]);
  return editSignerInfo(signatureDer, target, (signerInfo) => ({
    ...signerInfo,
    unsignedAttrs: [...(signerInfo.unsignedAttrs ?? []), attribute],
  }));
}

/**
 * Attaches an RFC 3161 TimeStampToken (a ContentInfo) as the signature-time-stamp-token
 * attribute, one attribute with one value as the reference does (§5.1).
 */
export function addTimestampToken(
  signatureDer: Uint8Array,
  target: SignerInfoTarget,
  timeStampTokenDer: Uint8Array,
): Uint8Array {
  return addUnsignedAttribute(signatureDer, target, OID.signatureTimeStampToken, timeStampTokenDer);
}
