import {
  certificateHash,
  type CertificateFacts,
  type FingerprintAlgorithm,
  type SignatureFacts,
} from '../signer-policy/facts.js';
import type { TrustedSignerEntry, TrustedSignerHashAlgorithm } from './trusted-signers.js';
import type { SignatureType } from '../../issues.js';

/**
 * AllowListVerificationProvider.IsSignatureAllowed for trustedSigners entries: the primary
 * signature (author or repository) and the repository countersignature are each tried against
 * every entry; any match passes.
 */

interface Candidate {
  readonly certificate: CertificateFacts;
  readonly kind: SignatureType;
  readonly placement: 'primary' | 'countersignature';
  /** nuget-package-owners of a repository signature; undefined for an author signature. */
  readonly owners?: readonly string[];
}

export function matchingEntry(
  entries: readonly TrustedSignerEntry[],
  facts: SignatureFacts,
): TrustedSignerEntry | undefined {
  const candidates = candidatesOf(facts);
  return entries.find((entry) => candidates.some((c) => entryMatches(entry, c)));
}

function candidatesOf(facts: SignatureFacts): Candidate[] {
  const list: Candidate[] = [];
  const primary = facts.primary;
  if (primary) {
    list.push({
      certificate: primary.certificate,
      kind: primary.kind,
      placement: 'primary',
      ...(primary.kind === 'repository' && { owners: primary.owners ?? [] }),
    });
  }
  const counter = facts.repositoryCountersignature;
  if (counter) {
    list.push({
      certificate: counter.certificate,
      kind: 'repository',
      placement: 'countersignature',
      owners: counter.owners ?? [],
    });
  }
  return list;
}

function entryMatches(entry: TrustedSignerEntry, candidate: Candidate): boolean {
  if (
    candidate.placement === 'primary' ? !entry.placementPrimary : !entry.placementCountersignature
  )
    return false;
  const targeted =
    (entry.targetsAuthor && candidate.kind === 'author') ||
    (entry.targetsRepository && candidate.kind === 'repository');
  if (!targeted) return false;
  const hash = certificateHash(candidate.certificate, algorithmOf(entry.hashAlgorithm));
  if (hash === undefined || hash.toUpperCase() !== entry.fingerprint.toUpperCase()) return false;
  // Owners are checked only for repository entries that list some, against repository signatures.
  if (
    entry.targetsRepository &&
    entry.owners &&
    entry.owners.length > 0 &&
    candidate.owners !== undefined
  ) {
    const actual = candidate.owners;
    return entry.owners.some((owner) => actual.includes(owner)); // ordinal, like LINQ Intersect
  }
  return true;
}

export function algorithmOf(name: TrustedSignerHashAlgorithm): FingerprintAlgorithm {
  return name.toLowerCase() as FingerprintAlgorithm;
}
