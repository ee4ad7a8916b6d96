import { createHash } from 'node:crypto';
import { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import { getPkijs, sha256Fingerprint, toArrayBuffer } from '../crypto.js';
import { NupkgSigningError } from '../errors.js';
import { OID } from '../signature/oids.js';
import { outlineCertificate } from './der.js';
import { canonicalNameKey } from './name.js';

/**
 * Microsoft "application policies" extension. When present, Windows and .NET's managed chain
 * policy code use it instead of the EKU extension (dotnet/runtime CertificatePolicy.ReadPolicy).
 */
const MS_APPLICATION_POLICIES = '1.3.6.1.4.1.311.21.10';
const KEY_CERT_SIGN_BIT = 5;

/**
 * Critical extensions OpenSSL's verifier understands (X509_supported_extension); a certificate
 * with any other critical extension fails with HasNotSupportedCriticalExtension on Linux.
 */
const SUPPORTED_CRITICAL_EXTENSIONS = new Set<string>([
  '2.16.840.1.113730.1.1', // netscape cert type
  OID.keyUsage,
  '2.5.29.17', // subjectAltName
  OID.basicConstraints,
  '2.5.29.32', // certificatePolicies
  '2.5.29.31', // cRLDistributionPoints
  OID.extKeyUsage,
  '1.3.6.1.5.5.7.1.7', // sbgp-ipAddrBlock
  '1.3.6.1.5.5.7.1.8', // sbgp-autonomousSysNum
  '1.3.6.1.5.5.7.48.1.5', // id-pkix-ocsp-nocheck
  '2.5.29.36', // policyConstraints
  '1.3.6.1.5.5.7.1.14', // proxyCertInfo
  '2.5.29.30', // nameConstraints
  '2.5.29.33', // policyMappings
  '2.5.29.54', // inhibitAnyPolicy
]);

/** What chain building needs to know about one certificate, extracted once. */
export interface CertificateFacts {
  readonly der: Uint8Array;
  /** Uppercase hex SHA-256 of the DER, used as identity. */
  readonly fingerprint: string;
  readonly subjectDer: Uint8Array;
  readonly issuerDer: Uint8Array;
  /** Name keys comparing the way OpenSSL's X509_NAME_cmp does (see name.ts). */
  readonly subjectKey: string;
  readonly issuerKey: string;
  /** Hex of the SubjectPublicKeyInfo DER. */
  readonly publicKeyKey: string;
  readonly version: number;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly subjectKeyIdentifier: string | undefined;
  readonly authorityKeyIdentifier: string | undefined;
  /** undefined when the certificate has no basicConstraints extension. */
  readonly basicConstraints:
    { readonly cA: boolean; readonly pathLength: number | undefined } | undefined;
  /** undefined when there is no keyUsage extension. */
  readonly keyCertSign: boolean | undefined;
  /** Application policies (EKU or MS application policies); undefined = valid for every purpose. */
  readonly applicationPolicies: ReadonlySet<string> | undefined;
  readonly hasExtensions: boolean;
  readonly unsupportedCriticalExtensions: readonly string[];
  readonly selfIssued: boolean;
  /** Node's view, for signature verification with the issuer's key. */
  readonly x509: X509Certificate;
}

/**
 * Parsed certificates by SHA-256, for the whole run: a batch of packages shares a handful of
 * issuing and root certificates, and parsing one costs milliseconds.
 */
const cache = new Map<string, CertificateFacts>();
const MAX_CACHED = 2048;

/** Parses a DER certificate; throws NUPKG005 naming `source` when it is not a certificate. */
export function certificateFacts(der: Uint8Array, source = 'certificate'): CertificateFacts {
  const key = createHash('sha256').update(der).digest('hex');
  const cached = cache.get(key);
  if (cached) return cached;
  let facts: CertificateFacts;
  try {
    facts = parse(der);
  } catch (error) {
    throw new NupkgSigningError('NUPKG005', `${source} is not a valid X.509 certificate.`, {
      cause: error,
    });
  }
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, facts);
  return facts;
}

