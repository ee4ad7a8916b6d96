import { NupkgSigningError, describeError } from '../errors.js';
import type { CertificateView } from '../signature/certificate.js';
import type { CountersignatureView, PrimarySignature } from '../signature/primary-signature.js';
import { checkValidityPeriod, describeValidity } from './checks/validity-period.js';
import { readSignerAttributes, type SignerAttributes } from './checks/signature-attributes.js';
import {
  evaluateSignature,
  type EvaluationContext,
  type SignatureEvaluation,
} from './evaluate-signature.js';
import { aboutSignature, issue, type Issue } from '../issues.js';
import { summarizeSignature, type SignatureSummary } from './signature-summary.js';

export interface TrustAndValidity {
  readonly valid: boolean;
  readonly issues: Issue[];
  readonly signatures: SignatureSummary[];
  /** The primary signature's evaluation, when the policy targets it. */
  readonly primary?: SignatureEvaluation;
  /** The repository countersignature, when it was evaluated. */
  readonly countersignature?: EvaluatedCountersignature;
}

export interface EvaluatedCountersignature {
  readonly evaluation: SignatureEvaluation;
  readonly certificate: CertificateView | undefined;
  readonly attributes: SignerAttributes;
}

/**
 * NuGet's trust-and-validity provider (nuget-signing-spec.md §6.3–§6.5): evaluates the primary
 * signature when the policy targets its type, then the repository countersignature when the
 * policy's behaviour asks for it; a valid countersignature vouches for a primary signature whose
 * only problems are an untrusted root or an expired certificate.
 */
export async function verifyTrustAndValidity(
  signature: PrimarySignature,
  primaryCertificate: CertificateView | undefined,
  context: EvaluationContext,
): Promise<TrustAndValidity> {
  const { policy } = context;
  const issues: Issue[] = [];
  const primaryTargeted =
    policy.signaturePlacement !== 'countersignature' &&
    policy.verificationTarget[signature.signatureType];
  let primary: SignatureEvaluation | undefined;
  if (primaryTargeted) {
    primary = await evaluateSignature(
      {
        label: 'primary signature',
        signer: signature.signer,
        certificate: primaryCertificate,
        signedContent: signature.content ?? new Uint8Array(),
        timestamps: signature.timestamps,
        certificates: signature.certificates,
      },
      context,
    );
  } else if (policy.signaturePlacement === 'primary' || !signature.countersignatures.length) {
    issues.push(
      issue(
        'NU3000',
        'error',
        policy.nugetOrg
          ? `nuget.org accepts only packages whose primary signature is an author signature (it adds its own repository countersignature after upload); this one is a ${signature.signatureType} signature. Author-sign the package with a certificate registered on nuget.org, or push it unsigned where the owners' registrations allow unsigned packages.`
          : `The policy '${policy.name}' does not accept ${signature.signatureType} primary signatures.`,
      ),
    );
  }

  const counter = await evaluateCountersignature(signature, primary, context);
  const primaryIssues = primary
    ? rescuedIssues(primary, counter, primaryCertificate, context)
    : { valid: true, issues: [] };
  issues.push(...primaryIssues.issues, ...(counter?.issues ?? []));
  const summaries: SignatureSummary[] = [];
  if (primaryCertificate) {
    const validity = primary && primaryValidity(primary, counter, primaryCertificate, context.now);
    summaries.push({
      ...summarizeSignature(
        'primary',
        signature.signatureType,
        primaryCertificate,
        primary?.timestamp,
        primary?.chain,
      ),
      ...(validity ? { validity } : {}),
    });
  }
  if (counter?.summary) summaries.push(counter.summary);
  return {
    valid: (primary ? primaryIssues.valid : issues.length === 0) && (counter?.valid ?? true),
    issues,
    signatures: summaries,
    ...(primary ? { primary } : {}),
    ...(counter?.evaluated ? { countersignature: counter.evaluated } : {}),
  };
}

interface CountersignatureResult {
  readonly valid: boolean;
  readonly issues: Issue[];
  readonly evaluated?: EvaluatedCountersignature;
  readonly summary?: SignatureSummary;
}

