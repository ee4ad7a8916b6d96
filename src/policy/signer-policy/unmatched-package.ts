import { issue } from '../../issues.js';
import { POLICY_NOTICE_CODE } from './explain.js';
import type { SignerPolicyDecision } from './evaluate.js';
import type { SignatureFacts } from './facts.js';
import type { SignerPolicy } from './model.js';
import { matchRegistration } from './registration.js';

/**
 * A package that no rule under `packages` matches. A gate refuses what it was not told about, so
 * by default (`unmatchedPackages: deny`) it fails, and the message shows the rule to add, in the
 * schema's shape, with the owner filled in when the signing certificate is registered to one of
 * the declared accounts. `unmatchedPackages: allow` keeps the notice-only behaviour.
 */
export function unmatchedPackageDecision(
  policy: SignerPolicy,
  facts: SignatureFacts,
): SignerPolicyDecision {
  const id = facts.packageId;
  if (policy.unmatchedPackages === 'allow') {
    const message = `${id}: no rule in ${policy.source} matches this package id, so the signer was not checked (unmatchedPackages: allow); add it under packages to check it`;
    return {
      accepted: true,
      issues: [issue(POLICY_NOTICE_CODE, 'info', message)],
      rule: 'no policy for this package',
    };
  }
  const { owners, why } = suggestedOwners(policy, facts);
  const rule = `- { id: ${yamlScalar(id)}, owners: [${owners.map(yamlScalar).join(', ')}] }`;
  const message = `${id}: no rule in ${policy.source} matches this package id, and packages without a rule are refused (unmatchedPackages: deny, the default). Add a rule under packages, such as: ${rule}${why}; or set "unmatchedPackages: allow" to let packages without a rule pass unchecked`;
  return {
    accepted: false,
    issues: [issue(POLICY_NOTICE_CODE, 'error', message)],
    rule: 'no policy rule for this package; packages without one are refused',
  };
}

function suggestedOwners(
  policy: SignerPolicy,
  facts: SignatureFacts,
): { owners: string[]; why: string } {
  const certificate = facts.primary?.kind === 'author' ? facts.primary.certificate : undefined;
  if (certificate) {
    const registered = [...policy.accounts.values()].filter((account) => {
      const match = matchRegistration(account, certificate);
      return match !== undefined && match.kind !== 'removed';
    });
    if (registered.length > 0) {
      return {
        owners: registered.map((a) => a.name),
        why: ` (its signing certificate is registered to ${registered.map((a) => a.name).join(' and ')})`,
      };
    }
  }
  return {
    owners: ['OWNER'],
    why: ', where OWNER is the nuget.org account that owns the package, declared under accounts',
  };
}

/** A plain YAML scalar when the text is a package id's characters, else a quoted one. */
function yamlScalar(text: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(text) ? text : JSON.stringify(text);
}
