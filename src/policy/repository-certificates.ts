import snapshot from '../../data/nuget-org-repository-certificates.json' with { type: 'json' };
import { describeError, NupkgSigningError } from '../errors.js';
import { readBoundedFileSync } from '../files/read-bounded-file.js';
import { LIMITS } from '../limits.js';
import { issue, type Issue } from '../issues.js';
import {
  certificateHash,
  type CertificateFacts,
  type FingerprintAlgorithm,
  type SignatureFacts,
} from './signer-policy/facts.js';
import { findJsonNestingOverflow } from './json-nesting.js';
import { shortFingerprint } from './signer-policy/fingerprint.js';

/**
 * A repository's RepositorySignatures resource (nuget-signing-spec.md §9.5, §6.6): which
 * certificates may repository-sign its packages, and whether every package is repository signed.
 * The bundled default is an offline snapshot of nuget.org's list, see
 * data/nuget-org-repository-certificates.json (`_comment`) for where it came from.
 */

export interface RepositoryCertificate {
  /** Uppercase hex per algorithm, from the OID-keyed `fingerprints` object. */
  readonly fingerprints: Partial<Record<Exclude<FingerprintAlgorithm, 'sha1'>, string>>;
  readonly subject?: string;
  readonly issuer?: string;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly contentUrl: string;
}

export interface RepositoryCertificateList {
  readonly allRepositorySigned: boolean;
  readonly certificates: readonly RepositoryCertificate[];
  /** Where the list came from, for messages. */
  readonly source: string;
}

/** The OIDs the client reads (SigningSpecifications.V1.AllowedHashAlgorithms). */
const FINGERPRINT_OIDS: Readonly<Record<string, Exclude<FingerprintAlgorithm, 'sha1'>>> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/**
 * Parses the resource with the client's rules (RepositorySignatureResource): a missing
 * `allRepositorySigned` or `signingCertificates`, or a `contentUrl` that is not an absolute https
 * URL, is fatal (NUPKG005). Array items that are not objects are skipped, as the client does.
 */
export function parseRepositoryCertificates(
  json: unknown,
  source: string,
): RepositoryCertificateList {
  const fail = (message: string): never => {
    throw new NupkgSigningError('NUPKG005', `${source}: ${message}`, { file: source });
  };
  if (!isObject(json)) return fail('the RepositorySignatures resource must be a JSON object');
  if (typeof json.allRepositorySigned !== 'boolean')
    return fail('missing or non-boolean "allRepositorySigned"');
  if (!Array.isArray(json.signingCertificates))
    return fail('missing or non-array "signingCertificates"');
  const certificates = json.signingCertificates.filter(isObject).map((entry, index) => {
    const where = `signingCertificates[${index}]`;
    if (!isHttpsUrl(entry.contentUrl)) fail(`${where}.contentUrl must be an absolute https URL`);
    // The client dereferences `fingerprints` when building its allow list; without it, it crashes.
    if (!isObject(entry.fingerprints)) fail(`${where}.fingerprints is missing`);
    const fingerprints: Partial<Record<Exclude<FingerprintAlgorithm, 'sha1'>, string>> = {};
    for (const [oid, value] of Object.entries(entry.fingerprints as Record<string, unknown>)) {
      const algorithm = FINGERPRINT_OIDS[oid];
      if (algorithm && typeof value === 'string' && value !== '')
        fingerprints[algorithm] = value.toUpperCase();
    }
    return {
      fingerprints,
      ...(typeof entry.subject === 'string' && { subject: entry.subject }),
      ...(typeof entry.issuer === 'string' && { issuer: entry.issuer }),
      ...optionalDate('notBefore', entry.notBefore),
      ...optionalDate('notAfter', entry.notAfter),
      contentUrl: entry.contentUrl as string,
    };
  });
  return { allRepositorySigned: json.allRepositorySigned, certificates, source };
}

