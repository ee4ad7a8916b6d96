import type { NugetOrgStage } from '../../policy/verification-policy.js';
import type { CertificateView } from '../../signature/certificate.js';
import { issue as newIssue, type Issue } from '../../issues.js';
import type { TimestampWindow } from './timestamp.js';
import {
  checkNugetOrgCertificate,
  type NugetOrgRule,
} from '../../certificate-rules/nuget-org-certificate.js';

/**
 * The rules nuget.org applies on top of the client's verification (seed "Signature requirements
 * on nuget.org"; nuget-signing-spec.md §9.2, §9.4), for the author signature and its timestamp:
 *
 * - validity per current UTC time: the client accepts a certificate that expired after a valid
 *   timestamp, nuget.org refuses it when the package is pushed (NotTimeValid: "reject at ingestion
 *   only"), and keeps serving versions it already has;
 * - self-issued certificates are rejected whatever the local trust roots say (at ingestion; a
 *   published version is only warned about, as the revalidation job does for "other" states).
 *
 * The other rules of the seed (key size, purpose, algorithm) are the client's own requirements
 * and are reported by the signature's evaluation already.
 */
export function checkNugetOrgRules(
  signer: CertificateView,
  timestamp: TimestampWindow | undefined,
  stage: NugetOrgStage,
  now: Date,
): Issue[] {
  const issues: Issue[] = [];
  const report = (certificate: CertificateView, role: 'signing' | 'timestamping') => {
    // The author signature is the primary one; its timestamp's certificate is the TSA's.
    const signature = role === 'signing' ? 'primary' : 'primary-timestamp';
    const issue = (code: Issue['code'], level: Issue['level'], message: string): Issue => ({
      ...newIssue(code, level, message),
      signature,
    });
    for (const finding of checkNugetOrgCertificate(certificate, role, now)) {
      if (!SERVER_ONLY_RULES.has(finding.rule)) continue;
      if (finding.rule === 'validity') {
        if (stage === 'published') continue;
        issues.push(issue(finding.code, 'error', expiredMessage(finding.message, role, timestamp)));
      } else {
        const level = stage === 'submission' ? 'error' : 'warning';
        issues.push(issue(finding.code, level, selfIssuedMessage(finding.message, role, stage)));
      }
    }
  };
  report(signer, 'signing');
  if (timestamp) report(timestamp.tsa, 'timestamping');
  return issues;
}

const SERVER_ONLY_RULES: ReadonlySet<NugetOrgRule> = new Set<NugetOrgRule>([
  'validity',
  'selfIssued',
]);

function expiredMessage(
  finding: string,
  role: 'signing' | 'timestamping',
  timestamp: TimestampWindow | undefined,
): string {
  const restore = timestamp
    ? ` The package stays valid for restore (--policy verify) because it is timestamped ${timestamp.genTime.toISOString().slice(0, 10)}, and nuget.org keeps serving versions it already has (--published).`
    : '';
  const fix =
    role === 'signing'
      ? 'Renew the certificate, register the new one on nuget.org and sign again.'
      : 'Sign again with a timestamp server whose certificate is current.';
  return `nuget.org checks certificates when the package is pushed: ${finding}. ${fix}${restore}`;
}

function selfIssuedMessage(
  finding: string,
  role: 'signing' | 'timestamping',
  stage: NugetOrgStage,
): string {
  const what = role === 'signing' ? 'code-signing' : 'timestamping';
  const consequence =
    stage === 'submission'
      ? `nuget.org rejects it whatever roots this machine trusts. Sign with a ${what} certificate from a public certificate authority.`
      : 'nuget.org would not have accepted it on upload; its revalidation reports it.';
  return `${finding}; ${consequence}`;
}
