import type { NuGetCode } from '../codes.js';
import type { CertificateView } from '../signature/certificate.js';
import { issue, type Issue } from '../issues.js';
import { REVOCATION_MODE_VARIABLE } from './mode.js';
import type {
  CertificateRevocation,
  RevocationChecker,
  RevocationPurpose,
  RevocationTimeCheck,
} from './types.js';

/** The policy flags that decide how revocation findings are reported (spec §6.1). */
export interface RevocationPolicy {
  readonly allowUnknownRevocation: boolean;
  readonly reportUnknownRevocation: boolean;
  /** Default `client`. */
  readonly revocationTimeCheck?: RevocationTimeCheck;
}

export interface RevocationAssessment {
  readonly issues: Issue[];
  /** A certificate is revoked and the policy makes that fatal (NuGet: Suspect, always invalid). */
  readonly revoked: boolean;
  /** Some status is unknown and the policy does not allow that. */
  readonly unknownNotAllowed: boolean;
  readonly result: readonly CertificateRevocation[];
}

const CODES: Record<RevocationPurpose, { revoked: NuGetCode; unknown: NuGetCode; who: string }> = {
  signing: { revoked: 'NU3012', unknown: 'NU3018', who: 'signing' },
  timestamping: { revoked: 'NU3028', unknown: 'NU3028', who: 'timestamp' },
};

/**
 * Checks the revocation of a chain built for a signature or a timestamp (leaf first; the root is
 * excluded) and turns the answers into NuGet's findings (spec §6.1, §6.4, §8.4, §9.4):
 * - revoked: NU3012 (NU3028 for a TSA chain), fatal. With `revocationTimeCheck: 'nuget.org'` a
 *   leaf revoked after the trusted timestamp is only a warning; revoked CA certificates, unknown
 *   revocation times and signatures without a valid timestamp stay fatal.
 * - unknown: NU3018 (NU3028), only when `reportUnknownRevocation`; information in offline mode
 *   (mentioning NUGET_CERT_REVOCATION_MODE), else a warning with `allowUnknownRevocation`, else an
 *   error.
 */
export async function assessRevocation(
  checker: RevocationChecker,
  chain: readonly CertificateView[],
  options: {
    readonly purpose: RevocationPurpose;
    readonly policy: RevocationPolicy;
    /** The trusted time of the signature: its valid timestamp (or the TSA token's own time). */
    readonly timestamp?: { readonly genTime: Date; readonly upper: Date };
  },
): Promise<RevocationAssessment> {
  const { purpose, policy, timestamp } = options;
  const codes = CODES[purpose];
  const { certificates: result } = await checker.check(chain, { purpose });
  const issues: Issue[] = [];

  let revoked = false;
  result.forEach(({ certificate, revocation }, index) => {
    if (revocation.status !== 'revoked') return;
    const after =
      timestamp !== undefined && revocation.revokedAt.getTime() > timestamp.upper.getTime();
    const kept = policy.revocationTimeCheck === 'nuget.org' && index === 0 && after;
    const reason = revocation.reason ? `, reason ${revocation.reason}` : '';
    const base = `The ${codes.who} certificate ${describe(certificate, index)} was revoked on ${revocation.revokedAt.toISOString()} (${revocation.source.toUpperCase()}${reason})`;
    if (kept) {
      issues.push(
        issue(
          codes.revoked,
          'warning',
          `${base}, after the trusted timestamp ${(timestamp as { genTime: Date }).genTime.toISOString()}; nuget.org keeps such signatures.`,
        ),
      );
    } else {
      revoked = true;
      const when = timestamp
        ? after
          ? ' Revocation is fatal whenever it happened (dotnet nuget verify).'
          : ' It was revoked before the trusted timestamp.'
        : '';
      issues.push(issue(codes.revoked, 'error', `${base}.${when}`));
    }
  });
  // NuGet stops at a revoked chain: unknown statuses are not reported then.
  if (revoked) return { issues, revoked, unknownNotAllowed: false, result };

  const unknown = result.filter((r) => r.revocation.status === 'unknown');
  if (unknown.length > 0 && policy.reportUnknownRevocation) {
    issues.push(unknownIssue(checker, codes, unknown, result, policy));
  }
  return {
    issues,
    revoked,
    unknownNotAllowed: unknown.length > 0 && !policy.allowUnknownRevocation,
    result,
  };
}

/** The words of the offline note, which the text report folds into one footer line. */
export const OFFLINE_REVOCATION_NOTE = 'revocation checking is offline';

function unknownIssue(
  checker: RevocationChecker,
  codes: (typeof CODES)[RevocationPurpose],
  unknown: readonly CertificateRevocation[],
  all: readonly CertificateRevocation[],
  policy: RevocationPolicy,
): Issue {
  const which = unknown.map((r) => describe(r.certificate, all.indexOf(r))).join(', ');
  if (checker.mode === 'offline') {
    return issue(
      codes.unknown,
      'info',
      `The revocation status of the ${codes.who} chain (${which}) was not checked: ${OFFLINE_REVOCATION_NOTE} (${REVOCATION_MODE_VARIABLE}=offline or --revocation-mode offline). For more information, visit https://aka.ms/certificateRevocationMode.`,
    );
  }
  const why = unknown
    .map((r) => (r.revocation.status === 'unknown' ? r.revocation.why : ''))
    .filter((w, i, list) => w && list.indexOf(w) === i)
    .slice(0, 3)
    .join('; ');
  return issue(
    codes.unknown,
    policy.allowUnknownRevocation ? 'warning' : 'error',
    `The revocation function was unable to check revocation for the ${codes.who} chain (${which}): ${why}.`,
  );
}

function describe(certificate: CertificateView, index: number): string {
  const name = certificate.commonName ?? certificate.subject;
  return index === 0 ? `'${name}'` : `'${name}' (issuer in the chain)`;
}
