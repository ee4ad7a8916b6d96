import type { NuGetCode } from '../codes.js';
import type { VerificationPolicy } from '../policy/verification-policy.js';
import {
  assessRevocation,
  checkTimestampChainRevocation,
  type RevocationChecker,
} from '../revocation/index.js';
import type { CertificateView } from '../signature/certificate.js';
import type { SignerInfoView } from '../signature/signer-info.js';
import type { TimestampTokenView } from '../signature/timestamp-token.js';
import type { TrustStores } from '../trust/bundled-roots.js';
import { checkCertificateRequirements } from '../certificate-rules/certificate-requirements.js';
import { checkChain } from './checks/chain.js';
import { checkSignerSignature } from '../certificate-rules/signer-signature.js';
import { checkTimestamp, type TimestampWindow } from './checks/timestamp.js';
import { checkValidityPeriod } from './checks/validity-period.js';
import { aboutSignature, issue, type Issue, type IssueSignature } from '../issues.js';

/** One signature to evaluate: the primary signature or the repository countersignature. */
export interface SignatureUnderTest {
  readonly label: 'primary signature' | 'repository countersignature';
  readonly signer: SignerInfoView;
  /** The signer's certificate, undefined when the signature does not carry it (NU3010). */
  readonly certificate: CertificateView | undefined;
  /** What the signature covers: the eContent, or the primary's signature value. */
  readonly signedContent: Uint8Array;
  readonly timestamps: readonly TimestampTokenView[];
  /** Certificates available to build chains (SignedData.certificates). */
  readonly certificates: readonly CertificateView[];
}

export interface EvaluationContext {
  readonly policy: VerificationPolicy;
  readonly now: Date;
  readonly trust: TrustStores;
  /** Checks revocation of the signing and TSA chains (spec §8.4); none when absent. */
  readonly revocation?: RevocationChecker;
  /**
   * nuget.config's allowUntrustedRoot for this signature's own certificate: the signature is then
   * judged with allowUntrusted and its untrusted root is not reported at all (no NU3018, no NU3042).
   */
  readonly untrustedRootAllowed?: (certificate: CertificateView) => boolean;
}

/** NuGet's result for one signature: status flags and the issues it logged. */
export interface SignatureEvaluation {
  readonly valid: boolean;
  readonly issues: Issue[];
  /** The chain ends at an untrusted root (and the policy does not allow it). */
  readonly untrustedRoot: boolean;
  /** The certificate was not valid at the signature's time (recorded even when only a warning). */
  readonly expired: boolean;
  /** The chain built for the signing certificate, leaf first (when one was built). */
  readonly chain?: readonly CertificateView[];
  /** The timestamp, when it is valid. */
  readonly timestamp?: TimestampWindow;
}

/**
 * Evaluates one signature the way NuGet's trust-and-validity provider does
 * (nuget-signing-spec.md §5.6, §4.5, §6.4): choose and check the timestamp, then the CMS
 * signature, the certificate requirements, the chain at the timestamp time, and the validity
 * period. A policy flag turns an error into a warning; it never skips a check.
 */