/** Evaluates the repository countersignature when the policy's behaviour calls for it (§6.5). */
async function evaluateCountersignature(
  signature: PrimarySignature,
  primary: SignatureEvaluation | undefined,
  context: EvaluationContext,
): Promise<CountersignatureResult | undefined> {
  const { policy } = context;
  if (!policy.verificationTarget.repository || policy.signaturePlacement === 'primary')
    return undefined;
  const behavior = policy.repositoryCountersignatureBehavior;
  if (behavior === 'never') return undefined;
  // For a repository primary signature NuGet's "has a repository countersignature" answers no.
  const present =
    signature.signatureType !== 'repository' && signature.repositoryCountersignatures.length > 0;
  if (!present) {
    return behavior === 'always'
      ? {
          valid: false,
          issues: [
            {
              ...issue(
                'NU3038',
                'error',
                'The package has no repository countersignature, which the policy requires.',
              ),
              signature: 'countersignature',
            },
          ],
        }
      : undefined;
  }
  const necessary = !primary || (!primary.valid && primary.untrustedRoot) || primary.expired;
  if (behavior === 'ifExistsAndIsNecessary' && !necessary) return undefined;

  try {
    const counter = readRepositoryCountersignature(signature);
    const evaluation = await evaluateSignature(
      {
        label: 'repository countersignature',
        signer: counter.view.signer,
        certificate: counter.certificate,
        signedContent: signature.signer.signatureValue,
        timestamps: counter.view.timestamps,
        certificates: signature.certificates,
      },
      context,
    );
    return {
      valid: evaluation.valid,
      issues: evaluation.issues,
      evaluated: { evaluation, certificate: counter.certificate, attributes: counter.attributes },
      ...(counter.certificate
        ? {
            summary: withValidity(
              summarizeSignature(
                'countersignature',
                'repository',
                counter.certificate,
                evaluation.timestamp,
                evaluation.chain,
              ),
              describeValidity(counter.certificate, evaluation.timestamp, context.now),
            ),
          }
        : {}),
    };
  } catch (error) {
    if (!(error instanceof NupkgSigningError)) throw error;
    return {
      valid: policy.allowIllegal,
      issues: aboutSignature(
        [issue(error.code, policy.allowIllegal ? 'warning' : 'error', describeError(error))],
        'countersignature',
      ),
    };
  }
}

function withValidity(summary: SignatureSummary, validity: string | undefined): SignatureSummary {
  return validity ? { ...summary, validity } : summary;
}

/**
 * The primary certificate's validity phrase: by its own timestamp, or, when a valid repository
 * countersignature's timestamp is what keeps an expired certificate valid (§6.5), by that one.
 */
function primaryValidity(
  primary: SignatureEvaluation,
  counter: CountersignatureResult | undefined,
  certificate: CertificateView,
  now: Date,
): string | undefined {
  const counterStamp = counter?.valid ? counter.evaluated?.evaluation.timestamp : undefined;
  if (
    primary.expired &&
    counterStamp &&
    checkValidityPeriod(certificate, counterStamp, now) === undefined
  ) {
    return describeValidity(certificate, counterStamp, now, 'countersigned');
  }
  return describeValidity(certificate, primary.timestamp, now);
}

/** Looks the repository countersignature up as NuGet does: NU3032, NU3033, NU3031. */
function readRepositoryCountersignature(signature: PrimarySignature): {
  view: CountersignatureView;
  certificate: CertificateView | undefined;
  attributes: SignerAttributes;
} {
  if (signature.repositoryCountersignatures.length > 1) {
    throw new NupkgSigningError(
      'NU3032',
      'The package has more than one repository countersignature.',
    );
  }
  if (signature.signatureType === 'repository') {
    throw new NupkgSigningError(
      'NU3033',
      'A repository primary signature must not have a repository countersignature.',
    );
  }
  const view = signature.repositoryCountersignatures[0] as CountersignatureView;
  // The client checks signing-time and the repository attributes here; ESS only on nuget.org.
  const attributes = readSignerAttributes(view.signer, undefined, 'NU3031');
  return {
    view,
    attributes,
    certificate: view.signer.findSignerCertificate(signature.certificates),
  };
}

/**
 * A valid repository countersignature removes the primary's untrusted-root finding, and its
 * expiry finding when the countersignature's timestamp falls inside the primary certificate's
 * validity (§6.5).
 */
function rescuedIssues(
  primary: SignatureEvaluation,
  counter: CountersignatureResult | undefined,
  primaryCertificate: CertificateView | undefined,
  context: EvaluationContext,
): { valid: boolean; issues: Issue[] } {
  const evaluation = counter?.valid ? counter.evaluated?.evaluation : undefined;
  if (!evaluation) return { valid: primary.valid, issues: primary.issues };
  const stillExpired =
    primary.expired &&
    (!primaryCertificate ||
      !evaluation.timestamp ||
      checkValidityPeriod(primaryCertificate, evaluation.timestamp, context.now) !== undefined);
  // NuGet removes exactly these findings; an NU3042 note about the root stays.
  const removed = new Set(['NU3018', ...(stillExpired ? [] : ['NU3037'])]);
  const issues = primary.issues.filter((i) => !removed.has(i.code));
  const otherErrors = issues.some((i) => i.level === 'error');
  return { valid: primary.valid || (!otherErrors && !stillExpired), issues };
}
