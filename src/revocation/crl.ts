import { hasKeyUsage, KEY_USAGE_BIT, type CertificateView } from '../signature/certificate.js';
import {
  childrenOf,
  decodeDer,
  encodedBytes,
  isContextTag,
  isUniversal,
  primitiveContent,
  readBitString,
  readIntegerBytes,
  readOid,
  type DerNode,
  readExtensions,
  type RawExtension,
} from '../asn1/decode.js';
import { readTime } from '../asn1/time.js';
import { TAG } from '../asn1/tags.js';
import { toHex } from '../asn1/bytes.js';
import { OID } from '../asn1/oids.js';
import { checkFreshness } from './freshness.js';
import { canonicalNameKey } from '../trust/name.js';
import type { OcspOutcome } from './ocsp.js';
import { verifySignedData } from './signed-data.js';
import { readPemBlocks } from '../trust/pem.js';
import { readReason, type RevocationReason } from './types.js';

const CRL_REASON = '2.5.29.21';
const ISSUING_DISTRIBUTION_POINT = '2.5.29.28';
const DELTA_CRL_INDICATOR = '2.5.29.27';
/** CRL extensions we understand; any other critical one makes the CRL unusable (RFC 5280 §5.2). */
const KNOWN_CRL_EXTENSIONS = new Set([
  '2.5.29.20', // cRLNumber
  OID.authorityKeyIdentifier,
  ISSUING_DISTRIBUTION_POINT,
  '2.5.29.46', // freshestCRL
  '1.3.6.1.5.5.7.1.1', // authorityInfoAccess
]);

export interface RevokedEntry {
  readonly revokedAt: Date;
  readonly reason?: RevocationReason;
}

/** A CertificateList (RFC 5280 §5.1), with the exact TBSCertList bytes for its signature. */
export interface ParsedCrl {
  readonly issuerDer: Uint8Array;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
  /** Revoked serial numbers (uppercase hex of the INTEGER content octets). */
  readonly revoked: ReadonlyMap<string, RevokedEntry>;
  readonly extensions: readonly RawExtension[];
  readonly tbsDer: Uint8Array;
  readonly signatureAlgorithmOid: string;
  readonly signature: Uint8Array;
}

/** Parses a CRL given as DER or PEM. Throws on anything else. */
export function parseCrl(bytes: Uint8Array): ParsedCrl {
  const pem = readPemBlocks(Buffer.from(bytes.subarray(0, 1 << 20)).toString('latin1')).find(
    (block) => block.label === 'X509 CRL',
  );
  const der = pem ? Uint8Array.from(Buffer.from(pem.base64, 'base64')) : bytes;
  const [tbs, algorithm, signatureBits] = childrenOf(decodeDer(der, 'CRL', 'NUPKG006'));
  if (!tbs || !algorithm || !signatureBits || !isUniversal(signatureBits, TAG.bitString)) {
    throw new Error('not a CertificateList');
  }
  const fields = childrenOf(tbs);
  let index = isUniversal(fields[0], TAG.integer) ? 1 : 0;
  const next = () => fields[index++];
  next(); // signature AlgorithmIdentifier (repeated outside)
  const issuer = next();
  const thisUpdate = readTime(next(), 'thisUpdate');
  let nextUpdate: Date | undefined;
  if (isTime(fields[index])) nextUpdate = readTime(next(), 'nextUpdate');
  const revoked = new Map<string, RevokedEntry>();
  if (isUniversal(fields[index], TAG.sequence)) {
    for (const entry of childrenOf(next() as DerNode)) {
      const [serial, date, entryExtensions] = childrenOf(entry);
      const reasonExtension = readExtensions(entryExtensions).find((e) => e.oid === CRL_REASON);
      const reason = reasonExtension
        ? readReason(decodeDer(reasonExtension.value, 'CRL reason', 'NUPKG006'))
        : undefined;
      // removeFromCRL (only meaningful in delta CRLs) un-revokes a certificate on hold.
      if (reason === 'removeFromCRL') continue;
      revoked.set(toHex(readIntegerBytes(serial, 'userCertificate')), {
        revokedAt: readTime(date, 'revocationDate'),
        ...(reason ? { reason } : {}),
      });
    }
  }
  const extensionsWrapper = fields.slice(index).find((f) => isContextTag(f, 0));
  if (!issuer) throw new Error('the CRL has no issuer');
  return {
    issuerDer: encodedBytes(issuer),
    thisUpdate,
    nextUpdate,
    revoked,
    extensions: readExtensions(extensionsWrapper ? childrenOf(extensionsWrapper)[0] : undefined),
    tbsDer: encodedBytes(tbs),
    signatureAlgorithmOid: readOid(childrenOf(algorithm)[0], 'signatureAlgorithm'),
    signature: readBitString(signatureBits),
  };
}