function parse(der: Uint8Array): CertificateFacts {
  const pkijs = getPkijs();
  const outline = outlineCertificate(der);
  const cert = pkijs.Certificate.fromBER(toArrayBuffer(der));
  const extensions = cert.extensions ?? [];

  let ski: string | undefined;
  let aki: string | undefined;
  let basicConstraints: CertificateFacts['basicConstraints'];
  let keyCertSign: boolean | undefined;
  let eku: Set<string> | undefined;
  let msPolicies: Set<string> | undefined;
  const unsupportedCritical: string[] = [];

  for (const extension of extensions) {
    const value = extension.extnValue.valueBlock.valueHexView;
    if (extension.critical && !SUPPORTED_CRITICAL_EXTENSIONS.has(extension.extnID)) {
      unsupportedCritical.push(extension.extnID);
    }
    switch (extension.extnID) {
      case OID.subjectKeyIdentifier:
        ski = hex(asn1Of(value, asn1js.OctetString).valueBlock.valueHexView);
        break;
      case OID.authorityKeyIdentifier: {
        const keyId = new pkijs.AuthorityKeyIdentifier({ schema: asn1Any(value) }).keyIdentifier;
        aki = keyId ? hex(keyId.valueBlock.valueHexView) : undefined;
        break;
      }
      case OID.basicConstraints: {
        const parsed = new pkijs.BasicConstraints({ schema: asn1Any(value) });
        const pathLen = parsed.pathLenConstraint;
        basicConstraints = {
          cA: parsed.cA,
          pathLength:
            pathLen === undefined
              ? undefined
              : typeof pathLen === 'number'
                ? pathLen
                : pathLen.valueBlock.valueDec,
        };
        break;
      }
      case OID.keyUsage:
        keyCertSign = bitIsSet(asn1Of(value, asn1js.BitString), KEY_CERT_SIGN_BIT);
        break;
      case OID.extKeyUsage:
        eku = new Set(new pkijs.ExtKeyUsage({ schema: asn1Any(value) }).keyPurposes);
        break;
      case MS_APPLICATION_POLICIES:
        msPolicies = new Set(
          new pkijs.CertificatePolicies({ schema: asn1Any(value) }).certificatePolicies.map(
            (policy) => policy.policyIdentifier,
          ),
        );
        break;
    }
  }

  const subjectKey = canonicalNameKey(outline.subject);
  const issuerKey = canonicalNameKey(outline.issuer);
  return {
    der,
    fingerprint: sha256Fingerprint(der),
    subjectDer: outline.subject,
    issuerDer: outline.issuer,
    subjectKey,
    issuerKey,
    publicKeyKey: hex(outline.subjectPublicKeyInfo),
    version: cert.version + 1,
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    subjectKeyIdentifier: ski,
    authorityKeyIdentifier: aki,
    basicConstraints,
    keyCertSign,
    applicationPolicies: msPolicies ?? eku,
    hasExtensions: extensions.length > 0,
    unsupportedCriticalExtensions: unsupportedCritical,
    selfIssued: subjectKey === issuerKey,
    x509: new X509Certificate(der),
  };
}

function asn1Any(bytes: Uint8Array): asn1js.AsnType {
  const parsed = asn1js.fromBER(bytes);
  if (parsed.offset === -1) throw new Error(`bad extension encoding: ${parsed.result.error}`);
  return parsed.result;
}

function asn1Of<T extends asn1js.AsnType>(
  bytes: Uint8Array,
  type: abstract new (...args: never[]) => T,
): T {
  const value = asn1Any(bytes);
  if (!(value instanceof type))
    throw new Error(`unexpected extension value type ${value.constructor.name}`);
  return value;
}

/** Named-bit BIT STRING: bit 0 is the most significant bit of the first content byte. */
function bitIsSet(bits: asn1js.BitString, bit: number): boolean {
  const bytes = bits.valueBlock.valueHexView;
  const byte = bytes[bit >> 3] ?? 0;
  return (byte & (0x80 >> (bit & 7))) !== 0;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
