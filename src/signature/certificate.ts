import { BoundedCache } from '../bounded-cache.js';
import { sha256Fingerprint } from '../fingerprint.js';
import { LIMITS } from '../limits.js';
import { NupkgSigningError, describeError } from '../errors.js';
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
  readBitString,
  readExtensions,
  type RawExtension,
} from '../asn1/decode.js';
import { readTime } from '../asn1/time.js';
import { TAG } from '../asn1/tags.js';
import { OID } from '../asn1/oids.js';
import { commonNameOf, formatDistinguishedName, readNameAttributes } from './names.js';

export interface PublicKeyView {
  readonly algorithmOid: string;
  /** Bit length of the RSA modulus (leading zero octets ignored), for NU3014/NU3023. */
  readonly rsaModulusBits?: number;
  readonly namedCurveOid?: string;
}

/** A certificate as found in a signature, with the exact DER kept for hashing and comparison. */
export interface CertificateView {
  readonly der: Uint8Array;
  /** Uppercase hex SHA-256 of `der`, the form NuGet prints. */
  readonly fingerprintSha256: string;
  /** .NET `X500DistinguishedName.Name` formatting, most specific RDN first. */
  readonly subject: string;
  readonly issuer: string;
  readonly subjectDer: Uint8Array;
  readonly issuerDer: Uint8Array;
  readonly commonName: string | undefined;
  /** X.509 version number (1, 2 or 3), not the encoded 0-based value. */
  readonly version: number;
  /** INTEGER content octets exactly as encoded (ESS issuerSerial compares them byte for byte). */
  readonly serialNumber: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly signatureAlgorithmOid: string;
  readonly publicKey: PublicKeyView;
  /** SubjectPublicKeyInfo DER, ready for `crypto.createPublicKey({ format: 'der', type: 'spki' })`. */
  readonly subjectPublicKeyInfoDer: Uint8Array;
  /** TBSCertificate DER and the outer signature bits, for verifying this certificate's issuer signature. */
  readonly tbsCertificateDer: Uint8Array;
  readonly signatureValue: Uint8Array;
  readonly extensions: readonly RawExtension[];
  /** Undefined when the certificate has no EKU extension (valid for every purpose). */
  readonly extendedKeyUsage: { readonly oids: string[]; readonly critical: boolean } | undefined;
  readonly subjectKeyIdentifier?: Uint8Array;
  readonly authorityKeyIdentifier?: Uint8Array;
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLength?: number };
  readonly isSelfIssued: boolean;
}

/**
 * Certificates parsed in this process, by the SHA-256 of their DER. A view depends on those bytes
 * alone, so every package of a batch that carries the same issuing certificate shares one parse.
 * Each view holds its own copy of the DER: never the buffer of the signature it came from.
 */
const parsed = new BoundedCache<string, CertificateView>(
  LIMITS.maxCachedCertificates,
  LIMITS.maxCachedCertificateBytes,
);

/** What a cached view costs against the byte budget: its DER, the views over it, its strings. */
export function certificateViewCost(view: CertificateView): number {
  return 2 * view.der.length + 2048;
}

/** Parses one DER certificate. Anything malformed is NU3003, like .NET's CryptographicException. */
export function parseCertificate(der: Uint8Array): CertificateView {
  const fingerprint = sha256Fingerprint(der);
  const cached = parsed.get(fingerprint);
  if (cached) return cached;
  const own = Uint8Array.from(der);
  const view = viewOf(decodeDer(own, 'certificate'), fingerprint);
  parsed.set(fingerprint, view, certificateViewCost(view));
  return view;
}

/**
 * The view of an already decoded Certificate element (inside a SignedData): the cached one when
 * this certificate was seen before, else parsed from a copy of its bytes (see `parsed`).
 */
export function certificateFromBlock(block: DerNode): CertificateView {
  return parseCertificate(encodedBytes(block));
}

/** Forgets every parsed certificate (tests measure the parse; a long-lived host may free memory). */
export function clearParsedCertificates(): void {
  parsed.clear();
}

/** How many parsed certificates are held, and their cost in bytes (for tests of the bound). */
export function parsedCertificateStats(): { readonly entries: number; readonly bytes: number } {
  return { entries: parsed.size, bytes: parsed.bytes };
}

function viewOf(block: DerNode, fingerprint: string): CertificateView {
  try {
    return readCertificate(block, fingerprint);
  } catch (error) {
    if (error instanceof NupkgSigningError) throw error;
    throw new NupkgSigningError(
      'NU3003',
      `A certificate cannot be decoded: ${describeError(error)}.`,
      {
        cause: error,
      },
    );
  }
}

