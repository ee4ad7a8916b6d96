import { issue, type Issue } from '../../issues.js';
import type { XmlElement } from '../../xml/element-tree.js';
import type { KnownSignatureType } from '../../issues.js';

/**
 * The `trustedSigners` section with NuGet's reading rules (nuget-signing-spec.md §6.8; NuGet.Client
 * CertificateItem, TrustedSignerItem, RepositoryItem, OwnersItem, TrustedSignersProvider).
 */

export type TrustedSignerHashAlgorithm = 'SHA1' | 'SHA256' | 'SHA384' | 'SHA512';

export interface TrustedSignerCertificate {
  /** As written: NuGet compares it case-insensitively for matching, but ordinally elsewhere. */
  readonly fingerprint: string;
  readonly hashAlgorithm: TrustedSignerHashAlgorithm;
  readonly allowUntrustedRoot: boolean;
  readonly line: number;
}

export interface TrustedSigner {
  readonly kind: KnownSignatureType;
  readonly name: string;
  /** Repository items only; not used during verification (only by `dotnet nuget trust sync`). */
  readonly serviceIndex?: string;
  readonly certificates: readonly TrustedSignerCertificate[];
  /** Repository items only: `<owners>` split on ";" and trimmed, as NuGet does. */
  readonly owners: readonly string[];
  readonly line: number;
}

/** One merged allow-list entry, as TrustedSignersProvider.GetAllowListEntries builds them. */
export interface TrustedSignerEntry {
  readonly fingerprint: string;
  readonly hashAlgorithm: TrustedSignerHashAlgorithm;
  /** Targets and placements are OR-ed across merged items, independently of each other. */
  readonly targetsAuthor: boolean;
  readonly targetsRepository: boolean;
  readonly placementPrimary: boolean;
  readonly placementCountersignature: boolean;
  /** Undefined when no repository item contributed; owners of repository items are unioned. */
  readonly owners?: readonly string[];
  readonly allowUntrustedRoot: boolean;
}

/** Problems that make NuGet refuse the whole config file; the caller turns them into NUPKG005. */
export class ConfigProblem extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const HASH_ALGORITHMS: readonly TrustedSignerHashAlgorithm[] = [
  'SHA1',
  'SHA256',
  'SHA384',
  'SHA512',
];

/**
 * SettingFactory.ParseChildren: every child is parsed first (a broken one fails the file even when
 * it is a duplicate), then duplicates by key are dropped keeping the first, and only then does
 * `<clear />` drop what came before it — a second `<clear />` being itself a duplicate of the first.
 */
export function readTrustedSigners(section: XmlElement): TrustedSigner[] {
  return readTrustedSignerItems(section).signers;
}

/** The same, saying whether the section kept a `<clear />` (it clears further files' items). */
export function readTrustedSignerItems(section: XmlElement): {
  cleared: boolean;
  signers: TrustedSigner[];
} {
  const parsed = section.children.map((child) => ({
    child,
    signer: isItem(child, 'author') || isItem(child, 'repository') ? readSigner(child) : undefined,
  }));
  let signers: TrustedSigner[] = [];
  let cleared = false;
  for (const { child, signer } of firstOfEachKey(parsed)) {
    if (isItem(child, 'clear')) {
      signers = [];
      cleared = true;
    } else if (signer) signers.push(signer);
    // NuGet keeps other elements as unknown items and ignores them for verification.
  }
  return { cleared, signers };
}

/**
 * SettingFactory recognises an item by its element name in any case (Enum.TryParse ignoreCase):
 * `<Author>`, `<CERTIFICATE>` and `<Clear/>` are items like their lowercase spellings.
 */
export function isItem(element: XmlElement, name: string): boolean {
  return element.name.toLowerCase() === name;
}