/** Whether `crl` was issued by `issuer`: same name, and its signature verifies with its key. */
export function isIssuedBy(crl: ParsedCrl, issuer: CertificateView): boolean {
  return (
    canonicalNameKey(crl.issuerDer) === canonicalNameKey(issuer.subjectDer) &&
    verifySignedData(
      crl.signatureAlgorithmOid,
      issuer.subjectPublicKeyInfoDer,
      crl.tbsDer,
      crl.signature,
    )
  );
}

/**
 * Looks `certificate` up in a CRL after checking that the CRL can be relied on (RFC 5280 §6.3.3):
 * issued and signed by the certificate's issuer (which may sign CRLs), a complete CRL for this
 * kind of certificate (no delta CRL, no reason-partitioned or indirect CRL, no unknown critical
 * extension) and current at `now`.
 */
export function checkCrl(
  crl: ParsedCrl,
  certificate: CertificateView,
  issuer: CertificateView,
  now: Date,
): OcspOutcome {
  if (!isIssuedBy(crl, issuer)) {
    return {
      problem: `the CRL is not signed by the issuer '${issuer.subject}'`,
      aboutOtherCertificates: true,
    };
  }
  if (!maySignCrls(issuer)) {
    return { problem: `the issuer '${issuer.subject}' is not allowed to sign CRLs (key usage)` };
  }
  const scope = scopeProblem(crl, certificate);
  if (scope) return { problem: scope };
  const stale = checkFreshness(crl, now, 'CRL');
  if (stale) return { problem: stale };
  const entry = crl.revoked.get(toHex(certificate.serialNumber));
  if (!entry) return { status: { status: 'good', source: 'crl' } };
  return { status: { status: 'revoked', source: 'crl', ...entry } };
}

function scopeProblem(crl: ParsedCrl, certificate: CertificateView): string | undefined {
  for (const extension of crl.extensions) {
    if (extension.oid === DELTA_CRL_INDICATOR) return 'the CRL is a delta CRL';
    if (extension.critical && !KNOWN_CRL_EXTENSIONS.has(extension.oid)) {
      return `the CRL has an unsupported critical extension ${extension.oid}`;
    }
  }
  const idp = crl.extensions.find((e) => e.oid === ISSUING_DISTRIBUTION_POINT);
  if (!idp) return undefined;
  // IssuingDistributionPoint fields [1]..[5] (RFC 5280 §5.2.5), IMPLICIT BOOLEAN / ReasonFlags.
  const flags = new Map<number, boolean>();
  for (const field of childrenOf(decodeDer(idp.value, 'issuing distribution point', 'NUPKG006'))) {
    for (let tag = 1; tag <= 5; tag++) {
      if (isContextTag(field, tag)) flags.set(tag, tag === 3 || primitiveContent(field)[0] !== 0);
    }
  }
  const isCa = certificate.basicConstraints?.ca === true;
  if (flags.get(3) || flags.get(4) || flags.get(5)) return 'the CRL is partitioned or indirect';
  if (flags.get(1) && isCa) return 'the CRL covers only end-entity certificates';
  if (flags.get(2) && !isCa) return 'the CRL covers only CA certificates';
  return undefined;
}

function maySignCrls(issuer: CertificateView): boolean {
  try {
    // No keyUsage extension allows every use.
    return hasKeyUsage(issuer, KEY_USAGE_BIT.cRLSign) ?? true;
  } catch {
    return false;
  }
}

function isTime(block: DerNode | undefined): boolean {
  return isUniversal(block, TAG.utcTime) || isUniversal(block, TAG.generalizedTime);
}
