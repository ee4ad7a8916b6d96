import { issue, type Issue } from '../../verify/result.js';
import type { XmlElement } from '../../xml/element-tree.js';

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
  readonly kind: 'author' | 'repository';
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

export function readTrustedSigners(section: XmlElement): TrustedSigner[] {
  let signers: TrustedSigner[] = [];
  for (const child of section.children) {
    if (child.name === 'clear')
      signers = []; // <clear /> drops what came before, as in every NuGet section
    else if (child.name === 'author' || child.name === 'repository')
      signers.push(readSigner(child));
    // NuGet keeps other elements as unknown items and ignores them for verification.
  }
  return signers;
}

function readSigner(element: XmlElement): TrustedSigner {
  const kind = element.name as 'author' | 'repository';
  const name = required(element, 'name');
  const serviceIndex = kind === 'repository' ? required(element, 'serviceIndex') : undefined;
  const certificates = element.children
    .filter((c) => c.name === 'certificate')
    .map(readCertificate);
  if (certificates.length === 0) {
    throw new ConfigProblem(
      `trusted signer "${name}" has no <certificate>; a trusted signer must have at least one`,
      element.line,
    );
  }
  const ownersElements = element.children.filter((c) => c.name === 'owners');
  if (ownersElements.length > 0 && kind === 'author') {
    throw new ConfigProblem(
      `author "${name}" has <owners>; only repository signers have owners`,
      element.line,
    );
  }
  if (ownersElements.length > 1) {
    throw new ConfigProblem(
      `repository "${name}" has more than one <owners> element`,
      ownersElements[1]?.line ?? element.line,
    );
  }
  const owners = ownersElements[0] ? readOwners(ownersElements[0]) : [];
  return {
    kind,
    name,
    ...(serviceIndex !== undefined && { serviceIndex }),
    certificates,
    owners,
    line: element.line,
  };
}

function readCertificate(element: XmlElement): TrustedSignerCertificate {
  const fingerprint = required(element, 'fingerprint');
  const algorithmText = required(element, 'hashAlgorithm');
  const allowUntrustedRoot = required(element, 'allowUntrustedRoot');
  // Enum.TryParse(ignoreCase): any case, surrounding whitespace tolerated.
  const hashAlgorithm = HASH_ALGORITHMS.find((a) => a === algorithmText.trim().toUpperCase());
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
