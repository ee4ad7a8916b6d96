import { createHash } from 'node:crypto';
import { parseCertificate, type CertificateView } from '../signature/certificate.js';
import { bytesEqual } from '../asn1/bytes.js';
import {
  childrenOf,
  decodeDer,
  encodedBytes,
  isContextTag,
  readBitString,
  readExtensions,
  readIntegerBytes,
  readOctetString,
  readOid,
  readSmallEnumerated,
  type DerNode,
} from '../asn1/decode.js';
import { readTime } from '../asn1/time.js';
import { contextTag, TAG } from '../asn1/tags.js';
import { OID } from '../asn1/oids.js';
import { encodeTlv, objectIdentifier, octetString, sequence } from '../asn1/encode.js';
import { type Freshness, checkFreshness } from './freshness.js';
import { verifySignedData } from './signed-data.js';
import { readReason, type RevocationStatus } from './types.js';

/** RFC 6960 §4.2.1 id-pkix-ocsp-basic and §4.4.1 id-pkix-ocsp-nonce. */
const ID_PKIX_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
export const ID_PKIX_OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';
const ID_KP_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
const RESPONSE_STATUS = [
  'successful',
  'malformedRequest',
  'internalError',
  'tryLater',
  '(unused)',
  'sigRequired',
  'unauthorized',
];

