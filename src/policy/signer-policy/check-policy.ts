import { issue, type Issue } from '../../issues.js';
import { daysUntil, EXPIRY_WARNING_DAYS, isoDate, POLICY_NOTICE_CODE } from './explain.js';
import { shortFingerprint } from './fingerprint.js';
import { parseCertificate } from '../../signature/certificate.js';
import { checkNugetOrgCertificate } from '../../certificate-rules/nuget-org-certificate.js';
import type { Account, RegisteredCertificate, SignerPolicy } from './model.js';
import { findPackageRule, rulesMatchingNothing } from './package-rules.js';
import { activeCertificates } from './registration.js';
import { unmatchedPackageDecision } from './unmatched-package.js';

/**
 * `policy check`: what is worth knowing about a policy file that loaded. Problems that make the
 * file unusable are thrown by the loader instead; this reports the rest.
 *
 * - load warnings (a certificate registered to two accounts);
 * - with `packageIds` (the ids the check found), a package rule matching none of them: an error,
 *   since a typo there silently leaves a package unchecked; and, unless `unmatchedPackages: allow`,
 *   a package that no rule matches (verify would refuse it), with the rule to add;
 * - registered certificates that expired or expire within 30 days of `now`, from a `file:`
 *   certificate's notAfter or an `expires:` note.
 */
export function checkPolicyFile(
  policy: SignerPolicy,
  now: Date,
  packageIds?: readonly string[],
): Issue[] {
  const issues: Issue[] = [...policy.loadWarnings];
  if (packageIds !== undefined) {
    // What verify would refuse: a package no rule matches, when unmatched packages are denied.
    // Once per id, as first written (ids compare case-insensitively).
    const distinct = new Map<string, string>();
    for (const id of packageIds)
      if (!distinct.has(id.toLowerCase())) distinct.set(id.toLowerCase(), id);
    for (const packageId of distinct.values()) {
      if (findPackageRule(policy, packageId)) continue;
      const decision = unmatchedPackageDecision(policy, { packageId });
      if (!decision.accepted) issues.push(...decision.issues);
    }
    for (const rule of rulesMatchingNothing(policy, packageIds)) {
      const found =
        packageIds.length === 0 ? 'no packages were found' : `found: ${packageIds.join(', ')}`;
      issues.push(
        issue(
          'NUPKG005',
          'error',
          `${rule.where}: packages id "${rule.id}" matches no package (${found}); fix the id or remove the rule`,
        ),
      );
    }
  }
  for (const account of policy.accounts.values()) {
    for (const certificate of account.certificates) {
      if (!certificate.removed) issues.push(...unusableCertificate(account, certificate));
      if (certificate.removed || certificate.expires === undefined) continue;
      const days = daysUntil(certificate.expires, now);
      const name = `certificate ${shortFingerprint(certificate.fingerprintSha256)}${certificate.label ? ` "${certificate.label}"` : ''} registered to ${account.name}`;
      if (days < 0) {
        issues.push(
          issue(
            POLICY_NOTICE_CODE,
            'warning',
            `${certificate.where}: ${name} expired on ${isoDate(certificate.expires)}; register its replacement on nuget.org and mark this one removed${lastActiveWarning(account, certificate)}`,
          ),
        );
      } else if (days <= EXPIRY_WARNING_DAYS) {
        issues.push(
          issue(
            POLICY_NOTICE_CODE,
            'warning',
            `${certificate.where}: ${name} expires on ${isoDate(certificate.expires)} (in ${days} days); renew it and register the new certificate on nuget.org`,
          ),
        );
      }
    }
  }
  return issues;
}

/**
 * nuget.org's certificate rules (the ones `sign` warns about and the nuget.org preset enforces)
 * applied to a registered certificate given as a file: a package signed with one that breaks them
 * can never be accepted, so registering it only leaves the account unable to publish.
 */
function unusableCertificate(account: Account, certificate: RegisteredCertificate): Issue[] {
  if (certificate.der === undefined) return [];
  const name = `certificate ${shortFingerprint(certificate.fingerprintSha256)}${certificate.label ? ` "${certificate.label}"` : ''} registered to ${account.name}`;
  return checkNugetOrgCertificate(parseCertificate(certificate.der), 'signing').map((finding) =>
    issue(
      finding.code,
      'error',
      `${certificate.where}: ${name} can never sign a package nuget.org accepts: ${finding.message}`,
    ),
  );
}

/**
 * Removing an account's last active certificate changes what nuget.org accepts for its packages:
 * signing is then no longer required, and signed uploads are rejected (seed: "If you make an owner
 * who does not have any certificate registered, then unsigned packages will be allowed").
 */
function lastActiveWarning(account: Account, certificate: RegisteredCertificate): string {
  const others = activeCertificates(account).filter((c) => c !== certificate);
  if (others.length > 0 || account.identities.length > 0) return '';
  return `. Register the replacement first: with no active certificate left, ${account.name} requires no signature, so nuget.org accepts unsigned uploads of its packages again (and rejects signed ones)`;
}
