import type { NuGetCode } from '../codes.js';
import { NupkgSigningError } from '../errors.js';
import { parseCertificate } from '../signature/certificate.js';
import { OID } from '../asn1/oids.js';
import { buildChain, type ChainResult } from '../trust/chain-builder.js';
import { chainLink } from '../trust/chain-link.js';
import { describeUntrustedRoot, describeUsageProblem } from '../trust/describe.js';
import type { TrustStore } from '../trust/trust-store.js';
import { checkCertificateRequirements } from '../certificate-rules/certificate-requirements.js';
import { checkNugetOrgCertificate } from '../certificate-rules/nuget-org-certificate.js';
import { describeCertificate } from '../certificate-rules/describe-certificate.js';
import { issue, type Issue } from '../issues.js';

/**
 * What the signing certificate (and the TSA's) must satisfy before a package is signed: first
 * NuGet's own refusals (errors, nuget-signing-spec.md §8.5, §10.2 item 1, §10.3 step 4), then
 * nuget.org's stricter rules (§9.2 end), which are only advice because signing for an internal
 * feed with a private CA is legitimate.
 */

export interface ChainTrustOptions {
  /** The roots `dotnet nuget sign` would use on this machine for this purpose. */
  readonly roots: TrustStore;
  /** Extra anchors (e.g. a private CA for an internal feed); NuGet itself has no such switch. */
  readonly extraRoots?: readonly Uint8Array[];
  /** Sign even when the root is untrusted, where NuGet would refuse (reported as a warning). */
  readonly allowUntrustedRoot?: boolean;
  readonly now: Date;
}

export interface SigningCertificateCheck {
  /** The chain as built, leaf first: what NuGet embeds in `SignedData.certificates` (§2.1). */
  readonly chain: Uint8Array[];
  readonly warnings: Issue[];
}

/**
 * NuGet's pre-sign checks, in its order: NU3013, NU3014, NU3015, NU3017 (first failure thrown),
 * then the chain with code-signing policy at `now`, expiry included (§8.5). Every chain status is
 * an NU3018 error except an untrusted root of a self-issued certificate (a warning, as in NuGet)
 * or, with `allowUntrustedRoot`, of any chain.
 */
export function checkSigningCertificate(
  certificate: Uint8Array,
  chain: readonly Uint8Array[],
  options: ChainTrustOptions,
): SigningCertificateCheck {
  const key = [
    certificate,
    ...chain,
    options.roots,
    ...(options.extraRoots ?? []),
    options.allowUntrustedRoot === true,
    options.now.getTime(),
  ];
  if (!lastSigningCheck || !sameInputs(lastSigningCheck.key, key)) {
    lastSigningCheck = { key, result: checkSigningCertificateNow(certificate, chain, options) };
  }
  const { result } = lastSigningCheck;
  return { chain: [...result.chain], warnings: result.warnings.map((w) => ({ ...w })) };
}

/**
 * The last passed check and what it was asked: a CLI batch signs every package with the same
 * certificate, chain, roots and signing time, so the answer is the same; any other input (the
 * action reads the clock for each package) asks again. A refusal is not kept: it is thrown again.
 */
let lastSigningCheck: { key: readonly unknown[]; result: SigningCertificateCheck } | undefined;

/** Same length, and each input the same object, number or flag, or equal bytes. */
function sameInputs(a: readonly unknown[], b: readonly unknown[]): boolean {
  return (
    a.length === b.length &&
    a.every((value, i) => {
      const other = b[i];
      if (value instanceof Uint8Array && other instanceof Uint8Array) {
        return Buffer.from(value.buffer, value.byteOffset, value.byteLength).equals(other);
      }
      return value === other;
    })
  );
}

