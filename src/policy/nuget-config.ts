import { NupkgSigningError } from '../errors.js';
import { readBoundedFileSync } from '../files/read-bounded-file.js';
import { LIMITS } from '../limits.js';
import { issue, type Issue } from '../issues.js';
import { algorithmOf, matchingEntry } from './nuget-config/match.js';
import {
  ConfigProblem,
  firstOfEachKey,
  isItem,
  mergeAllowList,
  readTrustedSignerItems,
  type TrustedSigner,
  type TrustedSignerEntry,
} from './nuget-config/trusted-signers.js';
import {
  certificateHash,
  type CertificateFacts,
  type SignatureFacts,
} from './signer-policy/facts.js';
import { shortFingerprint } from './signer-policy/fingerprint.js';
import { decodeXml } from '../xml/decode.js';
import { readXmlTree, type XmlElement } from '../xml/element-tree.js';
import { XmlSyntaxError } from '../xml/errors.js';

export type {
  TrustedSigner,
  TrustedSignerCertificate,
  TrustedSignerEntry,
  TrustedSignerHashAlgorithm,
} from './nuget-config/trusted-signers.js';

/**
 * The signing part of one nuget.config file: `signatureValidationMode` and `trustedSigners`, read
 * and applied with NuGet's semantics (nuget-signing-spec.md §6.8). Several files (the hierarchy
 * NuGet reads without --configfile, found by nuget-config/discover.ts) merge as NuGet merges them.
 *
 * Certificate hashes other than SHA-256 come from CertificateFacts.fingerprints, or are computed
 * from CertificateFacts.der; without either, SHA-384/512/1 entries cannot match.
 */

export type SignatureValidationMode = 'accept' | 'require';

export interface NuGetSigningConfig {
  readonly file: string;
  readonly signatureValidationMode: SignatureValidationMode;
  readonly trustedSigners: readonly TrustedSigner[];
  /** Merged by (hashAlgorithm, fingerprint), as NuGet evaluates them. */
  readonly allowList: readonly TrustedSignerEntry[];
  /** Found while reading: NU3040 for conflicting allowUntrustedRoot. */
  readonly issues: readonly Issue[];
}

/**
 * Reads and parses one nuget.config: a regular file of at most LIMITS.maxNuGetConfigBytes (checked
 * while reading), decoded by its byte order mark or XML declaration as NuGet's XmlReader does.
 */
export function loadNuGetConfig(path: string): NuGetSigningConfig {
  return mergeNuGetConfigLayers([loadNuGetConfigLayer(path)], path);
}

/** Parses nuget.config text; a file NuGet would refuse throws NUPKG005 naming the line. */
export function parseNuGetConfig(xml: string, file: string): NuGetSigningConfig {
  return mergeNuGetConfigLayers([parseNuGetConfigLayer(xml, file)], file);
}

/**
 * What one file contributes to the merged settings (docs/nuget-config-trust.md §7): its
 * `signatureValidationMode` and its `trustedSigners` items, each with whether the section holds a
 * `<clear />` (which, in a file closer to the working directory, drops what further files gave).
 */
export interface NuGetConfigLayer {
  readonly file: string;
  readonly validationMode?: { readonly cleared: boolean; readonly value?: string };
  readonly trustedSigners?: {
    readonly cleared: boolean;
    readonly signers: readonly TrustedSigner[];
  };
}

/** Reads one file of the hierarchy like loadNuGetConfig, without merging it with anything. */
export function loadNuGetConfigLayer(path: string): NuGetConfigLayer {
  const bytes = readBoundedFileSync(path, {
    maxBytes: LIMITS.maxNuGetConfigBytes,
    code: 'NUPKG005',
    what: 'nuget.config',
  });
  let text: string;
  try {
    text = decodeXml(bytes);
  } catch (error) {
    throw configError(error, path);
  }
  return parseNuGetConfigLayer(text, path);
}