/** CertID hash algorithms a response may use (RFC 6960 §4.1.1); requests use SHA-1 (RFC 5019). */
const CERT_ID_HASHES: Readonly<Record<string, string>> = {
  [OID.sha1]: 'sha1',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

/**
 * An OCSP request for one certificate (RFC 6960 §4.1.1): a CertID with SHA-1 hashes of the
 * issuer's name and key, and a nonce extension (RFC 8954) when `nonce` is given.
 */
export function buildOcspRequest(
  certificate: CertificateView,
  issuer: CertificateView,
  nonce?: Uint8Array,
): Uint8Array {
  const certId = sequence(
    sequence(objectIdentifier(OID.sha1), encodeTlv(TAG.null, new Uint8Array())),
    octetString(hash('sha1', issuer.subjectDer)),
    octetString(hash('sha1', subjectPublicKeyBits(issuer))),
    encodeTlv(TAG.integer, certificate.serialNumber),
  );
  const requestList = sequence(sequence(certId));
  const extensions = nonce
    ? [
        encodeTlv(
          contextTag(2, true),
          sequence(sequence(objectIdentifier(ID_PKIX_OCSP_NONCE), octetString(octetString(nonce)))),
        ),
      ]
    : [];
  return sequence(sequence(requestList, ...extensions));
}

export interface OcspCheckOptions {
  readonly now: Date;
  /** The nonce sent; a response that echoes a different one is rejected. */
  readonly nonce?: Uint8Array;
}

/**
 * A usable answer, or why the response cannot be relied on. `aboutOtherCertificates` marks a
 * response that is fine but answers for other certificates only (another issuer's CRL, an OCSP
 * response for other serial numbers): among the many responses of a directory that is no reason.
 */
export type OcspOutcome =
  | {
      readonly status: RevocationStatus;
      readonly problem?: undefined;
      readonly aboutOtherCertificates?: undefined;
    }
  | {
      readonly problem: string;
      readonly status?: undefined;
      readonly aboutOtherCertificates?: true;
    };

/**
 * Reads and validates an OCSPResponse (RFC 6960 §4.2) for `certificate`: a successful basic
 * response, signed by the issuer or by a responder the issuer delegated (id-kp-OCSPSigning,
 * issued by the issuer, valid now) (§4.2.2.2), whose SingleResponse for this CertID is current
 * (thisUpdate/nextUpdate around `now`) and whose nonce, if any, matches ours.
 */
export function checkOcspResponse(
  der: Uint8Array,
  certificate: CertificateView,
  issuer: CertificateView,
  options: OcspCheckOptions,
): OcspOutcome {
  try {
    return readAndCheck(der, certificate, issuer, options);
  } catch (error) {
    return { problem: `the OCSP response cannot be decoded (${(error as Error).message})` };
  }
}

function readAndCheck(
  der: Uint8Array,
  certificate: CertificateView,
  issuer: CertificateView,
  options: OcspCheckOptions,
): OcspOutcome {
  const [statusBlock, bytesWrapper] = childrenOf(decodeDer(der, 'OCSP response', 'NUPKG006'));
  const responseStatus = readSmallEnumerated(statusBlock, 'responseStatus') ?? -1;
  if (responseStatus !== 0) {
    return {
      problem: `the OCSP responder answered ${RESPONSE_STATUS[responseStatus] ?? responseStatus}`,
    };
  }
  const [responseBytes] =
    bytesWrapper && isContextTag(bytesWrapper, 0) ? childrenOf(bytesWrapper) : [];
  const [typeBlock, responseBlock] = responseBytes ? childrenOf(responseBytes) : [];
  if (readOid(typeBlock, 'responseType') !== ID_PKIX_OCSP_BASIC) {
    return { problem: 'the OCSP response is not a basic response' };
  }
  const basic = decodeDer(
    readOctetString(responseBlock, 'response'),
    'BasicOCSPResponse',
    'NUPKG006',
  );
  const [tbs, algorithm, signatureBits, certsWrapper] = childrenOf(basic);
  if (!tbs || !algorithm || !signatureBits) return { problem: 'the OCSP response is incomplete' };
  const signatureAlgorithmOid = readOid(childrenOf(algorithm)[0], 'signatureAlgorithm');
  const signature = readBitString(signatureBits);
  const certs =
    certsWrapper && isContextTag(certsWrapper, 0)
      ? childrenOf(childrenOf(certsWrapper)[0] ?? certsWrapper)
      : [];

  const fields = childrenOf(tbs);
  const start = isContextTag(fields[0], 0) ? 1 : 0;
  const [responderId, , responses, ...rest] = fields.slice(start);
  if (!responderId || !responses) return { problem: 'the OCSP response data is incomplete' };
  const extensionsBlock = rest.find((f) => isContextTag(f, 1));

  // Finds the answer about this certificate first: a directory holds responses about others.
  const single = childrenOf(responses).find((candidate) => {
    const [certId] = childrenOf(candidate);
    return certId !== undefined && matchesCertId(certId, certificate, issuer);
  });
  if (!single) {
    return {
      problem: 'the OCSP response does not cover the certificate',
      aboutOtherCertificates: true,
    };
  }

  // Checks who signed: the issuer itself, or a delegated responder the issuer certified.
  const tbsDer = encodedBytes(tbs);
  const candidates = [issuer, ...certs.flatMap((c) => parseOrSkip(encodedBytes(c)))];
  const signer = candidates.find(
    (candidate) =>
      matchesResponderId(responderId, candidate) &&
      verifySignedData(signatureAlgorithmOid, candidate.subjectPublicKeyInfoDer, tbsDer, signature),
  );
  if (!signer) {
    return {
      problem:
        'the OCSP response signature does not verify with a certificate named by the response',
    };
  }
  const authorization = responderAuthorization(signer, issuer, options.now);
  if (authorization) return { problem: authorization };

  // Checks the nonce when the responder echoed one (cached responses legitimately omit it).
  const extensions = extensionsBlock ? readExtensions(childrenOf(extensionsBlock)[0]) : [];
  const echoed = extensions.find((e) => e.oid === ID_PKIX_OCSP_NONCE);
  if (echoed && options.nonce && !bytesEqual(echoed.value, octetString(options.nonce))) {
    return { problem: 'the OCSP response nonce does not match the request' };
  }

  // Checks that the answer is current.
  const [, certStatus, thisUpdate, ...more] = childrenOf(single);
  if (!certStatus) return { problem: 'the OCSP single response is incomplete' };
  const nextUpdateBlock = more.find((f) => isContextTag(f, 0));
  const freshness: Freshness = {
    thisUpdate: readTime(thisUpdate, 'thisUpdate'),
    nextUpdate: nextUpdateBlock
      ? readTime(childrenOf(nextUpdateBlock)[0], 'nextUpdate')
      : undefined,
  };
  const stale = checkFreshness(freshness, options.now, 'OCSP response');
  if (stale) return { problem: stale };
  return { status: singleStatus(certStatus) };
}

/** CertStatus ::= CHOICE { good [0] NULL, revoked [1] RevokedInfo, unknown [2] NULL }. */
function singleStatus(certStatus: DerNode): RevocationStatus {
  if (isContextTag(certStatus, 0)) return { status: 'good', source: 'ocsp' };
  if (isContextTag(certStatus, 1)) {
    // RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
    const [time, reasonWrapper] = childrenOf(certStatus);
    const reason = reasonWrapper ? readReason(childrenOf(reasonWrapper)[0]) : undefined;
    return {
      status: 'revoked',
      source: 'ocsp',
      revokedAt: readTime(time, 'revocationTime'),
      ...(reason ? { reason } : {}),
    };
  }
  return { status: 'unknown', why: 'the OCSP responder does not know the certificate' };
}

/** ResponderID ::= CHOICE { byName [1] Name, byKey [2] KeyHash (SHA-1 of the public key bits) }. */
function matchesResponderId(responderId: DerNode, candidate: CertificateView): boolean {
  const [inner] = childrenOf(responderId);
  if (!inner) return false;
  if (isContextTag(responderId, 1)) return bytesEqual(encodedBytes(inner), candidate.subjectDer);
  if (isContextTag(responderId, 2)) {
    return bytesEqual(
      readOctetString(inner, 'KeyHash'),
      hash('sha1', subjectPublicKeyBits(candidate)),
    );
  }
  return false;
}

/** RFC 6960 §4.2.2.2: the CA itself, or a certificate it issued for OCSP signing. */
function responderAuthorization(
  signer: CertificateView,
  issuer: CertificateView,
  now: Date,
): string | undefined {
  const isIssuer =
    bytesEqual(signer.subjectDer, issuer.subjectDer) &&
    bytesEqual(signer.subjectPublicKeyInfoDer, issuer.subjectPublicKeyInfoDer);
  if (isIssuer) return undefined;
  const issuedByIssuer =
    bytesEqual(signer.issuerDer, issuer.subjectDer) &&
    verifySignedData(
      signer.signatureAlgorithmOid,
      issuer.subjectPublicKeyInfoDer,
      signer.tbsCertificateDer,
      signer.signatureValue,
    );
  if (!issuedByIssuer) {
    return `the OCSP responder '${signer.subject}' is not the issuer and was not certified by it`;
  }
  if (!signer.extendedKeyUsage?.oids.includes(ID_KP_OCSP_SIGNING)) {
    return `the OCSP responder certificate '${signer.subject}' is not valid for OCSP signing`;
  }
  if (now < signer.notBefore || now > signer.notAfter) {
    return `the OCSP responder certificate '${signer.subject}' is outside its validity period`;
  }
  return undefined;
}

/** CertID ::= SEQUENCE { hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber }. */
function matchesCertId(
  certId: DerNode,
  certificate: CertificateView,
  issuer: CertificateView,
): boolean {
  const [algorithm, nameHash, keyHash, serial] = childrenOf(certId);
  const hashName = CERT_ID_HASHES[readOid(childrenOf(algorithm ?? certId)[0], 'hashAlgorithm')];
  if (!hashName) return false;
  return (
    bytesEqual(readIntegerBytes(serial, 'serialNumber'), certificate.serialNumber) &&
    bytesEqual(readOctetString(nameHash, 'issuerNameHash'), hash(hashName, issuer.subjectDer)) &&
    bytesEqual(
      readOctetString(keyHash, 'issuerKeyHash'),
      hash(hashName, subjectPublicKeyBits(issuer)),
    )
  );
}

/** The subjectPublicKey BIT STRING contents (without the unused-bits octet), as CertID hashes them. */
function subjectPublicKeyBits(certificate: CertificateView): Uint8Array {
  const [, key] = childrenOf(decodeDer(certificate.subjectPublicKeyInfoDer, 'public key'));
  return readBitString(key);
}

function parseOrSkip(der: Uint8Array): CertificateView[] {
  try {
    return [parseCertificate(der)];
  } catch {
    return [];
  }
}

function hash(algorithm: string, data: Uint8Array): Uint8Array {
  return createHash(algorithm).update(data).digest();
}
