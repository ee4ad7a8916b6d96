import { isGlob, literalLength, matchesGlob } from './glob.js';
import type { PackageRule, SignerPolicy } from './model.js';

/**
 * The rule governing a package id. An exact id wins over any glob; among globs the most specific
 * (most literal characters) wins, then the first in the file. Ids compare case-insensitively, as
 * NuGet ids do.
 */
export function findPackageRule(policy: SignerPolicy, packageId: string): PackageRule | undefined {
  const id = packageId.toLowerCase();
  const exact = policy.packages.find((r) => !isGlob(r.id) && r.id.toLowerCase() === id);
  if (exact) return exact;
  let best: PackageRule | undefined;
  for (const rule of policy.packages) {
    if (!isGlob(rule.id) || !matchesGlob(rule.id, packageId)) continue;
    if (!best || literalLength(rule.id) > literalLength(best.id)) best = rule;
  }
  return best;
}

export function ruleMatches(rule: PackageRule, packageId: string): boolean {
  return isGlob(rule.id)
    ? matchesGlob(rule.id, packageId)
    : rule.id.toLowerCase() === packageId.toLowerCase();
}

/** Rules that match none of `packageIds` (a typo, or a package that no longer exists). */
export function rulesMatchingNothing(
  policy: SignerPolicy,
  packageIds: readonly string[],
): PackageRule[] {
  return policy.packages.filter((rule) => !packageIds.some((id) => ruleMatches(rule, id)));
}