/** Parses one file's signing sections; a file NuGet would refuse throws NUPKG005. */
export function parseNuGetConfigLayer(xml: string, file: string): NuGetConfigLayer {
  try {
    const root = readXmlTree(xml);
    if (root.name !== 'configuration')
      throw new ConfigProblem(
        `the root element must be <configuration>, not <${root.name}>`,
        root.line,
      );
    const trustedSigners = firstSection(root, 'trustedSigners');
    const config = firstSection(root, 'config');
    return {
      file,
      ...(config && { validationMode: validationModeItem(config) }),
      ...(trustedSigners && { trustedSigners: readTrustedSignerItems(trustedSigners) }),
    };
  } catch (error) {
    throw configError(error, file);
  }
}

/**
 * Settings' merge (VirtualSettingSection.Merge), from the furthest file to the closest: a closer
 * item replaces the same item (an author by its name, a repository by name and serviceIndex, both
 * compared ordinally as AuthorItem/RepositoryItem.Equals do), and a closer `<clear />` drops every
 * item merged before it. `file` names the merged settings in messages.
 */
export function mergeNuGetConfigLayers(
  closestFirst: readonly NuGetConfigLayer[],
  file: string,
): NuGetSigningConfig {
  // Keyed by item identity; a replaced item moves to the end. Linear in the number of items.
  const signers = new Map<string, TrustedSigner>();
  let mode: string | undefined;
  for (const layer of [...closestFirst].reverse()) {
    if (layer.trustedSigners) {
      if (layer.trustedSigners.cleared) signers.clear();
      for (const signer of layer.trustedSigners.signers) {
        const key = itemKey(signer);
        signers.delete(key);
        signers.set(key, signer);
      }
    }
    if (layer.validationMode) {
      if (layer.validationMode.cleared) mode = undefined;
      if (layer.validationMode.value !== undefined) mode = layer.validationMode.value;
    }
  }
  const merged = [...signers.values()];
  const { entries, issues } = mergeAllowList(merged);
  return {
    file,
    signatureValidationMode: parseValidationMode(mode),
    trustedSigners: merged,
    allowList: entries,
    issues,
  };
}

/** AuthorItem/RepositoryItem equality: kind, then name and serviceIndex, ordinal (JSON keeps them apart). */
function itemKey(signer: TrustedSigner): string {
  return JSON.stringify([signer.kind, signer.name, signer.serviceIndex ?? null]);
}

/** A file NuGet would refuse (or one over our limits) is NUPKG005, naming the file and the line. */
function configError(error: unknown, file: string): unknown {
  if (error instanceof XmlSyntaxError || error instanceof ConfigProblem) {
    return new NupkgSigningError('NUPKG005', `${file}:${error.line}: ${error.message}`, {
      file,
      cause: error,
    });
  }
  return error;
}

/**
 * A file's sections are de-duplicated like any settings, by a case-insensitive key, keeping the
 * first; the section is then looked up by its exact name. So a second `<trustedSigners>` is
 * ignored, and a `<TrustedSigners>` before it hides it without being read itself.
 */
function firstSection(root: XmlElement, name: string): XmlElement | undefined {
  const kept = firstOfEachKey(root.children.map((child) => ({ child })));
  return kept.find(({ child }) => child.name === name)?.child;
}

/** The `<config>` section's signatureValidationMode item: key matched case-insensitively. */
function validationModeItem(section: XmlElement): { cleared: boolean; value?: string } {
  let value: string | undefined;
  let cleared = false;
  const items = firstOfEachKey(section.children.map((child) => ({ child })));
  for (const { child: item } of items) {
    if (isItem(item, 'clear')) {
      value = undefined;
      cleared = true;
    } else if (
      isItem(item, 'add') &&
      item.attributes.get('key')?.toLowerCase() === 'signaturevalidationmode'
    ) {
      value ??= item.attributes.get('value');
    }
  }
  return value === undefined ? { cleared } : { cleared, value };
}

