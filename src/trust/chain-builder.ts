import { BoundedCache } from '../bounded-cache.js';
import { LIMITS } from '../limits.js';
import type { CertificateView } from '../signature/certificate.js';
import { chainLink, type ChainLink } from './chain-link.js';
import { evaluatePath, type PathEnd } from './chain-evaluation.js';
import { sortStatuses, type ChainStatus } from './chain-status.js';
import type { TrustStore } from './trust-store.js';

export type { ChainStatus } from './chain-status.js';

export interface BuildChainOptions {
  /** Roots for this purpose (code signing or time stamping). */
  readonly anchors: TrustStore;
  /** Extra certificates to find issuers in, typically the CMS's `certificates`. */
  readonly intermediates: readonly Uint8Array[];
  /** EKU OID the chain must be valid for (1.3.6.1.5.5.7.3.3 or 1.3.6.1.5.5.7.3.8). */
  readonly applicationPolicy: string;
  readonly verificationTime: Date;
  /** NuGet's verify-time setting: when true, no certificate's validity period is reported. */
  readonly ignoreNotTimeValid: boolean;
}

export interface ChainResult {
  /** Leaf first, up to the root (or the last certificate whose issuer was found). */
  readonly chain: Uint8Array[];
  /** The same certificates parsed, parallel to `chain`: nothing downstream parses them again. */
  readonly certificates: CertificateView[];
  /** Union of the element statuses, in a fixed order. */
  readonly statuses: ChainStatus[];
  /** Statuses of each chain element, parallel to `chain`. */
  readonly elementStatuses: ChainStatus[][];
  /** The chain ends at a root in `anchors` (other statuses may still be present). */
  readonly trusted: boolean;
  /** `trusted` and no status at all: what X509Chain.Build returning true means. */
  readonly valid: boolean;
}

/** Bounds on the search: real chains are 2-5 long and have at most a few cross-signed variants. */
const MAX_DEPTH = 12;
const MAX_PATHS = 64;

interface Candidate {
  readonly path: ChainLink[];
  readonly end: PathEnd;
}

/**
 * Builds the certificate chain of `leafDer` the way NuGet's X509Chain does on Linux with custom
 * root trust (nuget-signing-spec.md §4.5, §5.4, §8.2-8.3): issuers come from the anchor store
 * (every match) and the CMS certificates (the one copy OpenSSL would take, see untrustedIssuer),
 * matched by name and authority/subject key identifier; every possible path is evaluated and the
 * best one reported (ending at an anchor first, then fewest problems), so a
 * cross-signed intermediate that also exists as a trusted root does not cause a false failure.
 * Revocation is not checked here.
 */
export function buildChain(leafDer: Uint8Array, options: BuildChainOptions): ChainResult {
  const leaf = chainLink(leafDer, 'The certificate to build a chain for');
  const intermediates = options.intermediates.map((der) =>
    chainLink(der, 'A certificate in the signature'),
  );
  const key = [
    leaf.fingerprint,
    intermediates.map((c) => c.fingerprint).join(','),
    options.applicationPolicy,
    options.verificationTime.getTime(),
    options.ignoreNotTimeValid,
  ].join('|');
  const cache = chainsOf(options.anchors);
  // Arrays are copied out so that no caller can change what the next one is given.
  const built = cache.get(key) ?? build(leaf, intermediates, options);
  cache.set(key, built, key.length * 2 + 256 * built.chain.length);
  return {
    ...built,
    chain: [...built.chain],
    certificates: [...built.certificates],
    statuses: [...built.statuses],
    elementStatuses: built.elementStatuses.map((statuses) => [...statuses]),
  };
}

/**
 * Chains built against each trust store, for as long as the store lives (one run). A chain
 * depends only on the certificates' bytes, the store, the time and the purpose, which make the
 * key: a batch of packages signed by a few publishers builds each chain once.
 */
const chainsByStore = new WeakMap<TrustStore, BoundedCache<string, ChainResult>>();

function chainsOf(store: TrustStore): BoundedCache<string, ChainResult> {
  let chains = chainsByStore.get(store);
  if (!chains) {
    chains = new BoundedCache(LIMITS.maxCachedChains, LIMITS.maxCachedChains * 4096);
    chainsByStore.set(store, chains);
  }
  return chains;
}

function build(
  leaf: ChainLink,
  intermediates: readonly ChainLink[],
  options: BuildChainOptions,
): ChainResult {
  const pool = issuerPool(intermediates, options);
  const signatures = new Map<string, boolean>();
  const signatureValid = (subject: ChainLink, issuer: ChainLink): boolean => {
    const key = `${subject.fingerprint}/${issuer.fingerprint}`;
    let valid = signatures.get(key);
    if (valid === undefined) {
      valid = verifySignature(subject, issuer);
      signatures.set(key, valid);
    }
    return valid;
  };

  let best: { candidate: Candidate; statuses: ChainStatus[][]; score: number[] } | undefined;
  for (const candidate of enumeratePaths(leaf, pool, options.anchors)) {
    const { elementStatuses } = evaluatePath(candidate.path, candidate.end, {
      applicationPolicy: options.applicationPolicy,
      verificationTime: options.verificationTime,
      signatureValid,
    });
    const score = scorePath(candidate, elementStatuses);
    if (!best || compareScores(score, best.score) < 0) {
      best = { candidate, statuses: elementStatuses, score };
    }
  }
  // enumeratePaths always yields at least the leaf on its own.
  const chosen = best as NonNullable<typeof best>;
  const elementStatuses = chosen.statuses.map((statuses) =>
    sortStatuses(
      options.ignoreNotTimeValid ? statuses.filter((s) => s !== 'NotTimeValid') : statuses,
    ),
  );
  const statuses = sortStatuses(elementStatuses.flat());
  const trusted = chosen.candidate.end === 'anchor';
  return {
    chain: chosen.candidate.path.map((certificate) => certificate.der),
    certificates: chosen.candidate.path.map((certificate) => certificate.certificate),
    statuses,
    elementStatuses,
    trusted,
    valid: trusted && statuses.length === 0,
  };
}

