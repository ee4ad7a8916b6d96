import type { NuGetCode } from '../codes.js';
import type { CertificateView } from '../signature/certificate.js';
import { describeMissingUsage, OID } from '../asn1/oids.js';
import { describeCertificate } from './describe-certificate.js';
import { checkCertificateRequirements, type CertificateRole } from './certificate-requirements.js';

/**
 * nuget.org's certificate rules, one rule set shared by `sign`'s pre-check, `policy check` (for
 * registered certificates) and the nuget.org preset of `verify`. Each rule quotes the sentence of
 * the seed document it enforces (shared/seeds/signed-packages.md, "Signature requirements on
 * nuget.org"); docs/nuget-org-rules.md lists them with their tests.
 */
export const NUGET_ORG_RULES = {
  key: 'Must have an RSA public key 2048 bits or greater.',
  validity:
    'Must be within its validity period per current UTC time at time of package validation on nuget.org.',
  selfIssued: 'Packages signed with self-issued certificates are rejected.',
  codeSigningPurpose: 'The author signing certificate must be valid for code signing.',
  timestampingPurpose: 'The timestamp certificate must be valid for timestamping.',
  // Not in the seed's list, but what its "chain to a trusted root authority" means in practice:
  // NuGet's own certificate requirements (nuget-signing-spec.md §4.5, §9.2), which nuget.org runs.
  algorithm: 'NuGet requires a certificate signed with SHA-256, SHA-384 or SHA-512 with RSA.',
  lifetimeSigning: 'NuGet does not support the lifetime signing EKU.',
} as const;

export type NugetOrgRule = keyof typeof NUGET_ORG_RULES;

export interface NugetOrgFinding {
  readonly rule: NugetOrgRule;
  readonly code: NuGetCode;
  /** What is wrong with this certificate, and the seed sentence it breaks. */
  readonly message: string;
}

const CODES = {
  signing: { algorithm: 'NU3013', key: 'NU3014', chain: 'NU3018', expired: 'NU3037' },
  timestamping: { algorithm: 'NU3022', key: 'NU3023', chain: 'NU3028', expired: 'NU3028' },
} as const;

const PURPOSE = {
  signing: { oid: OID.codeSigning, rule: 'codeSigningPurpose' },
  timestamping: { oid: OID.timeStamping, rule: 'timestampingPurpose' },
} as const;

/**
 * Every nuget.org rule `certificate` breaks in its `role`. Validity is judged at `at` (the time of
 * validation on nuget.org: now, or `--at`) when given; without it (a registered certificate with
 * no package yet) only the certificate's own properties are judged.
 */
export function checkNugetOrgCertificate(
  certificate: CertificateView,
  role: CertificateRole,
  at?: Date,
): NugetOrgFinding[] {
  const codes = CODES[role];
  const findings: NugetOrgFinding[] = [];
  const add = (rule: NugetOrgRule, code: NuGetCode, what: string) =>
    findings.push({ rule, code, message: `${what} (nuget.org: "${NUGET_ORG_RULES[rule]}")` });

  // NuGet's own requirements; not-yet-valid is judged with validity below.
  const requirements = checkCertificateRequirements(certificate, role, at ?? certificate.notBefore);
  for (const problem of requirements) {
    const rule: NugetOrgRule =
      problem.code === codes.algorithm
        ? 'algorithm'
        : problem.code === codes.key
          ? 'key'
          : problem.code === 'NU3015'
            ? 'lifetimeSigning'
            : 'validity';
    add(rule, problem.code, problem.message.replace(/\.$/, ''));
  }

  const who = `The ${role === 'signing' ? 'signing' : 'timestamp'} certificate ${describeCertificate(certificate)}`;
  const purpose = PURPOSE[role];
  const usages = certificate.extendedKeyUsage?.oids;
  if (usages !== undefined && !usages.includes(purpose.oid)) {
    add(purpose.rule, codes.chain, `${who} ${describeMissingUsage(usages, purpose.oid)}`);
  }
  if (isSelfIssuedCertificate(certificate)) {
    add('selfIssued', codes.chain, `${who} is self-issued`);
  }
  if (at !== undefined && certificate.notAfter.getTime() < at.getTime()) {
    add('validity', codes.expired, `${who} expired on ${isoDate(certificate.notAfter)}`);
  }
  return findings;
}

/**
 * Self-issued in RFC 5280's sense (subject equals issuer) and signed by its own key as far as the
 * key identifiers tell: a test certificate made with New-SelfSignedCertificate or openssl req.
 */
export function isSelfIssuedCertificate(certificate: CertificateView): boolean {
  if (!certificate.isSelfIssued) return false;
  const { subjectKeyIdentifier: ski, authorityKeyIdentifier: aki } = certificate;
  return ski === undefined || aki === undefined || Buffer.from(ski).equals(aki);
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
