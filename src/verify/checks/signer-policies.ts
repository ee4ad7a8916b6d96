import type { NuGetSigningConfig } from '../../policy/nuget-config.js';
import { checkTrustedSigners } from '../../policy/nuget-config.js';
import type { VerificationPolicy } from '../../policy/verification-policy.js';
import {
  checkRepositorySignature,
  type RepositoryCertificateList,
} from '../../policy/repository-certificates.js';
import {
  evaluateSignerPolicy,
  type SignatureFacts,
  type SignerPolicy,
} from '../../policy/signer-policy/index.js';
import type { Issue } from '../../issues.js';

export interface SignerPolicies {
  /** nuget.config trustedSigners and signatureValidationMode (spec §6.8). */
  readonly nugetConfig?: NuGetSigningConfig;
  /** A RepositorySignatures list (spec §9.5), e.g. nuget.org's. */
  readonly repositoryCertificates?: RepositoryCertificateList;
  /** Registered certificates, owners and required signers: "would nuget.org accept this?" */
  readonly signerPolicy?: SignerPolicy;
}

/**
 * Checks who signed against the lists the user declared: nuget.config trusted signers, the
 * repository's published certificates, and the signer policy file. Each returns coded issues; a
 * package passes when none of them rejects it.
 */
export function checkSignerPolicies(
  facts: SignatureFacts,
  policies: SignerPolicies,
  context: { readonly policy: VerificationPolicy; readonly now: Date },
): { accepted: boolean; issues: Issue[]; rule?: string } {
  const issues: Issue[] = [];
  let rule: string | undefined;
  if (policies.nugetConfig) {
    issues.push(
      ...checkTrustedSigners(policies.nugetConfig, facts, {
        allowUntrusted: context.policy.allowUntrusted,
      }),
    );
  }
  if (policies.repositoryCertificates) {
    issues.push(
      ...checkRepositorySignature(facts, policies.repositoryCertificates, {
        allowUntrusted: context.policy.allowUntrusted,
      }),
    );
  }
  let accepted = !issues.some((i) => i.level === 'error');
  if (policies.signerPolicy) {
    const decision = evaluateSignerPolicy(
      policies.signerPolicy,
      facts,
      context.now,
      context.policy.nugetOrg,
    );
    issues.push(...decision.issues);
    rule = decision.rule;
    accepted &&= decision.accepted;
  }
  return { accepted, issues, ...(rule ? { rule } : {}) };
}
