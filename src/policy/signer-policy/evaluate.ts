import type { NugetOrgStage } from '../verification-policy.js';
import { issue, type Issue } from '../../issues.js';
import {
  daysUntil,
  EXPIRY_WARNING_DAYS,
  isoDate,
  namesList,
  POLICY_NOTICE_CODE,
  REGISTER_HINT,
  registeredText,
  requiredSignerText,
  ruleReference,
} from './explain.js';
import type { CertificateFacts, SignatureFacts } from './facts.js';
import { shortFingerprint } from './fingerprint.js';
import { accountKey, type Account, type PackageRule, type SignerPolicy } from './model.js';
import { findPackageRule } from './package-rules.js';
import { unmatchedPackageDecision } from './unmatched-package.js';
import {
  describeIdentity,
  hasRegisteredCertificate,
  matchRegistration,
  type RegistrationMatch,
} from './registration.js';

export interface SignerPolicyDecision {
  readonly accepted: boolean;
  readonly issues: readonly Issue[];
  /** One line a person can read: who signed, which registration matched, who must sign. */
  readonly rule: string;
}

/**
 * Would nuget.org's signing requirements accept this package (nuget-signing-spec.md §9.1, §9.2
 * step 3d; seeds register-certificates.md and signed-packages.md)? The candidates are the required
 * signer, or every owner when it is "any" (a sole owner is the required signer either way).
 *
 * - signing is *required* when every candidate has a registered certificate: unsigned and
 *   repository-only packages are rejected (NU3004);
 * - signing is *allowed* when some candidate has one: otherwise a signed package is rejected
 *   (NU3034), so "an owner without certificates" lets unsigned packages through and nothing signed;
 * - an author signature must use a certificate registered to a candidate (NU3034); a removed
 *   certificate no longer counts.
 *
 * Chain, timestamp and validity checks are the verifier's; this answers only "is the signer right".
 */
export function evaluateSignerPolicy(
  policy: SignerPolicy,
  facts: SignatureFacts,
  now: Date,
  stage: NugetOrgStage = 'submission',
): SignerPolicyDecision {
  const rule = findPackageRule(policy, facts.packageId);
  if (!rule) return unmatchedPackageDecision(policy, facts);
  const candidates = candidatesOf(policy, rule);
  const context: Context = { policy, facts, rule, candidates, now };
  if (stage === 'published') return publishedDecision(context);
  const primary = facts.primary;
  if (!primary) return unsignedDecision(context, 'is unsigned');
  if (primary.kind === 'repository')
    return unsignedDecision(
      context,
      'has only a repository signature, which nuget.org does not take in place of an author signature',
    );
  if (primary.kind === 'unknown') {
    const message = `${facts.packageId}: the primary signature is neither an author nor a repository signature; nuget.org rejects it. Re-sign it with an author signature (${ruleReference(rule)})`;
    return reject('NU3000', message, 'unknown signature type');
  }
  return authorDecision(context, primary.certificate);
}

interface Context {
  readonly policy: SignerPolicy;
  readonly facts: SignatureFacts;
  readonly rule: PackageRule;
  /** The required signer, or all owners for "any". */
  readonly candidates: readonly Account[];
  readonly now: Date;
}

function candidatesOf(policy: SignerPolicy, rule: PackageRule): Account[] {
  const names = rule.requiredSigner === 'any' ? rule.owners : [rule.requiredSigner];
  return names.flatMap((name) => policy.accounts.get(accountKey(name)) ?? []);
}