/** SettingsUtility.GetSignatureValidationMode: unparsable or absent → accept. */
function parseValidationMode(value: string | undefined): SignatureValidationMode {
  const normalized = value?.trim().toLowerCase();
  // Enum.TryParse also takes the numeric values of SignatureValidationMode (Accept = 0, Require = 1).
  return normalized === 'require' || normalized === '1' ? 'require' : 'accept';
}

export interface TrustedSignerCheckOptions {
  /** Overrides the file's signatureValidationMode. */
  readonly mode?: SignatureValidationMode;
  /**
   * Whether an allow-list mismatch is only a warning. Defaults to mode === 'accept'; a source with
   * allRepositorySigned turns it off even in accept mode (§6.6).
   */
  readonly allowUntrusted?: boolean;
}

/**
 * The client allow-list step of restore/verify for one package. Unsigned packages are not checked
 * here (NuGet runs no allow list for them; NU3004 comes from the verification settings).
 */
export function checkTrustedSigners(
  config: NuGetSigningConfig,
  facts: SignatureFacts,
  options: TrustedSignerCheckOptions = {},
): Issue[] {
  const mode = options.mode ?? config.signatureValidationMode;
  const allowUntrusted = options.allowUntrusted ?? mode === 'accept';
  if (!facts.primary) return [];
  if (config.allowList.length === 0) {
    if (mode !== 'require') return [];
    return [
      issue(
        'NU3034',
        'error',
        `signatureValidationMode is set to require, so packages are allowed only if signed by trusted signers; however, no trusted signers were specified. Add the signer to <trustedSigners> in ${config.file} (dotnet nuget trust author NAME ${facts.packageId}.nupkg)`,
      ),
    ];
  }
  if (matchingEntry(config.allowList, facts)) return [];
  const signer = `${facts.primary.kind} signature by ${shortFingerprint(facts.primary.certificate.fingerprintSha256)} (${facts.primary.certificate.subject})`;
  const counter = facts.repositoryCountersignature
    ? `, repository countersignature by ${shortFingerprint(facts.repositoryCountersignature.certificate.fingerprintSha256)}`
    : '';
  return [
    issue(
      'NU3034',
      allowUntrusted ? 'warning' : 'error',
      `This package is signed but not by a trusted signer. ${facts.packageId}: ${signer}${counter} matches no <trustedSigners> entry in ${config.file}; trust it with dotnet nuget trust author|repository, or check the owners list`,
    ),
  ];
}

/**
 * SignatureTrustAndValidityVerificationProvider.IsUntrustedRootAllowed for a SHA-256 fingerprint.
 * Quirk kept on purpose: NuGet compares the config's fingerprint *ordinally* with the uppercase hex
 * it computes, so an entry written in lowercase never allows an untrusted root (although the same
 * entry matches the allow list, which ignores case). Pass the fingerprint uppercase, as NuGet does.
 */
export function allowUntrustedRootFor(
  config: NuGetSigningConfig,
  fingerprintSha256Upper: string,
): boolean {
  return config.allowList.some(
    (e) =>
      e.allowUntrustedRoot &&
      e.hashAlgorithm === 'SHA256' &&
      e.fingerprint === fingerprintSha256Upper,
  );
}

/**
 * The same decision for one signature's own certificate, over every algorithm the config uses.
 * NuGet asks it separately for the primary signature and for the repository countersignature,
 * each with its own certificate, whatever the entry's kind (author or repository); an excused
 * signature also tolerates expiry, since allowUntrusted governs expiry too.
 */
export function isUntrustedRootAllowed(
  config: NuGetSigningConfig,
  certificate: CertificateFacts,
): boolean {
  return config.allowList.some((e) => {
    if (!e.allowUntrustedRoot) return false;
    const hash = certificateHash(certificate, algorithmOf(e.hashAlgorithm));
    return hash !== undefined && e.fingerprint === hash;
  });
}