export async function evaluateSignature(
  subject: SignatureUnderTest,
  context: EvaluationContext,
): Promise<SignatureEvaluation> {
  const { policy } = context;
  const issues: Issue[] = [];
  // Every finding says which signature it is about (the report groups them so).
  const which: IssueSignature =
    subject.label === 'primary signature' ? 'primary' : 'countersignature';
  const log = (fatal: boolean, code: NuGetCode, message: string) =>
    issues.push({ ...issue(code, fatal ? 'error' : 'warning', message), signature: which });
  const result = (
    valid: boolean,
    extra: Partial<SignatureEvaluation> = {},
  ): SignatureEvaluation => ({
    valid,
    issues,
    untrustedRoot: false,
    expired: false,
    ...extra,
  });

  // Checks the timestamp: none, too many, or invalid. Without a valid one the signature is judged
  // as of now; with the verify and require policies it is then invalid whatever follows.
  const stampIssues: Issue[] = [];
  const { timestamp, acceptable } = await selectTimestamp(
    subject,
    context,
    (fatal, code, message) => stampIssues.push(issue(code, fatal ? 'error' : 'warning', message)),
    stampIssues,
  );
  issues.push(...aboutSignature(stampIssues, `${which}-timestamp`));
  let valid = acceptable;

  // Checks that the signer's certificate is in the signature.
  const { certificate } = subject;
  if (!certificate) {
    log(
      !policy.allowIllegal,
      'NU3010',
      `The ${subject.label} has no signing certificate: no certificate in the signature matches its signer.`,
    );
    return result(valid && policy.allowIllegal);
  }

  // Checks that the CMS signature verifies; NuGet stops here when it does not.
  const problem = checkSignerSignature(subject.signer, certificate, subject.signedContent);
  if (problem) {
    log(!policy.allowIllegal, 'NU3012', `The ${subject.label} validation failed: ${problem}.`);
    return result(valid && policy.allowIllegal);
  }

  // Checks the signing certificate's properties; these fail the package in every mode, and NuGet
  // builds no chain for a certificate that fails them.
  const requirements = checkCertificateRequirements(certificate, 'signing', context.now);
  if (requirements.length > 0) {
    for (const found of requirements) log(!policy.allowIllegal, found.code, found.message);
    // The timestamp is kept for the reports (the validity phrase says the signature has one).
    return result(false, timestamp ? { timestamp } : {});
  }

  // Checks the chain at the timestamp's upper limit (or now), for code signing.
  const rootExcused = context.untrustedRootAllowed?.(certificate) ?? false;
  const allowUntrusted = policy.allowUntrusted || rootExcused;
  let untrustedRoot = false;
  const { findings, certificates: chain } = checkChain(certificate, subject.certificates, {
    roots: context.trust.codeSigning,
    purpose: 'signing',
    verificationTime: timestamp?.upper ?? context.now,
    nugetOrg: policy.nugetOrg !== undefined,
  });
  for (const found of findings) {
    if (rootExcused && (found.code === 'NU3042' || found.untrustedRoot)) continue;
    if (found.code === 'NU3042') {
      log(false, found.code, found.message);
    } else if (found.untrustedRoot) {
      log(!allowUntrusted, found.code, found.message);
      if (!allowUntrusted) untrustedRoot = true;
    } else {
      log(!policy.allowIllegal, found.code, found.message);
      valid = false;
    }
  }
  if (untrustedRoot) valid = false;

  // Checks that no certificate of the chain is revoked; NuGet stops at a revoked one (§6.4, §8.4).
  if (context.revocation) {
    const revocation = await assessRevocation(context.revocation, chain, {
      purpose: 'signing',
      policy,
      ...(timestamp ? { timestamp } : {}),
    });
    issues.push(...aboutSignature(revocation.issues, which));
    if (revocation.revoked) return result(false, { chain, ...(timestamp ? { timestamp } : {}) });
    if (revocation.unknownNotAllowed) valid = false;
  }

  // Checks that the certificate was valid at the signature's time.
  const expiry = checkValidityPeriod(certificate, timestamp, context.now);
  if (expiry) {
    log(!allowUntrusted, 'NU3037', expiry);
    if (!allowUntrusted) valid = false;
  }
  return result(valid, {
    untrustedRoot,
    expired: expiry !== undefined,
    chain,
    ...(timestamp ? { timestamp } : {}),
  });
}

/**
 * NuGet's timestamp selection (spec §5.6): none is NU3027; more than one is NU3000 unless allowed;
 * the first is checked. Returns the timestamp when it is valid, and whether the signature can still
 * be valid (a missing or broken timestamp fails it unless the policy allows that).
 */
async function selectTimestamp(
  subject: SignatureUnderTest,
  context: EvaluationContext,
  log: (fatal: boolean, code: NuGetCode, message: string) => void,
  issues: Issue[],
): Promise<{ timestamp?: TimestampWindow; acceptable: boolean }> {
  const { policy } = context;
  const [first, ...others] = subject.timestamps;
  if (!first) {
    log(
      !policy.allowNoTimestamp,
      'NU3027',
      `The ${subject.label} is not timestamped: it becomes invalid when its certificate expires. Sign with a timestamp server (--timestamper).`,
    );
    return { acceptable: policy.allowNoTimestamp };
  }
  if (others.length > 0 && !policy.allowMultipleTimestamps) {
    log(
      true,
      'NU3000',
      `The ${subject.label} has ${subject.timestamps.length} timestamps; the policy accepts exactly one.`,
    );
    return { acceptable: false };
  }
  const checked = checkTimestamp(first, subject.signer.signatureValue, {
    now: context.now,
    roots: context.trust.timestamping,
    nugetOrg: policy.nugetOrg !== undefined,
  });
  for (const found of checked.findings) {
    const fatal =
      found.alwaysError === true || (found.code !== 'NU3042' && !policy.allowIgnoreTimestamp);
    log(fatal, found.code, found.message);
  }
  if (checked.valid && checked.window && context.revocation) {
    // A revoked TSA certificate fails the signature whatever the policy (NU3028, Suspect).
    const revocation = await checkTimestampChainRevocation(
      context.revocation,
      { ...checked.window, certificates: first.certificates },
      { roots: context.trust.timestamping, now: context.now, policy },
    );
    issues.push(...revocation.issues);
    if (revocation.revoked) return { acceptable: false };
    if (revocation.unknownNotAllowed) return { acceptable: policy.allowIgnoreTimestamp };
  }
  if (checked.valid && checked.window) return { timestamp: checked.window, acceptable: true };
  return { acceptable: policy.allowIgnoreTimestamp };
}
