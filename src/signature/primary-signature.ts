import { NupkgSigningError } from '../errors.js';
import { attributesByOid, type AttributeView } from './attributes.js';
import type { CertificateView } from './certificate.js';
import type { DerNode } from '../asn1/decode.js';
import { readElement } from '../asn1/der-reader.js';
import { OID } from '../asn1/oids.js';
import { readSignedData } from './signed-data.js';
import {
  parseSignerInfo,
  signerInfoFromBlock,
  type SignatureType,
  type SignerInfoView,
} from './signer-info.js';
import { parseTimestampToken, type TimestampTokenView } from './timestamp-token.js';

/** A countersigner (RFC 5652 §11.4) of the primary signature, with its own timestamps. */
export interface CountersignatureView {
  readonly signer: SignerInfoView;
  readonly timestamps: TimestampTokenView[];
}

/** The `.signature.p7s` of a package, parsed once with every raw byte kept. */
export interface PrimarySignature {
  readonly der: Uint8Array;
  /** contentType of the outer ContentInfo (always id-signedData once parsed). */
  readonly contentType: string;
  readonly eContentType: string;
  /** eContent octets (the signature content text, spec §2.2); undefined when detached. */
  readonly content: Uint8Array | undefined;
  /** All certificates of SignedData.certificates, in encoding order. */
  readonly certificates: CertificateView[];
  readonly signerInfoCount: number;
  readonly signer: SignerInfoView;
  /** Shorthand for `signer.signatureType`. */
  readonly signatureType: SignatureType;
  /** Every value of every signatureTimeStampToken unsigned attribute, in encoding order. */
  readonly timestamps: TimestampTokenView[];
  /** Every value of every countersignature unsigned attribute, in encoding order. */
  readonly countersignatures: CountersignatureView[];
  /**
   * The countersignatures of type Repository. More than one is kept: the checks report NU3032
   * (nuget-signing-spec.md §4.6).
   */
  readonly repositoryCountersignatures: CountersignatureView[];
}

/**
 * Parses the signature file. Input that is not a CMS ContentInfo/SignedData is NU3003; a
 * SignedData without exactly one SignerInfo is NU3009; an author+repository commitment is
 * NU3000; a malformed timestamp token is NU3003 or NU3021.
 */
export function parsePrimarySignature(bytes: Uint8Array): PrimarySignature {
  // SignedCms.Decode reads one ContentInfo and ignores what follows it (dotnet verifies a package
  // whose signature entry is longer than its CMS, with zeros or garbage after it), so do we.
  const element = readElement(bytes, 0, bytes.byteLength);
  const parts = readSignedData(
    element ? bytes.subarray(0, element.end) : bytes,
    'package signature',
  );
  if (parts.signerInfoBlocks.length !== 1) {
    throw new NupkgSigningError(
      'NU3009',
      `The package signature has ${parts.signerInfoBlocks.length} SignerInfos; NuGet requires exactly one.`,
    );
  }
  const signer = signerInfoFromBlock(parts.signerInfoBlocks[0] as DerNode);
  const countersignatures = unsignedValues(signer.unsignedAttributes, OID.countersignature).map(
    (value): CountersignatureView => {
      const countersigner = parseSignerInfo(value);
      return { signer: countersigner, timestamps: timestampsOf(countersigner) };
    },
  );
  return {
    der: parts.der,
    contentType: parts.contentType,
    eContentType: parts.eContentType,
    content: parts.eContent,
    certificates: parts.certificates,
    signerInfoCount: parts.signerInfoBlocks.length,
    signer,
    signatureType: signer.signatureType,
    timestamps: timestampsOf(signer),
    countersignatures,
    repositoryCountersignatures: countersignatures.filter(
      (c) => c.signer.signatureType === 'repository',
    ),
  };
}

/** The RFC 3161 tokens on a SignerInfo (nuget-signing-spec.md §5.1). */
export function timestampsOf(signer: SignerInfoView): TimestampTokenView[] {
  return unsignedValues(signer.unsignedAttributes, OID.signatureTimeStampToken).map(
    parseTimestampToken,
  );
}

function unsignedValues(attributes: readonly AttributeView[], oid: string): Uint8Array[] {
  return attributesByOid(attributes, oid).flatMap((attribute) => [...attribute.values]);
}