function checkSigningCertificateNow(
  certificate: Uint8Array,
  chain: readonly Uint8Array[],
  options: ChainTrustOptions,
): SigningCertificateCheck {
  const view = parseCertificate(certificate);
  const problem = checkCertificateRequirements(view, 'signing', options.now)[0];
  if (problem) throw new NupkgSigningError(problem.code, problem.message);

  const built = buildChain(certificate, {
    anchors: options.extraRoots ? options.roots.with(options.extraRoots) : options.roots,
    intermediates: chain,
    applicationPolicy: OID.codeSigning,
    verificationTime: options.now,
    ignoreNotTimeValid: false,
  });
  const who = `The signing certificate ${describeCertificate(view)}`;
  const warnings: Issue[] = [];
  const fatal = built.statuses.filter((status) => status !== 'UntrustedRoot');
  if (fatal.length > 0) {
    const hint = fatal.includes('PartialChain')
      ? " Give the intermediate certificates (and the root) with --certificate-chain (the action's certificate-chain input)."
      : '';
    throw new NupkgSigningError(
      'NU3018',
      `${who} cannot be used: ${chainProblem(built, OID.codeSigning)}.${hint}`,
    );
  }
  if (built.statuses.includes('UntrustedRoot')) {
    const root = rootDescription(built);
    if (isSelfIssued(built)) {
      warnings.push(
        issue(
          'NU3018',
          'warning',
          `${who} is self-issued and not trusted on this machine. NuGet signs with it too (with this warning); consumers must trust it explicitly, e.g. with trustedSigners allowUntrustedRoot.`,
        ),
      );
    } else if (options.allowUntrustedRoot) {
      warnings.push(
        issue(
          'NU3018',
          'warning',
          `${who} chains to ${root}, which is not a trusted root. 'dotnet nuget sign' would refuse to sign with NU3018; signed anyway because untrusted roots are allowed. Consumers must trust that root (or the certificate via trustedSigners allowUntrustedRoot).`,
        ),
      );
    } else {
      throw new NupkgSigningError(
        'NU3018',
        `${who} chains to ${root}, which is not a trusted root, so NuGet would refuse to sign with it. Add the root with --trusted-roots FILE (the action's trusted-roots input), or for an internal feed sign anyway with --allow-untrusted-root.`,
      );
    }
  }
  return { chain: built.chain, warnings };
}

/**
 * NuGet's sign-time check of the timestamp's TSA chain (§10.3 step 4): time-stamping policy at
 * `now`, expiry ignored; any status is NU3028. An untrusted root becomes a warning only with
 * `allowUntrustedRoot`, which NuGet does not have.
 */
export function checkTimestampCertificate(
  tsaCertificate: Uint8Array,
  tokenCertificates: readonly Uint8Array[],
  options: ChainTrustOptions,
): Issue[] {
  const built = buildChain(tsaCertificate, {
    anchors: options.extraRoots ? options.roots.with(options.extraRoots) : options.roots,
    intermediates: tokenCertificates,
    applicationPolicy: OID.timeStamping,
    verificationTime: options.now,
    ignoreNotTimeValid: true,
  });
  if (built.statuses.length === 0) return [];
  const who = `The timestamp certificate ${describeCertificate(parseCertificate(tsaCertificate))}`;
  const onlyUntrusted = built.statuses.every((status) => status === 'UntrustedRoot');
  if (onlyUntrusted && options.allowUntrustedRoot) {
    return [
      issue(
        'NU3028',
        'warning',
        `${who} chains to ${rootDescription(built)}, which is not a trusted timestamping root. 'dotnet nuget sign' would fail with NU3028, and 'dotnet nuget verify' will report the timestamp as invalid unless that root is trusted.`,
      ),
    ];
  }
  throw new NupkgSigningError(
    'NU3028',
    `${who} cannot be used: ${chainProblem(built, OID.timeStamping)}.`,
  );
}

export interface NugetOrgCheckOptions {
  /** The SDK bundle roots, standing in for the Windows trust nuget.org uses (§8.1). */
  readonly codeSigningRoots: TrustStore;
  readonly chain: readonly Uint8Array[];
  readonly now: Date;
  readonly timestamped: boolean;
}

/**
 * What would make nuget.org reject the author signature (§9.2 end), as warnings: RSA ≥ 2048,
 * SHA-2/RSA-signed, not lifetime-signing, valid now, code-signing EKU, a chain to a root in the
 * Microsoft code-signing CTL (self-issued rejected), and exactly one timestamp.
 */
