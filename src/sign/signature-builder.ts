import { digest } from '../crypto.js';
import { NupkgSigningError } from '../errors.js';
import { HASH_ALGORITHMS, type HashAlgorithmName } from '../hash-algorithms.js';
import { OID } from '../asn1/oids.js';
import {
  algorithmIdentifier,
  encodeTlv,
  objectIdentifier,
  octetString,
  sequence,
  setOf,
  smallInteger,
} from '../asn1/encode.js';
import { contextTag } from '../asn1/tags.js';
import type { Attribute } from './attribute.js';
import { encodeSignedData } from './cms-parts.js';
import {
  commitmentTypeIndicationAttribute,
  contentTypeAttribute,
  messageDigestAttribute,
  packageOwnersAttribute,
  serviceIndexUrlAttribute,
  signingCertificateV2Attribute,
  signingTimeAttribute,
} from './signed-attributes.js';
import { readSignerCertificate, type SignerCertificate } from './signer-certificate.js';
import { buildSignerInfo, type SignerIdentifierKind } from './signer-info-builder.js';
import type { Signer } from './signer.js';
import type { KnownSignatureType } from '../issues.js';

export type PrimarySignatureKind = KnownSignatureType;

/**
 * A test seam for producing defective signatures that verifiers must reject. Production code
 * never passes it; each field names one deviation from what the reference signer writes.
 */
export interface SignatureOverrides {
  /** Signed attributes (by OID) to leave out, e.g. signing-time or signing-certificate-v2. */
  readonly omitAttributes?: readonly string[];
  /** Signed attributes to add, e.g. a v1 signing-certificate or a second commitment type. */
  readonly extraAttributes?: readonly Attribute[];
  /** Identify the signer this way instead of following SKI presence. */
  readonly sid?: SignerIdentifierKind;
  /** Replace `SignedData.certificates` (e.g. leave the signing certificate out). */
  readonly certificates?: readonly Uint8Array[];
  /** Add this many copies of the SignerInfo (NuGet requires exactly one). */
  readonly extraSignerInfos?: number;
}

export interface PrimarySignatureRequest {
  /** The signature content text (nuget-signing-spec.md §2.2), carried as the attached eContent. */
  readonly content: Uint8Array;
  readonly signer: Signer;
  readonly hashAlgorithm: HashAlgorithmName;
  /** Written as the signing-time attribute; the caller chooses the clock. */
  readonly signingTime: Date;
  readonly kind: PrimarySignatureKind;
  /** Required for repository signatures, not allowed for author signatures. */
  readonly serviceIndexUrl?: string;
  readonly packageOwners?: readonly string[];
  readonly overrides?: SignatureOverrides;
}

export interface BuiltSignature {
  /** The `ContentInfo` (id-signedData), the bytes of `.signature.p7s`. */
  readonly der: Uint8Array;
  /** The primary SignerInfo's signature value, over which its timestamp imprint is computed. */
  readonly signatureValue: Uint8Array;
}

/**
 * Builds an author or repository primary signature as `dotnet nuget sign` does
 * (nuget-signing-spec.md §2.1, §4.1, §4.2, §10.3 step 3). No timestamp: see timestamp-attribute.ts.
 */
export async function buildPrimarySignature(
  request: PrimarySignatureRequest,
): Promise<BuiltSignature> {
  const { signer, hashAlgorithm, overrides = {} } = request;
  const certificate = readSignerCertificate(signer.certificate);

  // Omissions remove the builder's own attributes; extras are added as given, so a defect can
  // replace an attribute (leave it out, add a wrong one of the same type).
  const omitted = new Set(overrides.omitAttributes ?? []);
  const attributes = [
    ...primaryAttributes(request, certificate).filter((attribute) => !omitted.has(attribute.type)),
    ...(overrides.extraAttributes ?? []),
  ];

  const signerInfo = await buildSignerInfo({
    signer,
    certificate,
    hashAlgorithm,
    attributes,
    ...(overrides.sid ? { sid: overrides.sid } : {}),
  });

  const encapContentInfo = sequence(
    objectIdentifier(OID.data),
    encodeTlv(contextTag(0, true), octetString(request.content)),
  );
  const der = encodeSignedData({
    version: smallInteger(signerInfo.version),
    digestAlgorithms: setOf([algorithmIdentifier(HASH_ALGORITHMS[hashAlgorithm].oid)]),
    encapContentInfo,
    certificates: overrides.certificates ?? [signer.certificate, ...signer.chain],
    crls: undefined,
    signerInfos: Array.from(
      { length: 1 + (overrides.extraSignerInfos ?? 0) },
      () => signerInfo.der,
    ),
  });
  return { der, signatureValue: signerInfo.signatureValue };
}

function primaryAttributes(
  request: PrimarySignatureRequest,
  certificate: SignerCertificate,
): Attribute[] {
  const { kind, hashAlgorithm, serviceIndexUrl, packageOwners } = request;
  const attributes = [
    // The CMS layer of the reference adds content-type and message-digest to every signer.
    contentTypeAttribute(),
    messageDigestAttribute(digest(hashAlgorithm, request.content)),
    signingTimeAttribute(request.signingTime),
    commitmentTypeIndicationAttribute(kind === 'author' ? OID.proofOfOrigin : OID.proofOfReceipt),
    signingCertificateV2Attribute(certificate, hashAlgorithm),
  ];
  if (kind === 'author') {
    if (serviceIndexUrl !== undefined || packageOwners !== undefined) {
      throw new NupkgSigningError(
        'NUPKG003',
        'A service index URL and package owners belong to repository signatures, not author signatures.',
      );
    }
    return attributes;
  }
  if (serviceIndexUrl === undefined) {
    throw new NupkgSigningError('NUPKG003', 'A repository signature needs a service index URL.');
  }
  attributes.push(serviceIndexUrlAttribute(serviceIndexUrl));
  if (packageOwners !== undefined) attributes.push(packageOwnersAttribute(packageOwners));
  return attributes;
}
