import { Buffer } from 'node:buffer';
import { digest } from '../crypto.js';
import { NupkgSigningError } from '../errors.js';
import type { HashAlgorithmName } from '../hash-algorithms.js';
import { OID } from '../asn1/oids.js';
import type { Attribute } from './attribute.js';
import {
  decodeSignedData,
  encodeSignedData,
  encodeSignerInfo,
  signatureValueOfParts,
} from './cms-parts.js';
import {
  commitmentTypeOf,
  encodeAttributeKeepingOrder,
  primarySignerInfo,
  repositoryCountersignatureOf,
} from './cms-signers.js';
import {
  commitmentTypeIndicationAttribute,
  messageDigestAttribute,
  packageOwnersAttribute,
  serviceIndexUrlAttribute,
  signingCertificateV2Attribute,
  signingTimeAttribute,
} from './signed-attributes.js';
import { readSignerCertificate } from './signer-certificate.js';
import { buildSignerInfo } from './signer-info-builder.js';
import type { Signer } from './signer.js';

export interface RepositoryCountersignatureRequest {
  readonly signer: Signer;
  readonly hashAlgorithm: HashAlgorithmName;
  /** Written as the signing-time attribute; the caller chooses the clock. */
  readonly signingTime: Date;
  readonly serviceIndexUrl: string;
  readonly packageOwners?: readonly string[];
  /** Test seam: signed attributes (by OID) to leave out, e.g. signing-time (NU3031). */
  readonly omitAttributes?: readonly string[];
  /** Test seam: signed attributes to add. */
  readonly extraAttributes?: readonly Attribute[];
}

export interface BuiltCountersignature {
  /** The re-encoded `ContentInfo`. */
  readonly der: Uint8Array;
  /** The countersigner's signature value, over which its timestamp imprint is computed. */
  readonly signatureValue: Uint8Array;
}

/**
 * Adds a repository countersignature to an author signature (nuget-signing-spec.md §4.6, §10.4):
 * an RFC 5652 §11.4 countersignature whose message-digest covers the primary's signature value.
 * The primary SignerInfo's signed part is untouched, so the author signature stays valid.
 */
export async function addRepositoryCountersignature(
  primaryDer: Uint8Array,
  request: RepositoryCountersignatureRequest,
): Promise<BuiltCountersignature> {
  const { signer, hashAlgorithm } = request;
  const signedData = decodeSignedData(primaryDer);
  const primary = primarySignerInfo(signedData);
  if (commitmentTypeOf(primary) === 'repository') {
    throw new NupkgSigningError(
      'NU3033',
      'A repository primary signature must not have a repository countersignature.',
    );
  }
  if (repositoryCountersignatureOf(primary)) {
    throw new NupkgSigningError(
      'NU3032',
      'The package signature already contains a repository countersignature.',
    );
  }

  const certificate = readSignerCertificate(signer.certificate);
  // No content-type: RFC 5652 §11.4 forbids it in a countersignature.
  const attributes = [
    messageDigestAttribute(digest(hashAlgorithm, signatureValueOfParts(primary))),
    signingTimeAttribute(request.signingTime),
    commitmentTypeIndicationAttribute(OID.proofOfReceipt),
    signingCertificateV2Attribute(certificate, hashAlgorithm),
    serviceIndexUrlAttribute(request.serviceIndexUrl),
    ...(request.packageOwners ? [packageOwnersAttribute(request.packageOwners)] : []),
  ];
  // As for the primary signature: omissions remove the builder's own attributes, extras follow.
  const omitted = new Set(request.omitAttributes ?? []);
  const countersigner = await buildSignerInfo({
    signer,
    certificate,
    hashAlgorithm,
    attributes: [
      ...attributes.filter((attribute) => !omitted.has(attribute.type)),
      ...(request.extraAttributes ?? []),
    ],
  });

  // First among the unsigned attributes: NuGet reads the *first* countersigner when checking the
  // countersignature's timestamp imprint (§4.6 quirk).
  const countersignatureAttribute = encodeAttributeKeepingOrder(OID.countersignature, [
    countersigner.der,
  ]);
  const newPrimary = {
    ...primary,
    unsignedAttrs: [countersignatureAttribute, ...(primary.unsignedAttrs ?? [])],
  };
  const der = encodeSignedData({
    ...signedData,
    certificates: appendMissing(signedData.certificates, [signer.certificate, ...signer.chain]),
    signerInfos: [encodeSignerInfo(newPrimary)],
  });
  return { der, signatureValue: countersigner.signatureValue };
}

/** The countersigner's chain goes in the outer certificates; a shared root is not repeated. */
function appendMissing(
  existing: readonly Uint8Array[],
  added: readonly Uint8Array[],
): Uint8Array[] {
  const result = [...existing];
  for (const certificate of added) {
    if (!result.some((present) => Buffer.from(present).equals(certificate)))
      result.push(certificate);
  }
  return result;
}