function readCertificate(block: DerNode, fingerprint: string): CertificateView {
  const der = encodedBytes(block);
  const [tbs, signatureAlgorithm, signatureBits] = childrenOf(block);
  if (!isUniversal(block, TAG.sequence) || !isUniversal(tbs, TAG.sequence) || !tbs) {
    throw new StructureError('Certificate is not a SEQUENCE holding a TBSCertificate');
  }
  // TBSCertificate: the version is an optional [0]; everything after it is positional.
  const fields = childrenOf(tbs);
  const start = isContextTag(fields[0], 0) ? 1 : 0;
  const [serial, , issuer, validity, subject, spki] = fields.slice(start);
  if (!issuer || !subject || !spki) throw new StructureError('TBSCertificate is incomplete');
  const [notBefore, notAfter] = childrenOf(validity ?? tbs);
  // version [0] EXPLICIT INTEGER, absent for v1 (RFC 5280 §4.1.2.1).
  const version = start ? readSmallInteger(childrenOf(fields[0] ?? tbs)[0], 'version') + 1 : 1;
  const subjectRdns = readNameAttributes(subject);
  const subjectDer = encodedBytes(subject);
  const issuerDer = encodedBytes(issuer);
  const extensionsWrapper = fields.find((f) => isContextTag(f, 3));
  const extensions = readExtensions(extensionsWrapper && childrenOf(extensionsWrapper)[0]);
  const extension = (oid: string) => extensions.find((e) => e.oid === oid);

  return {
    der,
    fingerprintSha256: fingerprint,
    subject: formatDistinguishedName(subjectRdns),
    issuer: formatDistinguishedName(readNameAttributes(issuer)),
    subjectDer,
    issuerDer,
    commonName: commonNameOf(subjectRdns),
    version,
    serialNumber: readIntegerBytes(serial, 'serialNumber'),
    notBefore: readTime(notBefore, 'notBefore'),
    notAfter: readTime(notAfter, 'notAfter'),
    signatureAlgorithmOid: readOid(childrenOf(signatureAlgorithm ?? tbs)[0], 'signatureAlgorithm'),
    publicKey: readPublicKey(spki),
    subjectPublicKeyInfoDer: encodedBytes(spki),
    tbsCertificateDer: encodedBytes(tbs),
    signatureValue: readBitString(signatureBits),
    extensions,
    extendedKeyUsage: readExtendedKeyUsage(extension(OID.extKeyUsage)),
    subjectKeyIdentifier: readSubjectKeyIdentifier(extension(OID.subjectKeyIdentifier)),
    authorityKeyIdentifier: readAuthorityKeyIdentifier(extension(OID.authorityKeyIdentifier)),
    basicConstraints: readBasicConstraints(extension(OID.basicConstraints)),
    isSelfIssued: Buffer.from(subjectDer).equals(issuerDer),
  };
}

function readPublicKey(spki: DerNode): PublicKeyView {
  const [algorithm, key] = childrenOf(spki);
  const [oidBlock, parameters] = childrenOf(algorithm ?? spki);
  const algorithmOid = readOid(oidBlock, 'SubjectPublicKeyInfo algorithm');
  if (algorithmOid === OID.rsaEncryption) {
    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 A.1.1)
    const rsaKey = decodeDer(readBitString(key), 'RSA public key');
    const modulus = readIntegerBytes(childrenOf(rsaKey)[0], 'RSA modulus');
    return { algorithmOid, rsaModulusBits: bitLength(modulus) };
  }
  if (algorithmOid === OID.ecPublicKey && isUniversal(parameters, TAG.objectIdentifier)) {
    return { algorithmOid, namedCurveOid: readOid(parameters, 'namedCurve') };
  }
  return { algorithmOid };
}

function bitLength(unsigned: Uint8Array): number {
  let i = 0;
  while (i < unsigned.length && unsigned[i] === 0) i++;
  const top = unsigned[i];
  return top === undefined ? 0 : (unsigned.length - i - 1) * 8 + (32 - Math.clz32(top));
}

function readExtendedKeyUsage(extension: RawExtension | undefined) {
  if (!extension) return undefined;
  const sequence = decodeDer(extension.value, 'extended key usage extension');
  return {
    oids: childrenOf(sequence).map((o) => readOid(o, 'KeyPurposeId')),
    critical: extension.critical,
  };
}

function readSubjectKeyIdentifier(extension: RawExtension | undefined): Uint8Array | undefined {
  if (!extension) return undefined;
  return readOctetString(decodeDer(extension.value, 'subject key identifier extension'), 'SKI');
}

function readAuthorityKeyIdentifier(extension: RawExtension | undefined): Uint8Array | undefined {
  if (!extension) return undefined;
  const sequence = decodeDer(extension.value, 'authority key identifier extension');
  // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING OPTIONAL, ... }
  const keyIdentifier = childrenOf(sequence).find((f) => isContextTag(f, 0));
  return keyIdentifier ? primitiveContent(keyIdentifier) : undefined;
}

function readBasicConstraints(extension: RawExtension | undefined) {
  if (!extension) return undefined;
  const sequence = decodeDer(extension.value, 'basic constraints extension');
  let ca = false;
  let pathLength: number | undefined;
  for (const field of childrenOf(sequence)) {
    if (isUniversal(field, TAG.boolean)) ca = primitiveContent(field)[0] !== 0;
    else pathLength = readSmallInteger(field, 'pathLenConstraint');
  }
  return pathLength === undefined ? { ca } : { ca, pathLength };
}

/** keyUsage named bits (RFC 5280 §4.2.1.3) that callers test. */
export const KEY_USAGE_BIT = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 } as const;

/**
 * Whether the keyUsage extension asserts named bit `bit` (bit 0 is the top bit of the first
 * octet); undefined when the certificate has no keyUsage extension, which allows every use.
 */
export function hasKeyUsage(certificate: CertificateView, bit: number): boolean | undefined {
  const extension = certificate.extensions.find((e) => e.oid === OID.keyUsage);
  if (!extension) return undefined;
  const bits = readBitString(decodeDer(extension.value, 'key usage extension'));
  return ((bits[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0;
}

/** PEM armour for a DER certificate (64-character base64 lines). */
export function toPem(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