/** The items NuGet keeps from a list of siblings: the first of each settingKey. */
export function firstOfEachKey<T extends { readonly child: XmlElement }>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter(({ child }) => {
    const key = settingKey(child);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * SettingElementKeyComparer: the element name followed by its attribute values in document order,
 * compared case-insensitively (so `<author name="A">` and `<author name="a">` are the same item).
 */
export function settingKey(element: XmlElement): string {
  return `${element.name}${[...element.attributes.values()].join('')}`.toUpperCase();
}

function readSigner(element: XmlElement): TrustedSigner {
  const kind = isItem(element, 'author') ? 'author' : 'repository';
  const name = required(element, 'name');
  const serviceIndex = kind === 'repository' ? required(element, 'serviceIndex') : undefined;
  const certificates = element.children
    .filter((c) => isItem(c, 'certificate'))
    .map(readCertificate);
  if (certificates.length === 0) {
    throw new ConfigProblem(
      `trusted signer "${name}" has no <certificate>; a trusted signer must have at least one`,
      element.line,
    );
  }
  const ownersElements = element.children.filter((c) => isItem(c, 'owners'));
  // NuGet parses every child, so an <owners> must be well-formed even where it is ignored.
  const owners = ownersElements.map(readOwners);
  if (kind === 'author') {
    // AuthorItem keeps only the certificates of what it parsed: owners of an author are ignored.
    return { kind, name, certificates, owners: [], line: element.line };
  }
  if (ownersElements.length > 1) {
    throw new ConfigProblem(
      `repository "${name}" has more than one <owners> element`,
      ownersElements[1]?.line ?? element.line,
    );
  }
  return {
    kind,
    name,
    ...(serviceIndex !== undefined && { serviceIndex }),
    certificates,
    owners: owners[0] ?? [],
    line: element.line,
  };
}

function readCertificate(element: XmlElement): TrustedSignerCertificate {
  const fingerprint = required(element, 'fingerprint');
  const algorithmText = required(element, 'hashAlgorithm');
  const allowUntrustedRoot = required(element, 'allowUntrustedRoot');
  // Enum.TryParse(ignoreCase): any case, surrounding whitespace tolerated.
  const hashAlgorithm = HASH_ALGORITHMS.find((a) => a === algorithmText.trim().toUpperCase());
  // NuGet reads SHA1 but throws "Hash algorithm 'SHA1' is unsupported" the first time it hashes a
  // certificate with it, which stops `nuget verify`: refused here, before any package is judged.
  if (hashAlgorithm === 'SHA1') {
    throw new ConfigProblem(
      `Hash algorithm '${algorithmText}' is unsupported: dotnet nuget verify stops on this entry. Use SHA256, SHA384 or SHA512`,
      element.line,
    );
  }
  if (!hashAlgorithm) {
    throw new ConfigProblem(
      `unsupported hashAlgorithm "${algorithmText}" (use SHA256, SHA384 or SHA512)`,
      element.line,
    );
  }
  return {
    fingerprint,
    hashAlgorithm,
    allowUntrustedRoot: parseDotNetBoolean(allowUntrustedRoot),
    line: element.line,
  };
}

function readOwners(element: XmlElement): string[] {
  if (element.children.length > 0 || element.text.trim() === '') {
    throw new ConfigProblem(
      '<owners> must contain only text: owner names separated by ";"',
      element.line,
    );
  }
  return element.text.split(';').map((o) => o.trim());
}

/** bool.TryParse: "true"/"false" in any case, trimmed; anything else reads as false. */
function parseDotNetBoolean(text: string): boolean {
  return text.trim().toLowerCase() === 'true';
}

function required(element: XmlElement, attribute: string): string {
  const value = element.attributes.get(attribute);
  if (value === undefined || value === '') {
    throw new ConfigProblem(
      `<${element.name}> is missing the required attribute "${attribute}"`,
      element.line,
    );
  }
  return value;
}

/**
 * Merges certificates by (hashAlgorithm, fingerprint) — the fingerprint compared ordinally, as
 * NuGet's dictionary key is — OR-ing targets and placements and unioning owners. Conflicting
 * allowUntrustedRoot values produce NU3040 and the restrictive `false`.
 */
export function mergeAllowList(signers: readonly TrustedSigner[]): {
  entries: TrustedSignerEntry[];
  issues: Issue[];
} {
  const entries = new Map<string, TrustedSignerEntry>();
  const issues: Issue[] = [];
  for (const signer of signers) {
    const repository = signer.kind === 'repository';
    for (const certificate of signer.certificates) {
      const key = `${certificate.hashAlgorithm}-${certificate.fingerprint}`;
      const existing = entries.get(key);
      if (!existing) {
        entries.set(key, {
          fingerprint: certificate.fingerprint,
          hashAlgorithm: certificate.hashAlgorithm,
          targetsAuthor: !repository,
          targetsRepository: repository,
          placementPrimary: true,
          placementCountersignature: repository,
          ...(repository && { owners: [...signer.owners] }),
          allowUntrustedRoot: certificate.allowUntrustedRoot,
        });
        continue;
      }
      let allowUntrustedRoot = existing.allowUntrustedRoot;
      if (existing.allowUntrustedRoot !== certificate.allowUntrustedRoot) {
        issues.push(
          issue(
            'NU3040',
            'warning',
            `There are two certificates with conflicting allowUntrustedRoot attributes in the computed settings. The allowUntrustedRoot attribute is going to be set to false. Certificate: ${key} (line ${certificate.line})`,
          ),
        );
        allowUntrustedRoot = false;
      }
      const owners = repository
        ? [...new Set([...(existing.owners ?? []), ...signer.owners])]
        : existing.owners;
      entries.set(key, {
        ...existing,
        targetsAuthor: existing.targetsAuthor || !repository,
        targetsRepository: existing.targetsRepository || repository,
        placementCountersignature: existing.placementCountersignature || repository,
        ...(owners !== undefined && { owners }),
        allowUntrustedRoot,
      });
    }
  }
  return { entries: [...entries.values()], issues };
}
