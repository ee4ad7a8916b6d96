import type { CertificateFacts } from './facts.js';
import { stripFingerprint } from './fingerprint.js';
import { matchesNamePattern } from './glob.js';
import type { Account, IdentityRule, RegisteredCertificate } from './model.js';

/**
 * "Is this certificate registered to this account?" with nuget.org's meaning: a fingerprint on the
 * account's certificate list, minus the ones the user removed. Identity rules stand in for
 * certificates registered as they are issued, so they count as registrations too.
 */

export type RegistrationMatch =
  | {
      readonly kind: 'certificate';
      readonly account: Account;
      readonly certificate: RegisteredCertificate;
    }
  | { readonly kind: 'identity'; readonly account: Account; readonly identity: IdentityRule }
  | {
      readonly kind: 'removed';
      readonly account: Account;
      readonly certificate: RegisteredCertificate;
    };

/** An account "has a registered certificate" in the sense of nuget.org's signing requirements. */
export function hasRegisteredCertificate(account: Account): boolean {
  return account.certificates.some((c) => !c.removed) || account.identities.length > 0;
}

export function activeCertificates(account: Account): RegisteredCertificate[] {
  return account.certificates.filter((c) => !c.removed);
}

/**
 * How `certificate` relates to `account`, or undefined when it does not. A fingerprint the user
 * marked removed wins over an identity rule: removing a certificate is an explicit decision.
 */
export function matchRegistration(
  account: Account,
  certificate: CertificateFacts,
): RegistrationMatch | undefined {
  const fingerprint = stripFingerprint(certificate.fingerprintSha256);
  const listed = account.certificates.find((c) => c.fingerprintSha256 === fingerprint);
  if (listed?.removed) return { kind: 'removed', account, certificate: listed };
  if (listed) return { kind: 'certificate', account, certificate: listed };
  const identity = account.identities.find((rule) => identityMatches(rule, certificate));
  return identity ? { kind: 'identity', account, identity } : undefined;
}

export function identityMatches(rule: IdentityRule, certificate: CertificateFacts): boolean {
  if (rule.subject !== undefined && !matchesNamePattern(rule.subject, certificate.subject))
    return false;
  if (rule.issuer !== undefined && !matchesNamePattern(rule.issuer, certificate.issuer))
    return false;
  if (rule.chainsTo !== undefined) {
    const chain = certificate.chainFingerprintsSha256.map(stripFingerprint);
    if (!chain.includes(rule.chainsTo)) return false;
  }
  return true;
}

export function describeIdentity(rule: IdentityRule): string {
  const parts = [
    rule.subject !== undefined ? `subject "${rule.subject}"` : undefined,
    rule.issuer !== undefined ? `issuer "${rule.issuer}"` : undefined,
    rule.chainsTo !== undefined
      ? `chaining to ${rule.chainsTo.slice(0, 4)}…${rule.chainsTo.slice(-4)}`
      : undefined,
  ];
  return `identity rule (${parts.filter((p) => p !== undefined).join(', ')})`;
}