export function nugetOrgWarnings(certificate: Uint8Array, options: NugetOrgCheckOptions): Issue[] {
  const key = [
    certificate,
    ...options.chain,
    options.codeSigningRoots,
    options.timestamped,
    options.now.getTime(),
  ];
  if (!lastAdvice || !sameInputs(lastAdvice.key, key)) {
    lastAdvice = { key, result: nugetOrgWarningsNow(certificate, options) };
  }
  return lastAdvice.result.map((w) => ({ ...w }));
}

/** The last advice and what it was asked (see lastSigningCheck). */
let lastAdvice: { key: readonly unknown[]; result: readonly Issue[] } | undefined;

function nugetOrgWarningsNow(certificate: Uint8Array, options: NugetOrgCheckOptions): Issue[] {
  const view = parseCertificate(certificate);
  const warn = (code: NuGetCode, why: string) =>
    issue(code, 'warning', `nuget.org would reject this signature: ${why}`);
  const findings = checkNugetOrgCertificate(view, 'signing', options.now);
  const warnings = findings.map((f) => warn(f.code, `${f.message}.`));
  const built = buildChain(certificate, {
    anchors: options.codeSigningRoots,
    intermediates: options.chain,
    applicationPolicy: OID.codeSigning,
    verificationTime: options.now,
    ignoreNotTimeValid: false,
  });
  // The rules above already name a self-issued certificate, a missing usage and an expiry.
  const covered = new Set<string>();
  if (findings.some((f) => f.rule === 'codeSigningPurpose')) covered.add('NotValidForUsage');
  if (findings.some((f) => f.rule === 'validity')) covered.add('NotTimeValid');
  const uncovered = built.statuses.filter((status) => !covered.has(status));
  if (
    !built.valid &&
    !isSelfIssued(built) &&
    (uncovered.length > 0 || built.statuses.length === 0)
  ) {
    warnings.push(
      warn(
        'NU3018',
        `the signing certificate's chain is not valid against the Microsoft code-signing roots: ${chainProblem(built, OID.codeSigning)}.`,
      ),
    );
  }
  if (!options.timestamped) {
    warnings.push(warn('NU3027', 'it has no timestamp; nuget.org requires exactly one.'));
  }
  return warnings;
}

function isSelfIssued(built: ChainResult): boolean {
  const [leaf] = built.chain;
  if (built.chain.length !== 1 || leaf === undefined) return false;
  const broken = ['Cyclic', 'PartialChain', 'NotSignatureValid'] as const;
  if (broken.some((status) => built.statuses.includes(status))) return false;
  const facts = chainLink(leaf);
  const { subjectKeyIdentifier: ski, authorityKeyIdentifier: aki } = facts;
  return facts.selfIssued && (ski === undefined || aki === undefined || ski === aki);
}

function rootDescription(built: ChainResult): string {
  const top = built.chain[built.chain.length - 1];
  if (top === undefined) return 'an unknown root';
  const root = describeUntrustedRoot(top);
  return `'${root.subject}' (SHA-256 ${root.sha256Fingerprint})`;
}

const STATUS_TEXT: Record<string, string> = {
  UntrustedRoot: 'the root is not trusted',
  PartialChain: 'the chain does not reach a root (an intermediate certificate is missing)',
  NotSignatureValid: 'a certificate signature in the chain is invalid',
  NotTimeValid: 'a certificate in the chain is expired or not yet valid',
  InvalidBasicConstraints: 'an issuer is not a CA (basic constraints or key usage)',
  Cyclic: 'the chain is cyclic',
  HasNotSupportedCriticalExtension: 'a certificate has an unsupported critical extension',
};

function chainProblem(built: ChainResult, policy: string): string {
  if (built.statuses.length === 0) return 'the chain does not end at a trusted root';
  return built.statuses
    .map((status) =>
      status === 'NotValidForUsage'
        ? `${describeUsageProblem(built.chain, policy)} (${status})`
        : `${STATUS_TEXT[status] ?? status} (${status})`,
    )
    .join('; ');
}
