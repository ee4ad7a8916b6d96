import { NupkgSigningError } from '../errors.js';
import { OID } from '../asn1/oids.js';
import { TAG } from '../asn1/tags.js';
import { children, readObjectIdentifier, readSingle } from '../asn1/der-reader.js';
import { concat } from '../asn1/bytes.js';
import { encodeTlv, objectIdentifier, sequence } from '../asn1/encode.js';
import { decodeAttribute } from './attribute.js';
import {
  decodeSignedData,
  decodeSignerInfo,
  encodeSignedData,
  encodeSignerInfo,
  type SignedDataParts,
  type SignerInfoParts,
} from './cms-parts.js';
import type { SignatureType } from '../issues.js';

/**
 * Finding and replacing the SignerInfos of a NuGet signature: the primary one and the repository
 * countersignature (an RFC 5652 §11.4 countersignature attribute value on the primary).
 */

export type CommitmentType = SignatureType;

/** Which SignerInfo of a signature an edit or a lookup is about. */
export type SignerInfoTarget = 'primary' | 'repository-countersignature';

/** The single SignerInfo NuGet requires (nuget-signing-spec.md §4.1, NU3009). */
export function primarySignerInfo(signedData: SignedDataParts): SignerInfoParts {
  if (signedData.signerInfos.length !== 1) {
    throw new NupkgSigningError(
      'NU3009',
      `The package signature must contain exactly one signer; it contains ${signedData.signerInfos.length}.`,
    );
  }
  return decodeSignerInfo(signedData.signerInfos[0] as Uint8Array);
}

/** The signature type from commitment-type-indication, with NuGet's reading rules (§4.1). */
export function commitmentTypeOf(signerInfo: SignerInfoParts): CommitmentType {
  if (signerInfo.signedAttrs === undefined) return 'unknown';
  const found = new Set<CommitmentType>();
  for (const attributeTlv of children(readSingle(signerInfo.signedAttrs).content)) {
    const attribute = decodeAttribute(attributeTlv.bytes);
    if (attribute.type !== OID.commitmentTypeIndication) continue;
    for (const value of attribute.values) {
      const [id] = children(readSingle(value).content);
      if (id === undefined || id.tag !== TAG.objectIdentifier) continue;
      const oid = readObjectIdentifier(id);
      if (oid === OID.proofOfOrigin) found.add('author');
      if (oid === OID.proofOfReceipt) found.add('repository');
    }
  }
  if (found.size > 1) {
    throw new NupkgSigningError(
      'NU3000',
      'The signature has both the author and the repository commitment type.',
    );
  }
  return found.values().next().value ?? 'unknown';
}

/** Where one countersignature sits: attribute index and value index within the unsigned attributes. */
export interface CountersignatureLocation {
  readonly attributeIndex: number;
  readonly valueIndex: number;
  readonly signerInfo: SignerInfoParts;
}

/** All countersigners of a SignerInfo, in encoding order. */
export function countersignaturesOf(signerInfo: SignerInfoParts): CountersignatureLocation[] {
  const result: CountersignatureLocation[] = [];
  (signerInfo.unsignedAttrs ?? []).forEach((attributeDer, attributeIndex) => {
    const attribute = decodeAttribute(attributeDer);
    if (attribute.type !== OID.countersignature) return;
    attribute.values.forEach((value, valueIndex) => {
      result.push({ attributeIndex, valueIndex, signerInfo: decodeSignerInfo(value) });
    });
  });
  return result;
}

/** The repository countersignature; more than one is NU3032 (§4.6). */
export function repositoryCountersignatureOf(
  primary: SignerInfoParts,
): CountersignatureLocation | undefined {
  const repository = countersignaturesOf(primary).filter(
    (location) => commitmentTypeOf(location.signerInfo) === 'repository',
  );
  if (repository.length > 1) {
    throw new NupkgSigningError(
      'NU3032',
      'The package signature contains more than one repository countersignature.',
    );
  }
  return repository[0];
}

/** Decodes a signature and returns the targeted SignerInfo. */
export function targetSignerInfo(
  signatureDer: Uint8Array,
  target: SignerInfoTarget,
): SignerInfoParts {
  const primary = primarySignerInfo(decodeSignedData(signatureDer));
  if (target === 'primary') return primary;
  const location = repositoryCountersignatureOf(primary);
  if (!location) {
    throw new NupkgSigningError(
      'NUPKG003',
      'The package signature has no repository countersignature.',
    );
  }
  return location.signerInfo;
}

/**
 * Applies `edit` to the targeted SignerInfo and re-encodes the signature around it. Every other
 * element keeps its bytes, and a countersignature keeps its position among its siblings.
 */
export function editSignerInfo(
  signatureDer: Uint8Array,
  target: SignerInfoTarget,
  edit: (signerInfo: SignerInfoParts) => SignerInfoParts,
): Uint8Array {
  const signedData = decodeSignedData(signatureDer);
  const primary = primarySignerInfo(signedData);
  let newPrimary: SignerInfoParts;
  if (target === 'primary') {
    newPrimary = edit(primary);
  } else {
    const location = repositoryCountersignatureOf(primary);
    if (!location) {
      throw new NupkgSigningError(
        'NUPKG003',
        'The package signature has no repository countersignature.',
      );
    }
    const unsignedAttrs = [...(primary.unsignedAttrs ?? [])];
    const attribute = decodeAttribute(unsignedAttrs[location.attributeIndex] as Uint8Array);
    const values = [...attribute.values];
    values[location.valueIndex] = encodeSignerInfo(edit(location.signerInfo));
    unsignedAttrs[location.attributeIndex] = encodeAttributeKeepingOrder(attribute.type, values);
    newPrimary = { ...primary, unsignedAttrs };
  }
  return encodeSignedData({ ...signedData, signerInfos: [encodeSignerInfo(newPrimary)] });
}

/**
 * An attribute whose values keep their given order. Used where order carries meaning to NuGet
 * (its "first countersigner" quirk, §4.6) and the values are not ours to reorder.
 */
export function encodeAttributeKeepingOrder(
  type: string,
  values: readonly Uint8Array[],
): Uint8Array {
  return sequence(objectIdentifier(type), encodeTlv(TAG.set, concat(values)));
}
