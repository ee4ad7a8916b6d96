import { X509Certificate } from 'node:crypto';
import { sha256Fingerprint } from '../fingerprint.js';
import { NupkgSigningError } from '../errors.js';
import { BoundedCache } from '../bounded-cache.js';
import { LIMITS } from '../limits.js';
import {
  certificateViewCost,
  hasKeyUsage,
  KEY_USAGE_BIT,
  parseCertificate,
  type CertificateView,
} from '../signature/certificate.js';
import { bytesEqual } from '../asn1/bytes.js';
import { childrenOf, decodeDer, expectUniversal, readOid } from '../asn1/decode.js';
import { TAG } from '../asn1/tags.js';
import { OID } from '../asn1/oids.js';
import { canonicalNameKey } from './name.js';

/**
 * Microsoft "application policies" extension. When present, Windows and .NET's managed chain
 * policy code use it instead of the EKU extension (dotnet/runtime CertificatePolicy.ReadPolicy).
 */
const MS_APPLICATION_POLICIES = '1.3.6.1.4.1.311.21.10';

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

/**
 * What chain building needs to know about one certificate, extracted once from the shared
 * certificate model (signature/certificate.ts) and shaped for lookups: hex keys and name keys.
 */
export interface ChainLink {
  /** The parsed certificate, for anything else (e.g. `subject` as .NET prints it). */
  readonly certificate: CertificateView;
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
  /** Node's view, for signature verification with the issuer's key (built on first use). */
  readonly x509: X509Certificate;
}

/**
 * Chain facts by the certificate's SHA-256, for the whole run: a batch of packages shares a
 * handful of issuing and root certificates. They depend on the certificate's bytes alone.
 */
const cache = new BoundedCache<string, ChainLink>(
  LIMITS.maxCachedCertificates,
  LIMITS.maxCachedCertificateBytes,
);

/** Parses a DER certificate; throws NUPKG005 naming `source` when it is not a certificate. */
export function chainLink(der: Uint8Array, source = 'certificate'): ChainLink {
  const key = sha256Fingerprint(der);
  const cached = cache.get(key);
  if (cached) return cached;
  let facts: ChainLink;
  try {
    facts = parse(der);
  } catch (error) {
    throw new NupkgSigningError('NUPKG005', `${source} is not a valid X.509 certificate.`, {
      cause: error,
    });
  }
  // The facts hold the parsed view and a few keys (hex of the public key and names) besides it.
  cache.set(key, facts, 2 * certificateViewCost(facts.certificate));
  return facts;
}

function parse(input: Uint8Array): ChainLink {
  const certificate = parseCertificate(input);
  // The view's own copy: the caller's bytes may be a view into a whole signature.
  const { der } = certificate;
  const { extensions, subjectDer, issuerDer, basicConstraints } = certificate;
  const subjectKey = canonicalNameKey(subjectDer);
  // Most certificates looked up are self-signed roots: skip decoding the same name twice.
  const issuerKey = bytesEqual(issuerDer, subjectDer) ? subjectKey : canonicalNameKey(issuerDer);
  const msPolicies = extensions.find((e) => e.oid === MS_APPLICATION_POLICIES);
  let x509: X509Certificate | undefined;
  return {
    certificate,
    der,
    fingerprint: certificate.fingerprintSha256,
    subjectDer,
    issuerDer,
    subjectKey,
    issuerKey,
    publicKeyKey: hex(certificate.subjectPublicKeyInfoDer),
    version: certificate.version,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    subjectKeyIdentifier: optionalHex(certificate.subjectKeyIdentifier),
    authorityKeyIdentifier: optionalHex(certificate.authorityKeyIdentifier),
    basicConstraints: basicConstraints && {
      cA: basicConstraints.ca,
      pathLength: basicConstraints.pathLength,
    },
    keyCertSign: hasKeyUsage(certificate, KEY_USAGE_BIT.keyCertSign),
    applicationPolicies: msPolicies
      ? readPolicyIdentifiers(msPolicies.value)
      : certificate.extendedKeyUsage && new Set(certificate.extendedKeyUsage.oids),
    hasExtensions: extensions.length > 0,
    unsupportedCriticalExtensions: extensions
      .filter((e) => e.critical && !SUPPORTED_CRITICAL_EXTENSIONS.has(e.oid))
      .map((e) => e.oid),
    selfIssued: subjectKey === issuerKey,
    // Built on first use: store certificates that never end up in a chain need no OpenSSL copy.
    get x509() {
      x509 ??= new X509Certificate(der);
      return x509;
    },
  };
}

/**
 * The policy OIDs of a CertificatePolicies-shaped value (RFC 5280 §4.2.1.4), the syntax of the
 * MS application policies extension: SEQUENCE OF PolicyInformation { policyIdentifier, ... }.
 */
function readPolicyIdentifiers(value: Uint8Array): Set<string> {
  const policies = expectUniversal(
    decodeDer(value, 'application policies extension'),
    TAG.sequence,
    'application policies',
  );
  return new Set(
    childrenOf(policies).map((policy) => readOid(childrenOf(policy)[0], 'policyIdentifier')),
  );
}

function optionalHex(bytes: Uint8Array | undefined): string | undefined {
  return bytes && hex(bytes);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