function unsignedDecision(context: Context, state: string): SignerPolicyDecision {
  const { facts, rule, candidates } = context;
  const without = candidates.filter((a) => !hasRegisteredCertificate(a));
  if (without.length === 0) {
    const why =
      rule.requiredSigner !== 'any'
        ? `the required signer ${rule.requiredSigner} has a registered certificate`
        : candidates.length === 1
          ? `its sole owner ${candidates[0]?.name ?? ''} has a registered certificate`
          : `every owner (${candidates.map((a) => a.name).join(', ')}) has a registered certificate`;
    const message = `${facts.packageId} ${state}, but nuget.org requires an author signature because ${why} (${ruleReference(rule)}). Sign it with a certificate registered to ${candidates.map(registeredText).join(' or ')}`;
    return reject(
      'NU3004',
      message,
      `${state.replace(/^is /, '')}; ${requiredSignerText(rule)}, who requires signing`,
    );
  }
  const allowedBy = `${namesList(without)} ${without.length === 1 ? 'has' : 'have'} no registered certificate`;
  return {
    accepted: true,
    issues: [],
    rule: `${state.replace(/^is /, '')}; allowed because ${allowedBy}, ${requiredSignerText(rule)}`,
  };
}

function authorDecision(context: Context, certificate: CertificateFacts): SignerPolicyDecision {
  const { policy, facts, rule, candidates } = context;
  const signer = `${shortFingerprint(certificate.fingerprintSha256)} (${certificate.subject})`;
  const where = ruleReference(rule);

  if (!candidates.some(hasRegisteredCertificate)) {
    const removed = candidates
      .map((a) => matchRegistration(a, certificate))
      .find((m) => m?.kind === 'removed');
    if (removed?.kind === 'removed') {
      const message = `${facts.packageId} is signed by ${signer}, a certificate removed from ${removed.account.name} (${removed.certificate.where}); packages signed with a removed certificate fail new submissions (${where}). ${removed.account.name} has no registered certificate left, so nuget.org now accepts only unsigned uploads of this package: register a certificate for ${removed.account.name} and sign with it, or register this one again`;
      return reject(
        'NU3034',
        message,
        `signed by ${shortFingerprint(certificate.fingerprintSha256)}, removed from ${removed.account.name}, which has no registered certificate left`,
      );
    }
    const who =
      rule.requiredSigner !== 'any'
        ? `the required signer ${rule.requiredSigner} has no registered certificate`
        : candidates.length === 1
          ? `its sole owner ${candidates[0]?.name ?? ''} has no registered certificate`
          : 'no owner has a registered certificate';
    const message = `${facts.packageId} is signed by ${signer}, but ${who}, so nuget.org rejects signed uploads (${where}). ${capitalize(REGISTER_HINT)} for ${namesList(candidates)}, or upload the package unsigned`;
    return reject(
      'NU3034',
      message,
      `signed by ${shortFingerprint(certificate.fingerprintSha256)}, but signing is not allowed: ${who}`,
    );
  }

  const matches = candidates
    .map((a) => matchRegistration(a, certificate))
    .filter((m) => m !== undefined);
  const accepted = matches.find((m) => m.kind !== 'removed');
  if (accepted) return acceptSigned(context, certificate, accepted);

  const removed = matches.find((m) => m.kind === 'removed');
  if (removed) {
    const message = `${facts.packageId} is signed by ${signer}, a certificate removed from ${removed.account.name} (${removed.certificate.where}); packages signed with a removed certificate fail new submissions (${where}). Sign with ${registeredText(removed.account)}, or register the certificate again`;
    return reject(
      'NU3034',
      message,
      `signed by ${shortFingerprint(certificate.fingerprintSha256)}, removed from ${removed.account.name}; ${requiredSignerText(rule)}`,
    );
  }

  const elsewhere = [...policy.accounts.values()].filter((a) => {
    const m = matchRegistration(a, certificate);
    return m !== undefined && m.kind !== 'removed' && !candidates.includes(a);
  });
  const signable = candidates.filter(hasRegisteredCertificate);
  const fix = `Sign with a certificate registered to ${signable.map(registeredText).join(' or ')}, or ${REGISTER_HINT} for ${namesList(signable)}`;
  const problem =
    elsewhere.length > 0
      ? rule.owners.some((o) => elsewhere.some((a) => a.name === o))
        ? `it is registered to ${namesList(elsewhere)} while the required signer is ${rule.requiredSigner}`
        : `it is registered to ${namesList(elsewhere)}, which is not an owner of ${facts.packageId} (owners: ${rule.owners.join(', ')})`
      : `it is not registered to ${rule.requiredSigner === 'any' && rule.owners.length > 1 ? `any owner (${rule.owners.join(', ')})` : namesList(candidates)}`;
  const message = `${facts.packageId} is signed by ${signer}, but ${problem} (${where}). ${fix}`;
  return reject(
    'NU3034',
    message,
    `signed by ${shortFingerprint(certificate.fingerprintSha256)}, not registered to ${requiredSignerText(rule).replace('required signer: ', '')}`,
  );
}

