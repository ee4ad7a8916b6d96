import { resolve } from 'node:path';
import { issue, type Issue } from '../../issues.js';
import { inspectCertificateFile } from './der-certificate.js';
import { normalizeFingerprint, shortFingerprint } from './fingerprint.js';
import {
  accountKey,
  type Account,
  type IdentityRule,
  type PackageRule,
  type RegisteredCertificate,
  type SignerPolicy,
} from './model.js';
import type { Locator } from './yaml-locate.js';

/** The shape schema/policy-file.schema.json guarantees. */
interface RawCertificate {
  fingerprint?: string;
  file?: string;
  label?: string;
  expires?: string;
  removed?: boolean;
}
interface RawIdentity {
  subject?: string;
  issuer?: string;
  chainsTo?: string;
}
interface RawAccount {
  certificates?: RawCertificate[];
  identities?: RawIdentity[];
}
interface RawRule {
  id: string;
  owners: string[];
  requiredSigner?: string;
}
export interface RawPolicy {
  accounts: Record<string, RawAccount | null>;
  packages: RawRule[];
  unmatchedPackages?: 'deny' | 'allow';
  trustedRoots?: string[];
  verification?: { preset: string };
}

export interface BuildOptions {
  readonly fileName: string;
  /** Directory that `file:` and `trustedRoots` paths are relative to. */
  readonly baseDir: string;
  /** Reads a certificate file; the only I/O, injected so building stays testable. */
  readonly readCertificateFile?: (absolutePath: string) => Uint8Array;
}

/**
 * Turns schema-valid data into a SignerPolicy, applying the rules a schema cannot express: owners
 * must be declared accounts, the required signer must be an owner, certificate files must be
 * registrable. Collects every problem so the user fixes the file in one go.
 */
export function buildPolicy(
  raw: RawPolicy,
  locator: Locator,
  options: BuildOptions,
): { policy?: SignerPolicy; problems: string[] } {
  const problems: string[] = [];
  const warnings: Issue[] = [];
  const accounts = new Map<string, Account>();

  for (const [name, rawAccount] of Object.entries(raw.accounts)) {
    const certificates = (rawAccount?.certificates ?? []).flatMap((c, i) => {
      const built = buildCertificate(
        c,
        ['accounts', name, 'certificates', i],
        locator,
        options,
        problems,
      );
      return built ? [built] : [];
    });
    const identities = (rawAccount?.identities ?? []).map((r, i): IdentityRule => ({
      ...(r.subject !== undefined && { subject: r.subject }),
      ...(r.issuer !== undefined && { issuer: r.issuer }),
      ...(r.chainsTo !== undefined && { chainsTo: normalizeFingerprint(r.chainsTo) }),
      where: where(locator, options, ['accounts', name, 'identities', i]),
    }));
    reportDuplicateCertificates(name, certificates, locator, problems);
    accounts.set(accountKey(name), {
      name,
      certificates,
      identities,
      where: where(locator, options, ['accounts', name], true),
    });
  }

  warnings.push(...sharedCertificateWarnings(accounts));
  const packages = buildRules(raw.packages, accounts, locator, options, problems);
  if (problems.length > 0) return { problems };

  return {
    problems,
    policy: {
      source: options.fileName,
      accounts,
      packages,
      // A gate refuses what it was not told about: a package without a rule fails unless allowed.
      unmatchedPackages: raw.unmatchedPackages ?? 'deny',
      trustedRoots: (raw.trustedRoots ?? []).map((p) => resolve(options.baseDir, p)),
      ...(raw.verification && { verification: { preset: raw.verification.preset } }),
      loadWarnings: warnings,
    },
  };
}