/** The issuers to try for a certificate, given the path built so far (leaf first). */
type IssuerPool = (certificate: ChainLink, path: readonly ChainLink[]) => ChainLink[];

function issuerPool(intermediates: readonly ChainLink[], options: BuildChainOptions): IssuerPool {
  // Encoding order is kept: it decides which of two copies of an issuer is used.
  const bySubject = new Map<string, ChainLink[]>();
  for (const facts of intermediates) {
    const list = bySubject.get(facts.subjectKey) ?? [];
    if (!list.some((existing) => existing.fingerprint === facts.fingerprint)) list.push(facts);
    bySubject.set(facts.subjectKey, list);
  }
  return (certificate, path) => {
    const fromStore = options.anchors
      .withSubject(certificate.issuerKey)
      .filter((issuer) => mayHaveIssued(issuer, certificate));
    const fromCms = (bySubject.get(certificate.issuerKey) ?? []).filter(
      (facts) =>
        !fromStore.some((stored) => stored.fingerprint === facts.fingerprint) &&
        mayHaveIssued(facts, certificate) &&
        !path.some((seen) => seen.fingerprint === facts.fingerprint),
    );
    const chosen = untrustedIssuer(fromCms, options.verificationTime);
    // Exact key-identifier matches first, so the search meets the intended issuer early.
    return [...fromStore, ...(chosen ? [chosen] : [])].sort(
      (a, b) => Number(keyIdMatches(b, certificate)) - Number(keyIdMatches(a, certificate)),
    );
  };
}

/**
 * Which of the signature's certificates OpenSSL (under .NET's X509Chain on Linux) takes as the
 * issuer, `find_issuer`: the first, in the order the CMS lists them, whose names and key
 * identifiers fit and that is valid at the verification time; failing that, the one expiring
 * last. Its signature is not looked at: a broken copy listed before a good one is used, and the
 * chain then fails (NuGet reports NU3012, checked against dotnet).
 */
function untrustedIssuer(candidates: readonly ChainLink[], time: Date): ChainLink | undefined {
  let latest: ChainLink | undefined;
  for (const candidate of candidates) {
    if (candidate.notBefore <= time && time <= candidate.notAfter) return candidate;
    if (!latest || candidate.notAfter > latest.notAfter) latest = candidate;
  }
  return latest;
}

/**
 * OpenSSL's X509_check_issued: names already match; a present AKI keyIdentifier must equal the
 * issuer's SKI when both exist. (An issuer whose keyUsage lacks keyCertSign is still used, and
 * reported as InvalidBasicConstraints, as .NET does.)
 */
function mayHaveIssued(issuer: ChainLink, subject: ChainLink): boolean {
  const aki = subject.authorityKeyIdentifier;
  const ski = issuer.subjectKeyIdentifier;
  return aki === undefined || ski === undefined || aki === ski;
}

function keyIdMatches(issuer: ChainLink, subject: ChainLink): boolean {
  return (
    subject.authorityKeyIdentifier !== undefined &&
    subject.authorityKeyIdentifier === issuer.subjectKeyIdentifier
  );
}

/** Depth-first enumeration of every issuer path from the leaf, bounded by MAX_DEPTH/MAX_PATHS. */
function* enumeratePaths(
  leaf: ChainLink,
  pool: IssuerPool,
  anchors: TrustStore,
): Generator<Candidate> {
  let produced = 0;
  function* extend(path: ChainLink[]): Generator<Candidate> {
    if (produced >= MAX_PATHS) return;
    const top = path[path.length - 1] as ChainLink;
    if (top.selfIssued) {
      produced++;
      yield { path, end: anchors.isAnchor(top) ? 'anchor' : 'untrusted-root' };
      return;
    }
    const issuers = pool(top, path);
    const fresh = issuers.filter((issuer) => !path.some((seen) => sameCertificate(seen, issuer)));
    if (issuers.length === 0 || path.length >= MAX_DEPTH) {
      produced++;
      yield { path, end: 'partial' };
      return;
    }
    if (fresh.length === 0) {
      produced++;
      yield { path, end: 'cyclic' };
      return;
    }
    for (const issuer of fresh) yield* extend([...path, issuer]);
  }
  yield* extend([leaf]);
}

/** Same certificate, or the same subject and key (a cross-signed copy that would loop). */
function sameCertificate(a: ChainLink, b: ChainLink): boolean {
  return (
    a.fingerprint === b.fingerprint ||
    (a.subjectKey === b.subjectKey && a.publicKeyKey === b.publicKeyKey)
  );
}

const END_RANK: Record<PathEnd, number> = {
  anchor: 0,
  'untrusted-root': 1,
  cyclic: 2,
  partial: 3,
};

/** Lower is better: how it ends, then structural problems, then expiry, then length. */
function scorePath(candidate: Candidate, elementStatuses: ChainStatus[][]): number[] {
  const all = elementStatuses.flat();
  const structural = all.filter(
    (s) => s !== 'NotTimeValid' && s !== 'UntrustedRoot' && s !== 'PartialChain',
  ).length;
  const expired = all.filter((s) => s === 'NotTimeValid').length;
  return [END_RANK[candidate.end], structural, expired, candidate.path.length];
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function verifySignature(subject: ChainLink, issuer: ChainLink): boolean {
  try {
    return subject.x509.verify(issuer.x509.publicKey);
  } catch {
    // Unsupported key or algorithm: the platform would report the signature as not valid.
    return false;
  }
}
