import { isUniversal, readSmallEnumerated, type DerNode } from '../asn1/decode.js';
import { TAG } from '../asn1/tags.js';
import type { CertificateView } from '../signature/certificate.js';

/**
 * Where revocation data comes from: `online` fetches OCSP responses and CRLs over HTTP, `offline`
 * uses none (NuGet's NUGET_CERT_REVOCATION_MODE=offline), `files` reads them from a directory.
 */
export type RevocationMode = 'online' | 'offline' | 'files';

export const REVOCATION_MODES: readonly RevocationMode[] = ['online', 'offline', 'files'];

/** The chain being checked: a signing chain (NU3012/NU3018) or a TSA chain (NU3028). */
export type RevocationPurpose = 'signing' | 'timestamping';

/** RFC 5280 §5.3.1 CRLReason names (also OCSP's RevokedInfo.revocationReason). */
export type RevocationReason =
  | 'unspecified'
  | 'keyCompromise'
  | 'cACompromise'
  | 'affiliationChanged'
  | 'superseded'
  | 'cessationOfOperation'
  | 'certificateHold'
  | 'removeFromCRL'
  | 'privilegeWithdrawn'
  | 'aACompromise';

export const REVOCATION_REASONS: readonly RevocationReason[] = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'removeFromCRL', // 8; 7 is unused
  'privilegeWithdrawn',
  'aACompromise',
];

/** RFC 5280 reason code number → name (code 7 is unassigned). */
export function reasonFromCode(code: number): RevocationReason | undefined {
  if (code === 7 || code < 0 || code > 10) return undefined;
  return REVOCATION_REASONS[code > 7 ? code - 1 : code];
}

/** CRLReason ::= ENUMERATED (RFC 5280 §5.3.1); undefined when absent or not a known reason. */
export function readReason(block: DerNode | undefined): RevocationReason | undefined {
  if (!isUniversal(block, TAG.enumerated)) return undefined;
  const code = readSmallEnumerated(block, 'CRLReason');
  return code === undefined ? undefined : reasonFromCode(code);
}

export type RevocationSource = 'ocsp' | 'crl';

/** What is known about one certificate. */
export type RevocationStatus =
  | { readonly status: 'good'; readonly source: RevocationSource }
  | {
      readonly status: 'revoked';
      readonly source: RevocationSource;
      readonly revokedAt: Date;
      readonly reason?: RevocationReason;
    }
  | { readonly status: 'unknown'; readonly why: string };

export interface CertificateRevocation {
  readonly certificate: CertificateView;
  readonly revocation: RevocationStatus;
}

/** One entry per certificate of the chain except the root (NuGet: "exclude root"). */
export interface RevocationResult {
  readonly certificates: readonly CertificateRevocation[];
}

export interface RevocationChecker {
  readonly mode: RevocationMode;
  /** Checks every certificate of `chain` (leaf first, root last) against its issuer. */
  check(
    chain: readonly CertificateView[],
    options: { readonly purpose: RevocationPurpose },
  ): Promise<RevocationResult>;
}

/**
 * How a revocation time is weighed against the signature's trusted timestamp: `client` treats any
 * revocation as fatal (dotnet nuget verify, spec §8.4); `nuget.org` keeps a timestamped signature
 * whose signing certificate was revoked after the timestamp (nuget.org's revalidation, spec §9.4).
 */
export type RevocationTimeCheck = 'client' | 'nuget.org';