/** `file` (JSON on disk), `json` (already parsed) or, with neither, the bundled nuget.org snapshot. */
export function loadRepositoryCertificates(
  options: { file?: string; json?: unknown } = {},
): RepositoryCertificateList {
  if (options.json !== undefined)
    return parseRepositoryCertificates(options.json, 'RepositorySignatures resource');
  if (options.file === undefined)
    return parseRepositoryCertificates(snapshot, 'bundled nuget.org repository certificates');
  // A regular file of bounded size (a real list is a few KB), read with the limit checked while
  // reading; bounded nesting; then JSON.parse.
  const text = readBoundedFileSync(options.file, {
    maxBytes: LIMITS.maxRepositorySignaturesBytes,
    code: 'NUPKG005',
    what: 'RepositorySignatures file',
  }).toString('utf8');
  const deep = findJsonNestingOverflow(text, LIMITS.maxConfigNesting);
  if (deep) {
    throw new NupkgSigningError(
      'NUPKG005',
      `${options.file}:${deep.line}: arrays and objects are nested more than ${LIMITS.maxConfigNesting} levels deep (a RepositorySignatures resource needs 4); check that it is the right file`,
      { file: options.file },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new NupkgSigningError(
      'NUPKG005',
      `cannot load ${options.file}: ${describeError(error)}`,
      { file: options.file, cause: error },
    );
  }
  return parseRepositoryCertificates(parsed, options.file);
}

/**
 * The repository allow-list step of restore for a package from this source (§6.6): the primary
 * repository signature or the repository countersignature must use a listed certificate.
 * `allowUntrusted` is the verification mode's; allRepositorySigned turns it off, as NuGet does.
 */
export function checkRepositorySignature(
  facts: SignatureFacts,
  list: RepositoryCertificateList,
  options: { allowUntrusted?: boolean } = {},
): Issue[] {
  const allowUntrusted = (options.allowUntrusted ?? false) && !list.allRepositorySigned;
  if (!facts.primary) {
    if (!list.allRepositorySigned) return [];
    return [
      issue(
        'NU3004',
        'error',
        `${facts.packageId} is not signed, but ${list.source} says all its packages are repository signed`,
      ),
    ];
  }
  const entries = list.certificates.filter((c) => Object.keys(c.fingerprints).length > 0);
  if (entries.length === 0) {
    if (!list.allRepositorySigned) return [];
    return [
      issue(
        'NU3034',
        'error',
        `This repository indicated that all its packages are repository signed; however, it listed no signing certificates (${list.source}), so every package fails`,
      ),
    ];
  }
  const signatures = repositorySignatures(facts);
  if (signatures.some((certificate) => entries.some((entry) => isListed(entry, certificate))))
    return [];
  const found =
    signatures.length === 0
      ? 'it has no repository signature'
      : `its repository signer ${signatures.map((c) => shortFingerprint(c.fingerprintSha256)).join(', ')} is not listed`;
  return [
    issue(
      'NU3034',
      allowUntrusted ? 'warning' : 'error',
      `This package was not repository signed with a certificate listed by this repository. ${facts.packageId}: ${found} in ${list.source}`,
    ),
  ];
}

/** Target Repository, placement Any: a repository primary signature or a repository countersignature. */
function repositorySignatures(facts: SignatureFacts): CertificateFacts[] {
  const list: CertificateFacts[] = [];
  if (facts.primary?.kind === 'repository') list.push(facts.primary.certificate);
  if (facts.repositoryCountersignature) list.push(facts.repositoryCountersignature.certificate);
  return list;
}

function isListed(entry: RepositoryCertificate, certificate: CertificateFacts): boolean {
  return Object.entries(entry.fingerprints).some(([algorithm, fingerprint]) => {
    const hash = certificateHash(certificate, algorithm as FingerprintAlgorithm);
    return hash !== undefined && hash === fingerprint; // both uppercased: case-insensitive compare
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isHttpsUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

function optionalDate(
  key: 'notBefore' | 'notAfter',
  value: unknown,
): Partial<Record<typeof key, Date>> {
  if (typeof value !== 'string') return {};
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? {} : { [key]: date };
}
