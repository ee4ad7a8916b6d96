import type { ErrorCode } from '../../codes.js';
import { shortFingerprint } from './fingerprint.js';
import type { Account, PackageRule } from './model.js';
import { activeCertificates, describeIdentity } from './registration.js';

/**
 * Wording shared by the decision and `policy check`. Every message names the rule that decided
 * and says what to do, because the reader is usually looking at a failed CI run.
 */

/**
 * Code for policy findings NuGet has no NU code for (no rule for a package, certificate expiring
 * soon). errors.ts has no dedicated "policy" code yet; NUPKG005 (configuration) is the closest.
 */
export const POLICY_NOTICE_CODE: ErrorCode = 'NUPKG007';

export const EXPIRY_WARNING_DAYS = 30;

export function ruleReference(rule: PackageRule): string {
  return `policy rule "${rule.id}" at ${rule.where}`;
}

export function requiredSignerText(rule: PackageRule): string {
  if (rule.requiredSigner !== 'any') return `required signer: ${rule.requiredSigner}`;
  if (rule.owners.length === 1) return `required signer: ${rule.owners[0] ?? ''} (sole owner)`;
  return 'required signer: any owner';
}

/** "contoso (3F90…0ECE "release", identity rule (...))" — what the account can sign with. */
export function registeredText(account: Account): string {
  const items = [
    ...activeCertificates(account).map(
      (c) => shortFingerprint(c.fingerprintSha256) + (c.label ? ` "${c.label}"` : ''),
    ),
    ...account.identities.map(describeIdentity),
  ];
  return items.length === 0
    ? `${account.name} (no registered certificate)`
    : `${account.name} (${items.join(', ')})`;
}

export function namesList(accounts: readonly Account[]): string {
  const names = accounts.map((a) => a.name);
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1] ?? ''}`;
}

export const REGISTER_HINT =
  'register it on nuget.org (Account or Organization settings → Certificates → Register new certificate, a DER .cer file)';

/** Days from `now` to `date`, rounded down; negative when past. */
export function daysUntil(date: Date, now: Date): number {
  return Math.floor((date.getTime() - now.getTime()) / 86_400_000);
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