function buildCertificate(
  raw: RawCertificate,
  path: (string | number)[],
  locator: Locator,
  options: BuildOptions,
  problems: string[],
): RegisteredCertificate | undefined {
  let expires: Date | undefined;
  if (raw.expires !== undefined) {
    expires = new Date(raw.expires);
    if (Number.isNaN(expires.getTime())) {
      problems.push(locator.message([...path, 'expires'], `"${raw.expires}" is not a valid date`));
      return undefined;
    }
  }
  const common = {
    removed: raw.removed ?? false,
    where: where(locator, options, path),
    ...(raw.label !== undefined && { label: raw.label }),
  };
  if (raw.fingerprint !== undefined) {
    return {
      fingerprintSha256: normalizeFingerprint(raw.fingerprint),
      ...common,
      ...(expires && { expires }),
    };
  }
  const file = raw.file ?? '';
  const absolute = resolve(options.baseDir, file);
  try {
    if (!options.readCertificateFile) throw new Error('certificate files cannot be read here');
    const info = inspectCertificateFile(options.readCertificateFile(absolute));
    return {
      fingerprintSha256: info.fingerprintSha256,
      ...common,
      label: raw.label ?? info.subject,
      // The certificate knows its own expiry; a hand-written note only fills in when it is earlier.
      expires: expires && expires < info.notAfter ? expires : info.notAfter,
      file: absolute,
      der: info.der,
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const text = /^(is|PEM)/.test(reason) ? `${file} ${reason}` : `cannot read ${file}: ${reason}`;
    problems.push(locator.message([...path, 'file'], text));
    return undefined;
  }
}

function reportDuplicateCertificates(
  account: string,
  certificates: readonly RegisteredCertificate[],
  locator: Locator,
  problems: string[],
): void {
  const seen = new Map<string, number>();
  certificates.forEach((c, i) => {
    const first = seen.get(c.fingerprintSha256);
    if (first === undefined) seen.set(c.fingerprintSha256, i);
    else
      problems.push(
        locator.message(
          ['accounts', account, 'certificates', i],
          `certificate ${shortFingerprint(c.fingerprintSha256)} is already listed at certificates[${first}]`,
        ),
      );
  });
}

/** nuget.org allows one certificate on several accounts; we only point it out. */
function sharedCertificateWarnings(accounts: ReadonlyMap<string, Account>): Issue[] {
  const holders = new Map<string, string[]>();
  for (const account of accounts.values()) {
    for (const c of account.certificates.filter((c) => !c.removed)) {
      holders.set(c.fingerprintSha256, [...(holders.get(c.fingerprintSha256) ?? []), account.name]);
    }
  }
  return [...holders.entries()]
    .filter(([, names]) => names.length > 1)
    .map(([fingerprint, names]) =>
      issue(
        'NUPKG005',
        'warning',
        `certificate ${shortFingerprint(fingerprint)} is registered to ${names.join(' and ')}; nuget.org allows this, but check that it is intended`,
      ),
    );
}

function buildRules(
  rules: readonly RawRule[],
  accounts: ReadonlyMap<string, Account>,
  locator: Locator,
  options: BuildOptions,
  problems: string[],
): PackageRule[] {
  const seenIds = new Map<string, number>();
  return rules.map((rule, index) => {
    const path = ['packages', index];
    const firstIndex = seenIds.get(rule.id.toLowerCase());
    if (firstIndex !== undefined) {
      problems.push(
        locator.message(
          [...path, 'id'],
          `"${rule.id}" already has a rule at packages[${firstIndex}] (package ids are case-insensitive)`,
        ),
      );
    } else seenIds.set(rule.id.toLowerCase(), index);

    const owners: string[] = [];
    rule.owners.forEach((owner, i) => {
      const account = accounts.get(accountKey(owner));
      if (!account)
        problems.push(
          locator.message(
            [...path, 'owners', i],
            `unknown owner "${owner}": declare it under accounts`,
          ),
        );
      else if (owners.includes(account.name))
        problems.push(
          locator.message(
            [...path, 'owners', i],
            `"${owner}" is listed twice (usernames are case-insensitive)`,
          ),
        );
      else owners.push(account.name);
    });

    let requiredSigner = 'any';
    const wanted = rule.requiredSigner;
    if (wanted !== undefined && wanted.toLowerCase() !== 'any') {
      const match = owners.find((o) => accountKey(o) === accountKey(wanted));
      if (match) requiredSigner = match;
      else
        problems.push(
          locator.message(
            [...path, 'requiredSigner'],
            `"${wanted}" is not an owner of ${rule.id} (owners: ${rule.owners.join(', ')}); use one of them or "any"`,
          ),
        );
    }
    return { id: rule.id, owners, requiredSigner, where: where(locator, options, path) };
  });
}

function where(
  locator: Locator,
  options: BuildOptions,
  path: (string | number)[],
  atKey = false,
): string {
  const line = locator.line(path, atKey);
  return line === undefined ? options.fileName : `${options.fileName}:${line}`;
}