function acceptSigned(
  context: Context,
  certificate: CertificateFacts,
  match: RegistrationMatch,
): SignerPolicyDecision {
  const { rule, now, facts } = context;
  const how = match.kind === 'identity' ? ` by ${describeIdentity(match.identity)}` : '';
  const text = `signed by ${shortFingerprint(certificate.fingerprintSha256)}, registered to ${match.account.name}${how}, ${requiredSignerText(rule)}`;
  const noted = match.kind === 'certificate' ? match.certificate.expires : undefined;
  const expires = noted && noted < certificate.notAfter ? noted : certificate.notAfter;
  const days = daysUntil(expires, now);
  const issues: Issue[] = [];
  if (days < 0) {
    issues.push(
      issue(
        POLICY_NOTICE_CODE,
        'warning',
        `${facts.packageId}: the signing certificate ${shortFingerprint(certificate.fingerprintSha256)} registered to ${match.account.name} expired on ${isoDate(expires)}; nuget.org validates certificates at upload time, so renew it, register the new one and re-sign`,
      ),
    );
  } else if (days <= EXPIRY_WARNING_DAYS) {
    issues.push(
      issue(
        POLICY_NOTICE_CODE,
        'warning',
        `${facts.packageId}: the signing certificate ${shortFingerprint(certificate.fingerprintSha256)} registered to ${match.account.name} expires on ${isoDate(expires)} (in ${days} days); renew it and register the new certificate on nuget.org before then`,
      ),
    );
  }
  return { accepted: true, issues, rule: text };
}

/**
 * A version nuget.org already serves: its signing requirements run only before a package becomes
 * available (nuget-signing-spec.md §9.2 d), and removing a certificate does not affect existing
 * packages (seed: "Existing packages aren't affected"). What still decides is the signature's
 * own validity, which the verifier judges.
 */
function publishedDecision(context: Context): SignerPolicyDecision {
  const { policy, facts, rule, candidates } = context;
  const primary = facts.primary;
  const base = `published version: nuget.org does not recheck who signed it (${requiredSignerText(rule)})`;
  if (primary?.kind !== 'author') return { accepted: true, issues: [], rule: base };
  const { certificate } = primary;
  const accounts = [
    ...candidates,
    ...[...policy.accounts.values()].filter((a) => !candidates.includes(a)),
  ];
  const removed = accounts
    .map((a) => matchRegistration(a, certificate))
    .find((m) => m?.kind === 'removed');
  if (removed?.kind !== 'removed') return { accepted: true, issues: [], rule: base };
  const message = `${facts.packageId}: the signing certificate ${shortFingerprint(certificate.fingerprintSha256)} was removed from ${removed.account.name} (${removed.certificate.where}); existing packages are not affected, so nuget.org keeps serving this version, but a new version signed with it would be rejected (${ruleReference(rule)})`;
  return {
    accepted: true,
    issues: [issue(POLICY_NOTICE_CODE, 'info', message)],
    rule: `${base}; signed with a certificate removed from ${removed.account.name}, which does not affect existing packages`,
  };
}

function reject(
  code: 'NU3000' | 'NU3004' | 'NU3034',
  message: string,
  rule: string,
): SignerPolicyDecision {
  return { accepted: false, issues: [issue(code, 'error', message)], rule };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
