import { createHash } from 'node:crypto';
import { digest } from '../crypto.js';
import { NupkgSigningError } from '../errors.js';
import { HASH_ALGORITHMS, type HashAlgorithmName } from '../hash-algorithms.js';
import { OID } from '../asn1/oids.js';
import { TAG, contextTag } from '../asn1/tags.js';
import {
  algorithmIdentifier,
  encodeTlv,
  objectIdentifier,
  octetString,
  sequence,
  sortDer,
} from '../asn1/encode.js';
import { concat } from '../asn1/bytes.js';
import { encodeAttribute, type Attribute } from './attribute.js';
import type { SignerCertificate } from './signer-certificate.js';

/**
 * Encoders for the signed attributes NuGet signatures carry, byte for byte as the reference signer
 * writes them (nuget-signing-spec.md §4.2).
 */

/** RFC 5652 §11.1 content-type; the reference writes id-data. */
export function contentTypeAttribute(contentType: string = OID.data): Attribute {
  return { type: OID.contentType, values: [objectIdentifier(contentType)] };
}

/** RFC 5652 §11.2 message-digest. */
export function messageDigestAttribute(messageDigest: Uint8Array): Attribute {
  return { type: OID.messageDigest, values: [octetString(messageDigest)] };
}

/** RFC 5652 §11.3 signing-time. Presence is what NuGet checks; the value is never evaluated. */
export function signingTimeAttribute(signingTime: Date): Attribute {
  return { type: OID.signingTime, values: [encodeTime(signingTime)] };
}

/**
 * RFC 5652 §11.3 `Time`: UTCTime for 1950 through 2049, GeneralizedTime otherwise, both in UTC
 * with whole seconds (DER forbids a zero fraction; .NET drops sub-seconds too).
 */
export function encodeTime(time: Date): Uint8Array {
  const year = time.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) {
    throw new RangeError(`Cannot encode the time ${String(time)}.`);
  }
  const two = (n: number) => String(n).padStart(2, '0');
  const rest =
    two(time.getUTCMonth() + 1) +
    two(time.getUTCDate()) +
    two(time.getUTCHours()) +
    two(time.getUTCMinutes()) +
    two(time.getUTCSeconds()) +
    'Z';
  if (year >= 1950 && year <= 2049) {
    return encodeTlv(TAG.utcTime, Buffer.from(two(year % 100) + rest, 'ascii'));
  }
  return encodeTlv(TAG.generalizedTime, Buffer.from(String(year).padStart(4, '0') + rest, 'ascii'));
}

/**
 * ETSI/RFC 5126 commitment-type-indication; one value per commitment type, each
 * `SEQUENCE { commitmentTypeId }` without qualifiers. The reference writes exactly one.
 */
export function commitmentTypeIndicationAttribute(...commitmentTypes: string[]): Attribute {
  return {
    type: OID.commitmentTypeIndication,
    values: commitmentTypes.map((oid) => sequence(objectIdentifier(oid))),
  };
}

/** Deliberate defects for tests of verifiers; a signer never sets them. */
export interface EssCertIdDefects {
  /** Use this certHash instead of the real hash of the certificate. */
  readonly certHash?: Uint8Array;
  /** Leave out issuerSerial (allowed by RFC 5035, required by NuGet). */
  readonly omitIssuerSerial?: boolean;
}

/**
 * RFC 5035 signing-certificate-v2 with one ESSCertIDv2 for the signing certificate. The
 * hashAlgorithm is always written, even for SHA-256 where it is the DEFAULT, with parameters
 * absent, because that is what the reference signer does.
 */
export function signingCertificateV2Attribute(
  certificate: SignerCertificate,
  hashAlgorithm: HashAlgorithmName,
  defects: EssCertIdDefects = {},
): Attribute {
  const certHash = defects.certHash ?? digest(hashAlgorithm, certificate.der);
  const essCertIdV2 = sequence(
    algorithmIdentifier(HASH_ALGORITHMS[hashAlgorithm].oid),
    octetString(certHash),
    ...(defects.omitIssuerSerial ? [] : [issuerSerial(certificate)]),
  );
  const signingCertificateV2 = sequence(sequence(essCertIdV2));
  return { type: OID.signingCertificateV2, values: [signingCertificateV2] };
}

/**
 * RFC 2634 signing-certificate (v1, SHA-1 ESSCertID). NuGet rejects author and repository
 * signatures that carry it; it exists here so tests can build such signatures.
 */
export function signingCertificateV1Attribute(certificate: SignerCertificate): Attribute {
  const sha1 = createHash('sha1').update(certificate.der).digest();
  const essCertId = sequence(octetString(sha1), issuerSerial(certificate));
  return { type: OID.signingCertificate, values: [sequence(sequence(essCertId))] };
}

/**
 * `IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber }` with
 * GeneralNames holding one directoryName `[4]` (EXPLICIT, since Name is a CHOICE) and the serial
 * number's content octets copied from the certificate so the verifier's byte comparison holds.
 */
function issuerSerial(certificate: SignerCertificate): Uint8Array {
  const generalNames = sequence(encodeTlv(contextTag(4, true), certificate.issuer));
  return sequence(generalNames, encodeTlv(TAG.integer, certificate.serialNumber));
}

/** nuget-v3-service-index-url: the URL as an IA5String, exactly as supplied. */
export function serviceIndexUrlAttribute(serviceIndexUrl: string): Attribute {
  let url: URL | undefined;
  try {
    url = new URL(serviceIndexUrl);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:' || ![...serviceIndexUrl].every((c) => c.charCodeAt(0) < 0x80)) {
    throw new NupkgSigningError(
      'NUPKG003',
      `The service index URL '${serviceIndexUrl}' must be an absolute https URL in ASCII characters.`,
    );
  }
  const value = encodeTlv(TAG.ia5String, Buffer.from(serviceIndexUrl, 'ascii'));
  return { type: OID.nugetV3ServiceIndexUrl, values: [value] };
}

/** nuget-package-owners: `SEQUENCE SIZE (1..MAX) OF UTF8String`, none empty or blank. */
export function packageOwnersAttribute(owners: readonly string[]): Attribute {
  if (owners.length === 0 || owners.some((owner) => owner.trim() === '')) {
    throw new NupkgSigningError(
      'NUPKG003',
      'Package owners must be a non-empty list of non-blank names.',
    );
  }
  const value = sequence(...owners.map((owner) => encodeTlv(TAG.utf8String, Buffer.from(owner))));
  return { type: OID.nugetPackageOwners, values: [value] };
}

/** Signed attributes in the order they are encoded and signed. */
export interface SignedAttributes {
  /** The attributes in DER `SET OF` order. */
  readonly attributes: readonly Attribute[];
  /** Each attribute's DER encoding, in the same order. */
  readonly encoded: readonly Uint8Array[];
  /** `SET OF Attribute` with tag 0x31: the exact bytes the signature covers (RFC 5652 §5.4). */
  readonly der: Uint8Array;
}

/**
 * Puts the attributes in DER `SET OF` order. pkijs does not sort, and .NET verifies the sorted
 * form first, so the SignerInfo must carry the attributes in this order under `[0]`.
 */
export function sortSignedAttributes(attributes: readonly Attribute[]): SignedAttributes {
  const byEncoding = new Map<Uint8Array, Attribute>();
  for (const attribute of attributes) byEncoding.set(encodeAttribute(attribute), attribute);
  const encoded = sortDer([...byEncoding.keys()]);
  return {
    attributes: encoded.map((bytes) => byEncoding.get(bytes) as Attribute),
    encoded,
    der: encodeTlv(TAG.set, concat(encoded)),
  };
}
